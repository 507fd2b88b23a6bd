"""How many autocommit reads follow a transaction's fused GRV (`reader.SOLO_READS`): as many
as that after a transaction of few reads, none (the shared snapshot opens at the second read)
after a longer one. Either way every read sees the transaction's read version."""

from __future__ import annotations

import pytest

import found
from found._embedded import reader

from .test_first_reads import commit_elsewhere, put


@pytest.fixture
async def db(directory):
    opened = await found.open(directory=directory)
    try:
        yield opened
    finally:
        await opened.close()


def solo(db: found.Database) -> int:
    return db._backend.engine._reader._solo


async def reads(db: found.Database, count: int) -> None:
    async def read(tx: found.Transaction) -> None:
        for i in range(count):
            assert await found.get(tx, b"k/%d" % (i % 4)) == b"v"

    await found.transactional(db, read)


async def first_read_then_solo(db: found.Database) -> int:
    tx = found.make_transaction(db)
    assert await found.get(tx, b"k/0") == b"v"
    return solo(db)


@pytest.mark.parametrize("previous", [1, 2, 3, 4, 10])
async def test_the_previous_transaction_decides(db, previous):
    await put(db, {b"k/%d" % i: b"v" for i in range(4)})
    await reads(db, previous)
    few = previous - 1 <= reader.SOLO_READS  # reads after its fused first one
    assert await first_read_then_solo(db) == (reader.SOLO_READS if few else 0)


async def test_back_to_solo_reads_after_short_transactions(db):
    await put(db, {b"k/%d" % i: b"v" for i in range(4)})
    await reads(db, 10)
    await reads(db, 2)  # itself opened the snapshot at once, and read little
    assert await first_read_then_solo(db) == reader.SOLO_READS


@pytest.mark.parametrize("longer", [True, False])
async def test_reads_keep_the_read_version_in_both_modes(db, directory, longer):
    await put(db, {b"k/%d" % i: b"v" for i in range(4)})
    await reads(db, 10 if longer else 1)
    tx = found.make_transaction(db)
    assert await found.get(tx, b"k/0") == b"v"
    assert solo(db) == (0 if longer else reader.SOLO_READS)
    commit_elsewhere(directory, {b"k/0": b"new", b"k/9": b"new"})
    for _ in range(4):  # solo or in the snapshot, then the history: the old version
        assert await found.get(tx, b"k/0") == b"v"
        assert await found.get(tx, b"k/9") is None
        assert await found.get_range(tx, b"k/", b"k0") == [(b"k/%d" % i, b"v") for i in range(4)]
    fresh = found.make_transaction(db)
    assert await found.get(fresh, b"k/0") == b"new"
