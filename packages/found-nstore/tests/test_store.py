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


async def test_key_layout_is_flat(db) -> None:
    """0.13 bug 11: keys are `pack(prefix) + pack((index, *items))`, the prefix laid out flat."""
    store = fresh()

    async def scenario(tx):
        await nstore.add(tx, store, "s", "p", "o")
        begin = found.pack(store.prefix)
        return await found.all(found.query(tx, begin, begin + b"\xff"))

    rows = await found.transactional(db, scenario)
    keys = sorted(found.unpack(k) for k, _ in rows)
    assert keys == [
        (*store.prefix, 0, "s", "p", "o"),
        (*store.prefix, 1, "p", "o", "s"),
        (*store.prefix, 2, "o", "s", "p"),
    ]


async def _everything(tx):
    return [k for k, _ in await found.all(found.query(tx, b"", b"\xff"))]


async def test_store_inside_a_directory(db) -> None:
    """A store made with a DirectorySubspace keeps every key inside the directory."""
    folder = await found.directory.create_or_open(db, ("app", "graph"))
    store = nstore.make("graph", folder, 3)

    async def scenario(tx):
        await nstore.add(tx, store, "alice", "knows", "bob", value=b"v")
        await nstore.add(tx, store, "bob", "knows", "carol")
        return await found.all(nstore.query(tx, store, (var("a"), "knows", var("b"))))

    assert len(await found.transactional(db, scenario)) == 2
    keys = await found.transactional(db, _everything)
    inside = [k for k in keys if folder.contains(k)]
    assert len(inside) == 6
    # everything else is the directory layer's own metadata, under b"\xfe"
    assert all(k.startswith(b"\xfe") for k in keys if not folder.contains(k))
    assert sorted(folder.unpack(k) for k in inside)[0] == (0, "alice", "knows", "bob")
    await found.directory.remove(db, ("app", "graph"))
    assert not any(folder.contains(k) for k in await found.transactional(db, _everything))


async def test_sibling_subspaces_do_not_overlap(db) -> None:
    """Stores under sibling prefixes (a Subspace and tuples) never see each other's keys."""
    root = found.Subspace(("siblings",))
    first = nstore.make("one", root.subspace((1,)), 2)
    second = nstore.make("two", ("siblings", 2), 2)
    third = nstore.make("three", ("siblings", 12), 2)

    async def scenario(tx):
        for store in (first, second, third):
            await nstore.add(tx, store, store.name, "x")
        return [
            await found.all(nstore.select(tx, store, var("a"), var("b")))
            for store in (first, second, third)
        ]

    results = await found.transactional(db, scenario)
    assert results == [[{"a": name, "b": "x"}] for name in ("one", "two", "three")]
    keys = await found.transactional(db, _everything)
    for store in (first, second, third):
        mine = [k for k in keys if k.startswith(store.raw)]
        assert len(mine) == 2
    assert first.raw == found.pack(("siblings", 1))


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
    with pytest.raises(nstore.NStoreException):
        nstore.make("bad", b"prefix", 3)  # type: ignore[arg-type]
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
