"""Limits and error codes: key/value/transaction sizes, system keys, inverted ranges, misuse
after commit and cancel, deferred errors of synchronous writes, approximate size
(semantics reference §1.6, §3, §4, §6.3, §15.3, §15.4, §15.14)."""

from __future__ import annotations

import pytest

import found


async def _code(awaitable) -> int:
    with pytest.raises(found.FoundException) as info:
        await awaitable
    return info.value.code


@pytest.mark.parametrize(
    "write, code",
    [
        (lambda tx: found.set(tx, b"k" * 10_001, b"v"), 2102),
        (lambda tx: found.set(tx, b"k", b"v" * 100_001), 2103),
        (lambda tx: found.set(tx, b"\xff/sys", b"v"), 2004),
        (lambda tx: found.clear(tx, b"\xff/sys"), 2004),
        (lambda tx: tx.backend.clear_range(b"a", b"\xff\x01"), 2004),
        (lambda tx: tx.backend.clear_range(b"b", b"a"), 2005),
        (lambda tx: found.add(tx, b"\xff/sys", b"\x01"), 2004),
        (lambda tx: found.add(tx, b"k" * 10_001, b"\x01"), 2102),
    ],
)
async def test_write_errors_are_deferred(db, write, code):
    tx = found.make_transaction(db)
    write(tx)  # never raises synchronously
    assert await _code(found.get(tx, b"x")) == code


async def test_limits_are_inclusive(db):
    tx = found.make_transaction(db)
    found.set(tx, b"k" * 10_000, b"v" * 100_000)
    await found.commit(tx)
    tx = found.make_transaction(db)
    assert await found.get(tx, b"k" * 10_000) == b"v" * 100_000


async def test_overlong_key_reads_and_clears_are_not_errors(db):
    tx = found.make_transaction(db)
    assert await found.get(tx, b"k" * 20_000) is None
    found.clear(tx, b"k" * 20_000)  # silently nothing
    await found.commit(tx)


async def test_system_keys_need_options(db):
    tx = found.make_transaction(db)
    assert await _code(found.get(tx, b"\xff/x")) == 2004
    tx = found.make_transaction(db)
    found.set_option(tx, "read_system_keys")
    assert await found.get(tx, b"\xff/x") is None
    found.set(tx, b"\xff/x", b"v")
    assert await _code(found.commit(tx)) == 2004
    tx = found.make_transaction(db)
    found.set_option(tx, "access_system_keys")
    found.set(tx, b"\xff/x", b"v")
    await found.commit(tx)
    tx = found.make_transaction(db)
    found.set_option(tx, "read_system_keys")
    assert await found.get(tx, b"\xff/x") == b"v"


async def test_transaction_too_large(db):
    tx = found.make_transaction(db)
    found.set_option(tx, "size_limit", 1000)
    for i in range(20):
        found.set(tx, b"key%d" % i, b"v" * 50)
    assert await _code(found.commit(tx)) == 2101


async def test_used_during_commit(db):
    tx = found.make_transaction(db)
    found.set(tx, b"a", b"1")
    await found.commit(tx)
    assert found.get_committed_version(tx) > 0
    assert await found.get_approximate_size(tx) > 0  # allowed after commit
    assert await _code(found.get(tx, b"a")) == 2017
    assert await _code(found.read_version(tx)) == 2017  # poisoned now
    assert await _code(tx.backend.on_error(1020)) == 2017
    found.reset(tx)
    assert await found.get(tx, b"a") == b"1"


async def test_write_after_commit_poisons(db):
    tx = found.make_transaction(db)
    found.set(tx, b"a", b"1")
    await found.commit(tx)
    found.set(tx, b"b", b"2")
    assert await _code(found.read_version(tx)) == 2017


async def test_cancel(db):
    tx = found.make_transaction(db)
    found.set(tx, b"a", b"1")
    found.cancel(tx)
    assert await _code(found.get(tx, b"a")) == 1025
    assert await _code(found.commit(tx)) == 1025
    assert await _code(tx.backend.on_error(1020)) == 1025
    found.reset(tx)
    assert await found.get(tx, b"a") is None


async def test_unknown_option_is_2007_at_once(db):
    tx = found.make_transaction(db)
    with pytest.raises(found.FoundException) as info:
        tx.backend.set_option(12345, None)
    assert info.value.code == 2007


@pytest.mark.parametrize(
    "code, value",
    [
        (500, b"\x01"),  # int option with a 1-byte value
        (500, (-1).to_bytes(8, "little", signed=True)),
        (503, (31).to_bytes(8, "little")),
        (503, (10_000_001).to_bytes(8, "little")),
        (501, (-2).to_bytes(8, "little", signed=True)),
        (51, b"x"),  # option without parameter given one
        (403, b"x" * 101),
    ],
)
async def test_bad_option_values_are_deferred_2006(db, code, value):
    tx = found.make_transaction(db)
    tx.backend.set_option(code, value)
    assert await _code(found.get(tx, b"k")) == 2006


async def test_approximate_size_grows_like_foundationdb(db):
    tx = found.make_transaction(db)
    assert await found.get_approximate_size(tx) == 0
    found.set(tx, b"key", b"value")
    # key + value + mutation overhead, plus the write conflict range [key, key\x00)
    assert await found.get_approximate_size(tx) == 3 + 5 + 40 + 32 + 7
    await found.get(tx, b"other")
    assert await found.get_approximate_size(tx) == 87 + 5 + 6 + 32


async def test_addresses_and_estimates(db):
    tx = found.make_transaction(db)
    found.set(tx, b"a", b"1")
    await found.commit(tx)
    tx = found.make_transaction(db)
    addresses = await found.get_addresses_for_key(tx, b"a")
    assert addresses and all(":" in a for a in addresses)
    assert await found.estimated_size_bytes(tx, b"", b"\xff") >= 0
    points = await found.get_range_split_points(tx, b"", b"\xff", 1_000_000)
    assert points[0] == b"" and points[-1] == b"\xff"
    assert await _code(tx.backend.get_estimated_range_size_bytes(b"b", b"a")) == 2005
