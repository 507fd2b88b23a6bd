"""eavstore lookups over ranges of values, and pagination with cursors."""

from __future__ import annotations

import uuid

import pytest

import found
from found.ext import eavstore


def fresh() -> eavstore.EAVStore:
    return eavstore.make("eav", ("test-eavstore-query", uuid.uuid4()))


async def people(db):
    store = fresh()

    async def body(tx):
        for i in range(20):
            await eavstore.create(tx, store, {"age": 20 + i % 10, "name": f"p{i:02d}"}, i)
        await eavstore.create(tx, store, {"age": "unknown"}, 100)

    await found.transactional(db, body)
    return store


async def collect(db, gen_factory):
    async def body(tx):
        return [item async for item in gen_factory(tx)]

    return await found.transactional(db, body)


async def test_query_range_bounds(db) -> None:
    store = await people(db)
    got = await collect(db, lambda tx: eavstore.query_range(tx, store, "age", 25, 27))
    assert got == [(25, 5), (25, 15), (26, 6), (26, 16)]
    everything = await collect(db, lambda tx: eavstore.query_range(tx, store, "age"))
    assert len(everything) == 21
    assert everything[0] == ("unknown", 100)  # str sorts before int in the tuple order
    below = await collect(db, lambda tx: eavstore.query_range(tx, store, "age", None, 21))
    assert below == [("unknown", 100), (20, 0), (20, 10)]
    above = await collect(db, lambda tx: eavstore.query_range(tx, store, "age", 29, None))
    assert above == [(29, 9), (29, 19)]
    empty = await collect(db, lambda tx: eavstore.query_range(tx, store, "age", 27, 25))
    assert empty == []


async def test_limit(db) -> None:
    store = await people(db)
    got = await collect(db, lambda tx: eavstore.query(tx, store, "age", 23, limit=1))
    assert got == [3]
    got = await collect(db, lambda tx: eavstore.query_range(tx, store, "age", 20, 30, limit=3))
    assert got == [(20, 0), (20, 10), (21, 1)]


async def test_pages_cover_everything_once(db) -> None:
    store = await people(db)
    expected = await collect(db, lambda tx: eavstore.query_range(tx, store, "age", 20, 30))
    seen, after, pages = [], None, 0
    while True:
        page = await found.transactional(
            db, eavstore.query_range_page, store, "age", 20, 30, 3, after
        )
        seen += page.items
        pages += 1
        if page.after is None:
            break
        assert isinstance(page.after, bytes)
        after = page.after
    assert seen == expected
    assert pages == 7  # 20 items in pages of 3, the last one short


async def test_equality_pages_and_changes_between_pages(db) -> None:
    store = await people(db)
    first = await found.transactional(db, eavstore.query_page, store, "age", 24, 1)
    assert first.items == [4] and first.after is not None
    # an entity added before the cursor is not repeated; one added after it is seen
    await found.transactional(db, eavstore.create, store, {"age": 24}, -1)
    await found.transactional(db, eavstore.create, store, {"age": 24}, 99)
    second = await found.transactional(db, eavstore.query_page, store, "age", 24, 5, first.after)
    assert second.items == [14, 99] and second.after is None
    # the generator form takes the same cursor
    rest = await collect(db, lambda tx: eavstore.query(tx, store, "age", 24, after=first.after))
    assert rest == [14, 99]


async def test_bad_paging_arguments(db) -> None:
    store = await people(db)
    with pytest.raises(ValueError):
        await found.transactional(db, eavstore.query_page, store, "age", 24, 0)
    with pytest.raises(ValueError):
        await collect(db, lambda tx: eavstore.query(tx, store, "age", 24, limit=-1))
    with pytest.raises(TypeError):
        await found.transactional(db, eavstore.query_page, store, "age", 24, 2, "cursor")
    with pytest.raises(ValueError):
        await found.transactional(db, eavstore.query_page, store, "age", 24, 2, b"\xfe\xfe")
