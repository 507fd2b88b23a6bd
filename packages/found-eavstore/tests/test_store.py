"""eavstore CRUD and the exactness of its index (the 0.13 leak, pinned)."""

from __future__ import annotations

import math
import uuid

import pytest

import found
from found.ext import eavstore


def fresh() -> eavstore.EAVStore:
    return eavstore.make("eav", ("test-eavstore", uuid.uuid4()))


async def run(db, func, *args):
    return await found.transactional(db, func, *args)


async def lookup(db, store, key, value) -> list:
    async def body(tx):
        return [uid async for uid in eavstore.query(tx, store, key, value)]

    return await run(db, body)


async def index_keys(db, store) -> list:
    begin = found.pack((*store.prefix, 2))

    async def body(tx):
        return [
            found.unpack(k)[-3:] async for k, _ in found.query(tx, begin, found.next_prefix(begin))
        ]

    return await run(db, body)


async def test_create_get_query(db) -> None:
    store = fresh()
    uid = await run(db, eavstore.create, store, {"name": "Ada", "born": 1815})
    assert isinstance(uid, uuid.UUID)
    assert await run(db, eavstore.get, store, uid) == {"name": "Ada", "born": 1815}
    assert await lookup(db, store, "name", "Ada") == [uid]
    assert await lookup(db, store, "born", 1815) == [uid]
    assert await lookup(db, store, "name", "Bob") == []
    assert await run(db, eavstore.get, store, uuid.uuid4()) == {}


async def test_given_uid_and_recreate(db) -> None:
    store = fresh()
    assert await run(db, eavstore.create, store, {"a": 1}, "my-id") == "my-id"
    assert await run(db, eavstore.create, store, {"b": 2}, "my-id") == "my-id"
    assert await run(db, eavstore.get, store, "my-id") == {"b": 2}
    assert await lookup(db, store, "a", 1) == []
    assert await index_keys(db, store) == [("b", 2, "my-id")]


async def test_update_and_remove_leave_no_stale_index(db) -> None:
    # 0.13 cleared pack((prefix_index, attr)), a key that never exists, so the old
    # (attr, value, uid) entries survived and queries kept returning removed values.
    store = fresh()
    uid = await run(db, eavstore.create, store, {"color": "red", "size": 3, "tag": "x"})
    await run(db, eavstore.update, store, uid, {"color": "blue", "size": 3})
    assert await lookup(db, store, "color", "red") == []
    assert await lookup(db, store, "tag", "x") == []
    assert await lookup(db, store, "color", "blue") == [uid]
    assert await lookup(db, store, "size", 3) == [uid]
    await run(db, eavstore.remove, store, uid)
    assert await lookup(db, store, "color", "blue") == []
    assert await lookup(db, store, "size", 3) == []
    assert await run(db, eavstore.get, store, uid) == {}
    begin = found.pack(store.prefix)

    async def everything(tx):
        return [k async for k, _ in found.query(tx, begin, found.next_prefix(begin))]

    assert await run(db, everything) == []


async def test_equal_in_python_but_different_values(db) -> None:
    # 1 == 1.0 == True in Python, but the tuple layer keeps them apart: updating from one
    # to another must move the index entry.
    store = fresh()
    uid = await run(db, eavstore.create, store, {"v": 1})
    for value in (True, 1.0, -0.0, 0.0, 1):
        await run(db, eavstore.update, store, uid, {"v": value})
        got = (await run(db, eavstore.get, store, uid))["v"]
        assert type(got) is type(value) and found.pack((got,)) == found.pack((value,))
        assert await index_keys(db, store) == [("v", value, uid)]
        assert found.pack(((await index_keys(db, store))[0][1],)) == found.pack((value,))


VALUES = [
    None,
    b"\x00bytes\xff",
    "str ünïcode",
    -(2**70),
    -1,
    0,
    2**64 + 5,
    3.5,
    -math.inf,
    True,
    False,
    uuid.UUID(int=7),
    (1, "nested", (None, b"")),
]


async def test_every_tuple_type_as_value(db) -> None:
    store = fresh()
    entity = {f"k{i}": value for i, value in enumerate(VALUES)}
    entity[("tuple", "attribute")] = [1, 2]  # lists come back as tuples
    uid = await run(db, eavstore.create, store, entity)
    got = await run(db, eavstore.get, store, uid)
    expected = dict(entity)
    expected[("tuple", "attribute")] = (1, 2)
    assert got == expected
    for key, value in expected.items():
        assert await lookup(db, store, key, value) == [uid]


async def test_bad_input_writes_nothing(db) -> None:
    store = fresh()
    with pytest.raises(TypeError):
        await run(db, eavstore.create, store, [("a", 1)])
    with pytest.raises((TypeError, ValueError)):
        await run(db, eavstore.create, store, {"ok": 1, "bad": object()})
    uid = await run(db, eavstore.create, store, {"keep": 1})
    with pytest.raises((TypeError, ValueError)):
        await run(db, eavstore.update, store, uid, {"keep": 2, "bad": {1, 2}})
    assert await run(db, eavstore.get, store, uid) == {"keep": 1}
    assert await index_keys(db, store) == [("keep", 1, uid)]
    with pytest.raises(TypeError):
        eavstore.make("x", "not a tuple")


async def test_concurrent_updates_stay_exact(db) -> None:
    import asyncio

    store = fresh()
    uid = await run(db, eavstore.create, store, {"n": 0})
    await asyncio.gather(*(run(db, eavstore.update, store, uid, {"n": i}) for i in range(1, 9)))
    (final,) = (await run(db, eavstore.get, store, uid)).values()
    assert await index_keys(db, store) == [("n", final, uid)]


async def test_value_too_long_for_the_index(db) -> None:
    store = fresh()
    with pytest.raises(found.FoundException) as caught:
        await run(db, eavstore.create, store, {"text": "v" * 10_000})
    assert caught.value.code == 2102  # key_too_large: the pair is part of an index key
    assert await index_keys(db, store) == []
