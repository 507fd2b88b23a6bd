"""REPORT_CONFLICTING_KEYS: after a commit fails with 1020, the read-conflict ranges that met a
newer write are readable at `\\xff\\xff/transaction/conflicting_keys/` as boundary keys ("1"
where a range starts, "0" where it ends, coalesced), until `on_error` or `reset` (semantics
reference §8, §12)."""

from __future__ import annotations

import pytest

import found

PREFIX = b"\xff\xff/transaction/conflicting_keys/"
READ = b"\xff\xff/transaction/read_conflict_range/"


async def _write(db, *keys):
    tx = found.make_transaction(db)
    for key in keys:
        found.set(tx, key, b"w")
    await found.commit(tx)


async def _failed_commit(tx) -> int:
    found.set(tx, b"out", b"1")
    with pytest.raises(found.FoundException) as info:
        await found.commit(tx)
    return info.value.code


async def _reported(tx):
    return await found.get_range(tx, PREFIX, PREFIX + b"\xff\xff")


async def _reader(db, report=True):
    """A transaction that read a, b, [k, m) and z."""
    tx = found.make_transaction(db)
    if report:
        found.set_option(tx, found.TransactionOption.REPORT_CONFLICTING_KEYS)
    for key in (b"a", b"b", b"z"):
        await found.get(tx, key)
    await found.get_range(tx, b"k", b"m")
    return tx


async def test_conflicting_read_ranges_are_reported(db):
    tx = await _reader(db)
    await _write(db, b"b", b"l", b"q")  # q was not read: no report for it
    assert await _failed_commit(tx) == 1020
    assert await _reported(tx) == [
        (PREFIX + b"b", b"1"),
        (PREFIX + b"b\x00", b"0"),
        (PREFIX + b"k", b"1"),
        (PREFIX + b"m", b"0"),
    ]
    assert await found.get(tx, PREFIX + b"b") == b"1"
    assert await found.get(tx, PREFIX + b"b\x00") == b"0"
    assert await found.get(tx, PREFIX + b"a") is None
    # A sub-range and a reverse, limited read see the same boundaries.
    assert await found.get_range(tx, PREFIX + b"c", PREFIX + b"z") == [
        (PREFIX + b"k", b"1"),
        (PREFIX + b"m", b"0"),
    ]
    assert await found.get_range(tx, PREFIX, PREFIX + b"\xff", limit=1, reverse=True) == [
        (PREFIX + b"m", b"0")
    ]
    # The other special ranges stay readable after the failed commit too.
    assert (READ + b"a", b"1") in await found.get_range(tx, READ, READ + b"\xff")


async def test_on_error_and_reset_clear_the_report(db):
    tx = await _reader(db)
    await _write(db, b"a")
    assert await _failed_commit(tx) == 1020
    assert await _reported(tx) == [(PREFIX + b"a", b"1"), (PREFIX + b"a\x00", b"0")]
    await found.on_error(tx, 1020)
    assert await _reported(tx) == []
    found.set_option(tx, found.TransactionOption.REPORT_CONFLICTING_KEYS)
    await found.get(tx, b"z")
    await _write(db, b"z")
    assert await _failed_commit(tx) == 1020
    assert await _reported(tx) == [(PREFIX + b"z", b"1"), (PREFIX + b"z\x00", b"0")]
    found.reset(tx)
    assert await _reported(tx) == []


async def test_nothing_is_reported_without_the_option_or_a_conflict(db):
    tx = await _reader(db, report=False)
    await _write(db, b"a")
    assert await _failed_commit(tx) == 1020
    assert await _reported(tx) == []
    tx = await _reader(db)
    assert await _reported(tx) == []  # before any commit
    found.set(tx, b"out", b"1")
    await found.commit(tx)
    assert await _reported(tx) == []  # a successful commit reports nothing


async def test_adjacent_and_overlapping_conflicts_are_coalesced(db):
    tx = found.make_transaction(db)
    found.set_option(tx, found.TransactionOption.REPORT_CONFLICTING_KEYS)
    await found.get_range(tx, b"c", b"f")
    await found.get_range(tx, b"f", b"h")  # adjacent: one read range [c, h)
    await found.get(tx, b"x")
    await found.get(tx, b"x\x00")  # the successor key: one read range [x, x\0\0)
    await _write(db, b"d", b"x\x00")
    assert await _failed_commit(tx) == 1020
    assert await _reported(tx) == [
        (PREFIX + b"c", b"1"),
        (PREFIX + b"h", b"0"),
        (PREFIX + b"x", b"1"),
        (PREFIX + b"x\x00\x00", b"0"),
    ]


async def test_conflicts_from_several_commits_are_all_reported(db):
    tx = await _reader(db)
    await _write(db, b"a")
    await _write(db, b"z")
    await _write(db, b"k\x05")
    assert await _failed_commit(tx) == 1020
    assert [key for key, _ in await _reported(tx)] == [
        PREFIX + key for key in (b"a", b"a\x00", b"k", b"m", b"z", b"z\x00")
    ]


async def test_database_default_enables_the_report(db):
    found.database_set_option(db, "transaction_report_conflicting_keys")
    tx = await _reader(db, report=False)
    await _write(db, b"b")
    assert await _failed_commit(tx) == 1020
    assert await _reported(tx) == [(PREFIX + b"b", b"1"), (PREFIX + b"b\x00", b"0")]


async def test_transactional_retry_sees_a_fresh_report(db):
    attempts = []

    async def work(tx):
        found.set_option(tx, found.TransactionOption.REPORT_CONFLICTING_KEYS)
        attempts.append(await _reported(tx))
        await found.get(tx, b"counter")
        if len(attempts) == 1:
            await _write(db, b"counter")  # makes the first attempt conflict
        found.set(tx, b"counter", b"mine")

    await found.transactional(db, work)
    assert attempts == [[], []]
