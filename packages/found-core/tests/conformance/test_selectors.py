"""Key selectors: resolution with or_equal and offsets, clamping at both ends, and
resolution over the transaction's own writes (semantics reference §5)."""

from __future__ import annotations

import pytest

import found

KEYS = [b"b", b"d", b"f", b"h"]


@pytest.fixture
async def tx(db):
    setup = found.make_transaction(db)
    for key in KEYS:
        found.set(setup, key, b"v")
    await found.commit(setup)
    return found.make_transaction(db)


@pytest.mark.parametrize(
    "selector, expected",
    [
        (found.lt(b"d"), b"b"),
        (found.lte(b"d"), b"d"),
        (found.gt(b"d"), b"f"),
        (found.gte(b"d"), b"d"),
        (found.gte(b"c"), b"d"),
        (found.lt(b"c"), b"b"),
        (found.gte(b"b") + 2, b"f"),
        (found.gt(b"b") + 1, b"f"),
        (found.lte(b"h") - 2, b"d"),
        (found.lt(b"d") - 1, b""),  # before the first key: clamped to b""
        (found.gte(b"a") - 5, b""),
        (found.gt(b"h"), b"\xff"),  # past the last key: clamped to \xff
        (found.gte(b"b") + 10, b"\xff"),
        (found.gte(b"\xff"), b"\xff"),
    ],
)
async def test_resolution_and_clamping(tx, selector, expected):
    assert await found.get_key(tx, selector) == expected


async def test_resolution_sees_own_writes(tx):
    found.clear(tx, b"d")
    found.set(tx, b"e", b"new")
    assert await found.get_key(tx, found.gt(b"b")) == b"e"
    assert await found.get_key(tx, found.lt(b"f")) == b"e"
    found.clear(tx, b"", b"\xff")
    assert await found.get_key(tx, found.gte(b"")) == b"\xff"
    assert await found.get_key(tx, found.lte(b"z")) == b""


async def test_selectors_as_range_bounds(tx):
    rows = await found.get_range(tx, found.gt(b"b"), found.gte(b"h"))
    assert [k for k, _ in rows] == [b"d", b"f"]
    rows = await found.get_range(tx, found.gte(b"b") + 1, found.lte(b"h"))
    assert [k for k, _ in rows] == [b"d", b"f"]
    rows = await found.get_range(tx, found.lt(b"c"), found.gt(b"f"))
    assert [k for k, _ in rows] == [b"b", b"d", b"f"]
    assert await found.get_range(tx, found.gte(b"h"), found.gte(b"b")) == []


async def test_selector_over_system_keys_is_2004(tx):
    with pytest.raises(found.FoundException) as info:
        await found.get_key(tx, found.gte(b"\xff\x01"))
    assert info.value.code == 2004
    found.set_option(tx, "read_system_keys")
    assert await found.get_key(tx, found.gte(b"\xff\x01")) >= b"\xff\x01"
