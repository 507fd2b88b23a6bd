"""Changes: lifecycle, metadata, the 0.13 call shapes, and errors."""

from __future__ import annotations

import uuid

import pytest

import found
from found.ext import vnstore


async def test_create_add_apply_without_change_continue(db, h) -> None:
    """0.13 bug 3: change_create stored the id under a key add/remove did not read."""
    store = h.fresh()

    async def body(tx):
        changeid = await vnstore.change_create(tx, store)
        assert await vnstore.add(tx, store, "a", "b", "c") is True
        return changeid

    changeid = await h.run(db, body)
    assert await h.rows(db, store) == set()  # pending: invisible
    assert await h.rows(db, store, changeid) == {("a", "b", "c")}
    await h.run(db, vnstore.change_apply, store, changeid)
    assert await h.rows(db, store) == {("a", "b", "c")}


async def test_tuple_and_list_prefixes(db, h) -> None:
    """0.13 bug 4: make() did `subspace + ["changes"]`, so a tuple prefix raised TypeError."""
    for prefix in (("t", uuid.uuid4()), ["l", uuid.uuid4()]):
        store = vnstore.make("p", prefix, ("a", "b"))
        assert store.prefix == tuple(prefix)
        await h.change(db, store, adds=[(1, 2)])
        assert await h.rows(db, store) == {(1, 2)}
    with pytest.raises(vnstore.VNStoreException):
        vnstore.make("bad", "prefix", ("a",))
    with pytest.raises(vnstore.VNStoreException):
        vnstore.make("bad", (), ())


async def test_change_list_pages_from_either_end(db, h) -> None:
    """Pages read only what they return: offset/limit over changes, oldest or newest first."""
    store = h.fresh()
    ids = [await h.change(db, store, adds=[(i, i, i)], apply=i % 2 == 0) for i in range(7)]
    whole = await h.run(db, vnstore.change_list, store)
    assert [c["uid"] for c in whole] == ids
    newest = await h.run(db, vnstore.change_list, store, newest_first=True)
    assert newest == whole[::-1]  # same dicts, every field, reversed
    for offset in range(9):
        for limit in (None, 0, 1, 3, 10):
            stop = None if limit is None else offset + limit
            page = await h.run(
                db, vnstore.change_list, store, newest_first=True, offset=offset, limit=limit
            )
            assert page == newest[offset:stop]
            page = await h.run(db, vnstore.change_list, store, offset=offset, limit=limit)
            assert page == whole[offset:stop]
    with pytest.raises(ValueError):
        await h.run(db, vnstore.change_list, store, offset=-1)


async def test_metadata(db, h) -> None:
    store = h.fresh()
    first = await h.change(db, store, adds=[("a", "b", "c")])
    second = await h.change(
        db, store, adds=[("x", "y", "z")], removes=[("a", "b", "c")], apply=False
    )
    await h.run(db, vnstore.change_message, store, second, "second change")

    changes = await h.run(db, vnstore.change_list, store)
    assert [c["uid"] for c in changes] == [first, second]  # uuid7: creation order
    assert changes[0]["type"] == "change"
    assert changes[0]["significance"] is not None
    assert changes[0]["message"] is None
    assert changes[1] == {
        "uid": second,
        "type": "change",
        "significance": None,
        "message": "second change",
    }
    assert await h.run(db, vnstore.change_get, store, second) == changes[1]
    assert await h.run(db, vnstore.change_get, store, uuid.uuid4()) is None
    assert uuid.UUID(str(first)).version == 7

    ops = await h.run(db, vnstore.change_changes, store, second)
    assert {"s": "x", "p": "y", "o": "z", "alive?": True} in ops
    assert {"s": "a", "p": "b", "o": "c", "alive?": False} in ops
    assert len(ops) == 2


async def test_errors(db, h) -> None:
    store = h.fresh()
    applied = await h.change(db, store, adds=[("a", "b", "c")])

    async def no_change(tx):
        await vnstore.add(tx, store, "a", "b", "c")

    with pytest.raises(vnstore.NoActiveChange):
        await h.run(db, no_change)

    async def continue_applied(tx):
        vnstore.change_continue(tx, store, applied)
        await vnstore.add(tx, store, "x", "y", "z")

    with pytest.raises(vnstore.ChangeApplied):
        await h.run(db, continue_applied)

    async def continue_unknown(tx):
        vnstore.change_continue(tx, store, uuid.uuid4())
        await vnstore.remove(tx, store, "a", "b", "c")

    with pytest.raises(vnstore.ChangeNotFound):
        await h.run(db, continue_unknown)
    with pytest.raises(vnstore.ChangeNotFound):
        await h.run(db, vnstore.change_apply, store, uuid.uuid4())
    with pytest.raises(vnstore.ChangeNotFound):
        await h.run(db, vnstore.change_message, store, uuid.uuid4(), "x")

    async def bad_id(tx):
        vnstore.change_continue(tx, store, "not-a-uuid")

    with pytest.raises(vnstore.VNStoreException):
        await h.run(db, bad_id)

    async def bad_items(tx):
        await vnstore.change_create(tx, store)
        with pytest.raises(vnstore.VNStoreException):
            await vnstore.add(tx, store, "a", "b")
        with pytest.raises(vnstore.VNStoreException):
            await vnstore.add(tx, store, "a", "b", vnstore.var("c"))
        with pytest.raises(TypeError):
            await vnstore.add(tx, store, "a", "b", "c", value="text")
        with pytest.raises(vnstore.VNStoreException):
            await vnstore.ask(tx, store, "a")
        with pytest.raises(vnstore.VNStoreException):
            await found.all(vnstore.select(tx, store, "a"))

    await h.run(db, bad_items)


async def test_apply_twice_is_harmless_and_abort(db, h) -> None:
    store = h.fresh()
    changeid = await h.change(db, store, adds=[("a", "b", "c")])
    await h.run(db, vnstore.change_apply, store, changeid)  # no-op, as in 0.13
    assert await h.rows(db, store) == {("a", "b", "c")}
    assert len(await h.run(db, vnstore.change_list, store)) == 1

    dropped = await h.change(db, store, adds=[("x", "y", "z")], apply=False)
    await h.run(db, vnstore.change_abort, store, dropped)
    assert await h.run(db, vnstore.change_get, store, dropped) is None
    assert await h.rows(db, store) == {("a", "b", "c")}
    with pytest.raises(vnstore.ChangeApplied):
        await h.run(db, vnstore.change_abort, store, changeid)


async def test_values(db, h) -> None:
    store = h.fresh()

    async def body(tx):
        await vnstore.change_create(tx, store)
        await vnstore.add(tx, store, "a", "b", "c", value=b"one")
        assert await vnstore.get(tx, store, "a", "b", "c") == b"one"
        assert await vnstore.get(tx, store, "x", "y", "z") is None

    await h.run(db, body)
    first = await h.change(db, store, adds=[("k", "v", 1)])

    async def update(tx):
        await vnstore.change_create(tx, store)
        await vnstore.add(tx, store, "k", "v", 1, value=b"new")
        changeid = tx.vars["vnstore_changeid"]
        await vnstore.change_apply(tx, store, changeid)

    await h.run(db, update)

    async def read(tx):
        return await vnstore.get(tx, store, "k", "v", 1), await vnstore.get(
            tx, store, "k", "v", 1, as_of=first
        )

    assert await h.run(db, read) == (b"new", b"new")  # past values are not kept
