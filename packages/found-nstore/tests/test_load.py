"""Bulk loading: batches sized to the transaction limits, progress, async sources."""

from __future__ import annotations

import asyncio
import uuid

import pytest

import found
from found.ext import nstore
from found.ext.nstore import _load, var


def fresh() -> nstore.NStore:
    return nstore.make("load", ("test-load", uuid.uuid4()), 3)


async def total(db, store) -> int:
    async def body(tx):
        return await nstore.count(tx, store, var("a"), var("b"), var("c"))

    return await found.transactional(db, body)


@pytest.mark.parametrize("bulk", [True, False], ids=["set_many", "set"])
async def test_load_small_in_one_transaction(db, bulk, monkeypatch) -> None:
    """One batch, written with `found.set_many` or, where found lacks it, key by key."""
    if not bulk:
        monkeypatch.delattr(found, "set_many", raising=False)
    store = fresh()
    seen = []
    done = await nstore.load(db, store, [(i, "p", str(i)) for i in range(100)], seen.append)
    assert done.tuples == 100
    assert done.transactions == 1
    assert seen == [done]
    assert await total(db, store) == 100


async def test_load_in_batches_with_async_progress(db, monkeypatch) -> None:
    monkeypatch.setattr(_load, "BATCH_BYTES", 5_000)
    store = fresh()
    seen = []

    async def progress(p):
        seen.append(p)

    async def source():
        for i in range(300):
            yield (i, "p", i * 2)

    done = await nstore.load(db, store, source(), progress)
    assert done.tuples == 300
    assert done.transactions == len(seen) > 1
    assert [p.tuples for p in seen] == sorted(p.tuples for p in seen)
    steps = zip([_load.LoadProgress(0, 0, 0), *seen], seen)
    assert all(0 < b.bytes - a.bytes <= 5_000 for a, b in steps)
    assert await total(db, store) == 300

    async def check(tx):
        return [b async for b in nstore.select(tx, store, 150, "p", var("x"))]

    assert await found.transactional(db, check) == [{"x": 300}]


async def test_load_stays_under_the_transaction_limit(db) -> None:
    """A load larger than one transaction may carry is split, never refused (2101)."""
    store = fresh()
    blob = "x" * 2_000
    count = 5_000  # 5,000 tuples x 3 keys x 2 KB = 30 MB of mutations
    done = await nstore.load(db, store, ((i, blob, i) for i in range(count)))
    assert done.tuples == count
    assert done.transactions >= 4
    assert await total(db, store) == count


async def test_load_rejects_bad_tuples(db) -> None:
    store = fresh()
    with pytest.raises(nstore.NStoreException):
        await nstore.load(db, store, [(1, 2, 3), (1, 2)])
    # the first batch was never committed: validation happens before the batch is sent
    assert await total(db, store) == 0


@pytest.mark.parametrize("index", [0, 1, 2])
async def test_load_conflicts_with_a_concurrent_reader(db, index) -> None:
    """A batch declares one write-conflict range per index instead of one per key: a
    transaction that read, in any index, a tuple the batch then wrote still conflicts."""
    store = fresh()
    await nstore.load(db, store, [(0, "p", "a"), (9, "q", "z")])
    pattern = [(5, var("p"), var("o")), (var("s"), "r", var("o")), (var("s"), var("p"), "m")]
    read, loaded = asyncio.Event(), asyncio.Event()
    attempts = []

    async def reader(tx):
        attempts.append(await nstore.count(tx, store, *pattern[index]))
        if len(attempts) == 1:
            read.set()
            await loaded.wait()  # the load commits after this read
        await nstore.add(tx, store, "seen", "count", attempts[-1])

    async def loader():
        await read.wait()
        await nstore.load(db, store, [(1, "p", "b"), (5, "r", "m"), (8, "q", "y")])
        loaded.set()

    await asyncio.gather(found.transactional(db, reader), loader())
    assert attempts == [0, 1]  # the first attempt conflicted (1020) and was retried
