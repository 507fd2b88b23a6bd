"""pstore writes: re-index replaces, delete removes, counters stay exact under concurrency."""

from __future__ import annotations

import asyncio
import uuid

import found
from found.ext import pstore
from found.ext.pstore import _layout


def fresh() -> pstore.PStore:
    return pstore.make("index", ("test-pstore-index", uuid.uuid4()))


async def stats(db, store, terms) -> tuple:
    async def body(tx):
        n = await _layout.read_count(tx, _layout.documents_key(store))
        total = await _layout.read_count(tx, _layout.length_key(store))
        df = {t: await _layout.read_count(tx, _layout.frequency_key(store, t)) for t in terms}
        return n, total, df

    return await found.transactional(db, body)


async def everything(db, store) -> list:
    begin = found.pack(store.prefix)

    async def body(tx):
        return [kv async for kv in found.query(tx, begin, found.next_prefix(begin))]

    return await found.transactional(db, body)


async def search(db, store, terms, mode="and"):
    return await found.transactional(db, pstore.search, store, terms, None, mode=mode)


async def test_reindex_replaces_without_stale_postings(db) -> None:
    store = fresh()
    await found.transactional(db, pstore.index, store, "doc", {"old": 2, "kept": 1})
    await found.transactional(db, pstore.index, store, "other", {"kept": 3})
    await found.transactional(db, pstore.index, store, "doc", {"new": 1, "kept": 4})
    assert await search(db, store, ["old"]) == []
    assert [d for d, _ in await search(db, store, ["new"])] == ["doc"]
    assert await stats(db, store, ["old", "kept", "new"]) == (2, 8, {"old": 0, "kept": 2, "new": 1})
    # the same data indexed once from scratch gives the same keys and values
    clean = fresh()
    await found.transactional(db, pstore.index, clean, "other", {"kept": 3})
    await found.transactional(db, pstore.index, clean, "doc", {"new": 1, "kept": 4})
    cut = len(found.pack(store.prefix))
    assert [(k[cut:], v) for k, v in await everything(db, store)] == [
        (k[len(found.pack(clean.prefix)) :], v) for k, v in await everything(db, clean)
    ]


async def test_delete_removes_everything(db) -> None:
    store = fresh()

    async def body(tx):
        await pstore.index(tx, store, 1, "alpha beta beta")
        await pstore.index(tx, store, 2, "beta gamma")

    await found.transactional(db, body)
    assert await found.transactional(db, pstore.delete, store, 1) is True
    assert await found.transactional(db, pstore.delete, store, 1) is False
    assert await search(db, store, ["alpha"]) == []
    assert [d for d, _ in await search(db, store, ["beta"])] == [2]
    assert await stats(db, store, ["alpha", "beta"]) == (1, 2, {"alpha": 0, "beta": 1})
    assert await found.transactional(db, pstore.delete, store, 2) is True
    assert await everything(db, store) == []  # counters at zero are cleared too


async def test_index_and_delete_in_one_transaction(db) -> None:
    store = fresh()

    async def body(tx):
        await pstore.index(tx, store, 1, {"a": 1})
        await pstore.index(tx, store, 1, {"b": 2})
        await pstore.index(tx, store, 2, {"b": 1})
        await pstore.delete(tx, store, 2)
        return await pstore.search(tx, store, ["b"], None)

    hits = await found.transactional(db, body)
    assert [d for d, _ in hits] == [1]
    assert await stats(db, store, ["a", "b"]) == (1, 2, {"a": 0, "b": 1})


async def test_empty_document(db) -> None:
    store = fresh()
    await found.transactional(db, pstore.index, store, "empty", {})
    await found.transactional(db, pstore.index, store, "full", {"word": 1})
    assert await stats(db, store, ["word"]) == (2, 1, {"word": 1})
    assert [d for d, _ in await search(db, store, ["word"])] == ["full"]


async def test_concurrent_indexing_keeps_counters_exact(db) -> None:
    store = fresh()

    async def one(i):
        await found.transactional(db, pstore.index, store, i, {"shared": 1 + i % 4, f"own{i}": 1})

    await asyncio.gather(*(one(i) for i in range(24)))
    # and concurrent re-indexing and deleting of some of them
    await asyncio.gather(
        *(found.transactional(db, pstore.index, store, i, {"shared": 1}) for i in range(0, 24, 3)),
        *(found.transactional(db, pstore.delete, store, i) for i in range(1, 24, 3)),
    )
    expected_total = 0
    for i in range(24):
        if i % 3 == 0:
            expected_total += 1
        elif i % 3 == 2:
            expected_total += 1 + i % 4 + 1
    n, total, df = await stats(db, store, ["shared", "own0", "own1", "own2"])
    assert (n, total) == (16, expected_total)
    assert df == {"shared": 16, "own0": 0, "own1": 0, "own2": 1}


async def test_document_with_a_record_over_one_value(db) -> None:
    # 4,000 distinct long terms: the document record spans several values, and re-index and
    # delete still find every posting
    store = fresh()
    term = [f"word{i:05d}{'x' * 20}" for i in range(4_000)]
    await found.transactional(
        db, pstore.index, store, "big", {t: 1 + i % 3 for i, t in enumerate(term)}
    )
    record = store.documents + found.pack(("big",))

    async def parts(tx):
        return [k async for k, _ in found.query(tx, record, found.next_prefix(record))]

    assert len(await found.transactional(db, parts)) > 1
    assert [d for d, _ in await search(db, store, [term[3999], term[0]])] == ["big"]
    await found.transactional(db, pstore.index, store, "big", {term[1]: 1, "small": 1})
    assert await search(db, store, [term[3999]]) == []
    assert len(await found.transactional(db, parts)) == 1
    assert await stats(db, store, term[1:3]) == (1, 2, {term[1]: 1, term[2]: 0})
    assert await found.transactional(db, pstore.delete, store, "big") is True
    assert await everything(db, store) == []
