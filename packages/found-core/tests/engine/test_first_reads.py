"""A transaction's first read takes its read version in the same SQLite statement as its
data (`Engine.grant_get` / `grant_range`); the next few run in autocommit mode too, later
ones open the loop iteration's shared snapshot, each with a statement that also returns
the newest version. These tests pin what that
must keep: the GRV sees every commit acknowledged before it (here: one made through another
connection while this loop iteration held an older snapshot), reads at an older version
still go through the history, conflicts are recorded, and ranges page exactly as before.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import found
from found._embedded import reader
from found._errors import FoundException


def commit_elsewhere(directory: str, pairs: dict[bytes, bytes]) -> None:
    """Commit `pairs` through another database on `directory`, from another thread with its
    own event loop, and return once it is acknowledged: the caller's loop never turns."""

    async def write() -> None:
        other = await found.open(directory=directory)
        try:

            async def put(tx: found.Transaction) -> None:
                for key, value in pairs.items():
                    found.set(tx, key, value)

            await found.transactional(other, put)
        finally:
            await other.close()

    thread = threading.Thread(target=asyncio.run, args=(write(),))
    thread.start()
    thread.join()


@pytest.fixture
async def db(directory):
    opened = await found.open(directory=directory)
    try:
        yield opened
    finally:
        await opened.close()


async def put(db, pairs: dict[bytes, bytes]) -> None:
    async def write(tx: found.Transaction) -> None:
        for key, value in pairs.items():
            found.set(tx, key, value)

    await found.transactional(db, write)


async def test_first_read_sees_a_commit_made_while_a_snapshot_was_held(db, directory):
    await put(db, {b"a": b"1", b"b": b"1"})
    old = found.make_transaction(db)
    assert await found.get(old, b"a") == b"1"  # the GRV, fused with the read
    for _ in range(reader.SOLO_READS + 1):  # a few in autocommit, then a shared snapshot
        assert await found.get(old, b"b") == b"1"
    assert db._backend.engine._reader._held is not None  # no loop turn since
    commit_elsewhere(directory, {b"a": b"2", b"c": b"2"})
    point = found.make_transaction(db)
    assert await found.get(point, b"a") == b"2"
    ranged = found.make_transaction(db)
    assert await found.get_range(ranged, b"", b"\xff") == [(b"a", b"2"), (b"b", b"1"), (b"c", b"2")]
    # the old transaction still reads at its version: through the history now
    assert await found.get(old, b"a") == b"1"
    solo = found.make_transaction(db)  # an autocommit read finds a newer commit
    assert await found.get(solo, b"a") == b"2"
    commit_elsewhere(directory, {b"a": b"3"})
    assert await found.get(solo, b"a") == b"2"
    assert await found.get_range(solo, b"a", b"b") == [(b"a", b"2")]
    assert await found.get(old, b"c") is None
    assert await found.get_range(old, b"", b"\xff") == [(b"a", b"1"), (b"b", b"1")]
    assert await found.read_version(old) < await found.read_version(point)


async def test_first_read_conflicts_unless_snapshot(db, directory):
    await put(db, {b"k": b"0"})
    for snapshot in (False, True):
        tx = found.make_transaction(db)
        assert await tx._tx.get(b"k", snapshot) is not None  # a snapshot read in a writer
        commit_elsewhere(directory, {b"k": b"%d" % snapshot})
        found.set(tx, b"other", b"x")
        if snapshot:
            await found.commit(tx)
        else:
            with pytest.raises(FoundException) as caught:
                await found.commit(tx)
            assert caught.value.code == 1020


async def test_first_range_read_conflicts(db, directory):
    await put(db, {b"r/1": b"0"})
    tx = found.make_transaction(db)
    assert await found.get_range(tx, b"r/", b"r0") == [(b"r/1", b"0")]
    commit_elsewhere(directory, {b"r/2": b"new"})
    found.set(tx, b"other", b"x")
    with pytest.raises(FoundException) as caught:
        await found.commit(tx)
    assert caught.value.code == 1020


MODES = [
    found.STREAMING_MODE_WANT_ALL,
    found.STREAMING_MODE_EXACT,
    found.STREAMING_MODE_SMALL,
    found.STREAMING_MODE_MEDIUM,
    found.STREAMING_MODE_SERIAL,
]


@pytest.mark.parametrize("mode", MODES)
async def test_first_range_read_pages_as_later_ones(db, mode):
    """The fused first batch is the first of `db_page`'s batches: byte-limited pages, row
    limits and both directions give the same rows as the same read later in a transaction."""
    pairs = {b"p/%03d" % i: b"v" * (i % 40) for i in range(300)}
    await put(db, pairs)
    expected = sorted(pairs.items())
    for limit in (0, 1, 7, 299, 300, 1000):
        if mode == found.STREAMING_MODE_EXACT and limit == 0:
            continue
        for reverse in (False, True):
            want = expected[::-1] if reverse else expected
            want = want[:limit] if limit else want
            first = found.make_transaction(db)
            got = await found.get_range(first, b"p/", b"p0", limit, reverse, mode)
            later = found.make_transaction(db)
            await found.get(later, b"p/000")  # the read version comes from this read
            assert await found.get_range(later, b"p/", b"p0", limit, reverse, mode) == want
            assert got == want
            empty = found.make_transaction(db)
            assert await found.get_range(empty, b"q", b"r", limit, reverse, mode) == []


async def test_first_read_refuses_nothing_set_read_version_refuses(db):
    await put(db, {b"k": b"v"})
    tx = found.make_transaction(db)
    version = await found.read_version(tx)
    future = found.make_transaction(db)
    found.set_read_version(future, version + 10_000_000)
    with pytest.raises(FoundException) as caught:
        await found.get(future, b"k")
    assert caught.value.code == 1009
    fresh = found.make_transaction(db)
    assert await found.get(fresh, b"k") == b"v"
    assert await found.read_version(fresh) == version


def test_split_finds_the_version_row_anywhere():
    rows = [(b"a", b"1"), (b"b", b"2")]
    for at in range(3):
        mixed = list(rows)
        mixed.insert(at, (None, 42))
        assert reader._split(mixed) == (rows, 42)
    assert reader._split([(None, 7)]) == ([], 7)


async def test_autocommit_range_read_after_a_newer_commit(db, directory):
    await put(db, {b"r/1": b"old", b"r/2": b"old"})
    tx = found.make_transaction(db)
    assert await found.get_range(tx, b"r/", b"r0") == [(b"r/1", b"old"), (b"r/2", b"old")]
    commit_elsewhere(directory, {b"r/1": b"new", b"r/3": b"new"})
    # the next read is one autocommit statement, which finds the newer commit: the history
    assert await found.get_range(tx, b"r/", b"r0") == [(b"r/1", b"old"), (b"r/2", b"old")]
    assert await found.get_range(tx, b"r/", b"r0", reverse=True) == [
        (b"r/2", b"old"),
        (b"r/1", b"old"),
    ]
    fresh = found.make_transaction(db)
    assert [v for _, v in await found.get_range(fresh, b"r/", b"r0")] == [b"new", b"old", b"new"]
