"""Single-tuple writes and reads, key layout, and clear errors on bad input."""

from __future__ import annotations

import uuid

import pytest

import found
from found.ext import nstore
from found.ext.nstore import var


def fresh(n: int = 3, *, as_list: bool = False) -> nstore.NStore:
    prefix = ["test-nstore", uuid.uuid4()]
    return nstore.make("test", prefix if as_list else tuple(prefix), n)


async def test_add_get_remove(db) -> None:
    store = fresh()

    async def scenario(tx):
        assert await nstore.get(tx, store, "a", "b", "c") is None
        await nstore.add(tx, store, "a", "b", "c", value=b"v")
        assert await nstore.get(tx, store, "a", "b", "c") == b"v"
        await nstore.add(tx, store, "a", "b", "c", value=b"w")
        assert await nstore.get(tx, store, "a", "b", "c") == b"w"
        await nstore.remove(tx, store, "a", "b", "c")
        assert await nstore.get(tx, store, "a", "b", "c") is None
        await nstore.remove(tx, store, "a", "b", "c")  # absent: no error
        await nstore.add(tx, store, 1, None, b"x")

    await found.transactional(db, scenario)

    async def check(tx):
        return await nstore.get(tx, store, 1, None, b"x")

    assert await found.transactional(db, check) == b""


async def test_value_stored_once(db) -> None:
    """0.13 bug 8: the value was copied into every index; now only index 0 holds it."""
    store = fresh(4)
    value = b"x" * 1000

    async def scenario(tx):
        await nstore.add(tx, store, "a", "b", "c", "d", value=value)
        out = []
        for number in range(len(store.indices)):
            begin = store.subspace(number)
            out.append(await found.all(found.query(tx, begin, begin + b"\xff")))
        return out

    rows = await found.transactional(db, scenario)
    assert len(rows) == 6
    assert [len(r) for r in rows] == [1] * 6
    assert rows[0][0][1] == value
    assert all(r[0][1] == b"" for r in rows[1:])


async def test_key_layout_nests_the_prefix(db) -> None:
    """0.13 bug 11: the prefix was flat; keys now start with one nested tuple like other layers."""
    store = fresh()

    async def scenario(tx):
        await nstore.add(tx, store, "s", "p", "o")
        begin = found.pack((store.prefix,))[:-1]  # the open nested prefix tuple
        return await found.all(found.query(tx, begin, begin + b"\xff"))

    rows = await found.transactional(db, scenario)
    keys = sorted(found.unpack(k) for k, _ in rows)
    assert keys == [
        ((*store.prefix, 0), "s", "p", "o"),
        ((*store.prefix, 1), "p", "o", "s"),
        ((*store.prefix, 2), "o", "s", "p"),
    ]


async def test_list_prefix_is_accepted(db) -> None:
    store = fresh(2, as_list=True)
    assert isinstance(store.prefix, tuple)

    async def scenario(tx):
        await nstore.add(tx, store, "a", "b")
        return await found.all(nstore.select(tx, store, var("x"), "b"))

    assert await found.transactional(db, scenario) == [{"x": "a"}]


async def test_bad_input(db) -> None:
    store = fresh()
    with pytest.raises(nstore.NStoreException):
        nstore.make("bad", "prefix", 3)  # type: ignore[arg-type]
    with pytest.raises((ValueError, TypeError)):
        nstore.make("bad", (object(),), 3)

    async def scenario(tx):
        with pytest.raises(nstore.NStoreException):
            await nstore.add(tx, store, "a", "b")
        with pytest.raises(nstore.NStoreException):
            await nstore.add(tx, store, "a", "b", var("c"))
        with pytest.raises(TypeError):
            await nstore.add(tx, store, "a", "b", "c", value="text")
        with pytest.raises(nstore.NStoreException):
            await nstore.get(tx, store, "a")
        with pytest.raises(nstore.NStoreException):
            await nstore.remove(tx, store, "a", "b", "c", "d")
        with pytest.raises(nstore.NStoreException):
            await found.all(nstore.select(tx, store, var("a")))
        with pytest.raises(nstore.NStoreException):
            await nstore.count(tx, store, var("a"), var("b"))

    await found.transactional(db, scenario)


async def test_oversized_tuple_is_a_foundationdb_error(db) -> None:
    store = fresh()

    async def scenario(tx):
        await nstore.add(tx, store, "a" * 20_000, "b", "c")

    with pytest.raises(found.FoundException) as info:
        await found.transactional(db, scenario)
    assert info.value.code == 2102


async def test_one_and_five_columns(db) -> None:
    single, wide = fresh(1), fresh(5)

    async def scenario(tx):
        await nstore.add(tx, single, "only")
        await nstore.add(tx, wide, 1, 2, 3, 4, 5)
        await nstore.add(tx, wide, 1, 2, 0, 4, 5)
        one = [b async for b in nstore.select(tx, single, var("x"))]
        five = [b async for b in nstore.select(tx, wide, 1, var("b"), 3, var("d"), var("e"))]
        return one, five, len(wide.indices)

    one, five, count = await found.transactional(db, scenario)
    assert one == [{"x": "only"}]
    assert five == [{"b": 2, "d": 4, "e": 5}]
    assert count == 10
