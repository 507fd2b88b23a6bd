"""Range reads: limits, reverse, streaming modes and their byte targets, the `more` flag
(semantics reference §2.3, §5, §15.1, §15.2)."""

from __future__ import annotations

import pytest

import found
from found import StreamingMode as M


@pytest.fixture
async def tx(db):
    setup = found.make_transaction(db)
    for i in range(20):
        found.set(setup, b"k%02d" % i, b"v" * 10)
    await found.commit(setup)
    return found.make_transaction(db)


async def page(tx, begin=b"", end=b"\xff", limit=0, target=0, mode=M.EXACT, it=1, reverse=False):
    return await tx.backend.get_range(
        begin, False, 1, end, False, 1, limit, target, int(mode), it, False, reverse
    )


async def test_limit_and_more_flag(tx):
    rows, more = await page(tx, limit=5)
    assert [k for k, _ in rows] == [b"k%02d" % i for i in range(5)] and more
    rows, more = await page(tx, limit=20)
    assert len(rows) == 20 and more  # limit exactly met: more is true (§15.1)
    rows, more = await page(tx, limit=21)
    assert len(rows) == 20 and not more
    rows, more = await page(tx, mode=M.WANT_ALL)
    assert len(rows) == 20 and not more


async def test_reverse_limit_returns_last_keys(tx):
    rows, more = await page(tx, limit=3, reverse=True)
    assert [k for k, _ in rows] == [b"k19", b"k18", b"k17"] and more


async def test_empty_and_inverted_ranges(tx):
    assert await page(tx, begin=b"k05", end=b"k05", limit=1) == ([], False)
    assert await page(tx, begin=b"k09", end=b"k03", limit=1) == ([], False)


async def test_byte_targets_of_modes(tx):
    # every row costs len(key) + len(value) + 8 = 21 bytes
    rows, more = await page(tx, mode=M.SMALL)
    assert len(rows) == 13 and more  # 256-byte target reached by the 13th row
    rows, more = await page(tx, target=50, mode=M.WANT_ALL)
    assert len(rows) == 3 and more
    rows, more = await page(tx, mode=M.ITERATOR, it=1)
    assert len(rows) == 20 and not more


async def test_invalid_parameters(tx):
    for kwargs, code in [
        ({"mode": M.EXACT}, 2210),
        ({"mode": M.ITERATOR, "it": 0}, 2000),
        ({"mode": 99, "limit": 1}, 2000),
        ({"limit": -2, "mode": M.WANT_ALL}, 2012),
        ({"target": -5, "mode": M.WANT_ALL}, 2012),
        ({"end": b"\xff\x00", "mode": M.WANT_ALL}, 2004),
    ]:
        with pytest.raises(found.FoundException) as info:
            await page(tx, **kwargs)
        assert info.value.code == code, kwargs


async def test_query_pages_through_everything(tx):
    keys = [k async for k, _ in found.query(tx, b"", b"\xff", mode=M.SMALL)]
    assert keys == [b"k%02d" % i for i in range(20)]
    keys = [k async for k, _ in found.query(tx, b"k15", b"k05")]
    assert keys == [b"k%02d" % i for i in range(15, 4, -1)]
    assert len([k async for k, _ in found.query(tx, b"", b"\xff", limit=7)]) == 7


async def test_range_results_exclude_system_keys(tx):
    found.set_option(tx, "access_system_keys")
    found.set(tx, b"\xff/x", b"sys")
    assert [k for k, _ in await found.get_range(tx, b"k19", b"\xff")] == [b"k19"]
    assert [k for k, _ in await found.get_range(tx, b"k19", b"\xff\xff")][-1] == b"\xff/x"


async def test_iterator_mode_grows_with_iteration(db):
    setup = found.make_transaction(db)
    for i in range(700):
        found.set(setup, b"r%03d" % i, b"v" * 10)  # 4 + 10 + 8 = 22 bytes per row
    await found.commit(setup)
    tx = found.make_transaction(db)
    sizes = []
    for iteration in (1, 2, 3):
        rows, more = await tx.backend.get_range(
            b"r", False, 1, b"s", False, 1, 0, 0, int(M.ITERATOR), iteration, False, False
        )
        assert more
        sizes.append(len(rows))
    # byte targets 4096, 6144, 9216: the row that reaches the target is included
    assert sizes == [-(-4096 // 22), -(-6144 // 22), -(-9216 // 22)]
    rows, more = await tx.backend.get_range(
        b"r", False, 1, b"s", False, 1, 0, 2000, int(M.SERIAL), 1, False, False
    )
    assert len(rows) == -(-2000 // 22) and more  # caller's target below the mode's
