"""Commit order, time travel (`as_of=`) and `diff`."""

from __future__ import annotations

import pytest

import found
from found.ext import vnstore
from found.ext.vnstore import var


async def test_significance_is_commit_order(db, h) -> None:
    """0.13 bug 1: significance was a client-clock uuid7; now the commit's versionstamp."""
    store = h.fresh()
    late = await h.change(db, store, adds=[("late", 1, 1)], apply=False)
    early = await h.change(db, store, adds=[("early", 1, 1)], apply=False)
    await h.run(db, vnstore.change_apply, store, early)
    await h.run(db, vnstore.change_apply, store, late)
    changes = {c["uid"]: c for c in await h.run(db, vnstore.change_list, store)}
    assert isinstance(changes[early]["significance"], found.Versionstamp)
    assert changes[early]["significance"] < changes[late]["significance"]
    assert late < early  # created first: the uuid7 order says the opposite

    async def both(tx):
        a = await vnstore.change_create(tx, store)
        await vnstore.add(tx, store, "same", "tx", 1)
        b = await vnstore.change_create(tx, store)
        await vnstore.remove(tx, store, "same", "tx", 1)
        await vnstore.change_apply(tx, store, a)
        await vnstore.change_apply(tx, store, b)

    with pytest.raises(vnstore.VNStoreException, match="one change per transaction"):
        await h.run(db, both)


async def test_as_of(db, h) -> None:
    store = h.fresh()
    one = await h.change(db, store, adds=[("a", "p", 1), ("b", "p", 2)])
    two = await h.change(db, store, adds=[("c", "p", 3)], removes=[("a", "p", 1)])
    three = await h.change(db, store, adds=[("a", "p", 1)], removes=[("b", "p", 2)])
    pending = await h.change(db, store, adds=[("z", "p", 0)], apply=False)

    assert await h.rows(db, store, as_of=one) == {("a", "p", 1), ("b", "p", 2)}
    assert await h.rows(db, store, as_of=two) == {("b", "p", 2), ("c", "p", 3)}
    assert await h.rows(db, store, as_of=three) == {("a", "p", 1), ("c", "p", 3)}
    assert await h.rows(db, store) == {("a", "p", 1), ("c", "p", 3)}

    async def reads(tx):
        assert await vnstore.ask(tx, store, "a", "p", 1, as_of=two) is False
        assert await vnstore.ask(tx, store, "b", "p", 2, as_of=two) is True
        out = vnstore.query(tx, store, (var("x"), "p", var("v")), ("b", "p", var("v")), as_of=one)
        return [b async for b in out]

    assert await h.run(db, reads) == [{"x": "b", "v": 2}]

    with pytest.raises(vnstore.VNStoreException):
        await h.rows(db, store, as_of=pending)


async def test_diff(db, h) -> None:
    store = h.fresh()
    one = await h.change(db, store, adds=[("a", "p", 1), ("b", "p", 2)])
    two = await h.change(db, store, adds=[("c", "p", 3)], removes=[("a", "p", 1)])
    three = await h.change(db, store, adds=[("a", "p", 1)], removes=[("c", "p", 3)])

    async def diff(tx, start, end):
        return [d async for d in vnstore.diff(tx, store, start, end)]

    assert await h.run(db, diff, None, one) == [
        vnstore.Delta(("a", "p", 1), True),
        vnstore.Delta(("b", "p", 2), True),
    ]
    assert await h.run(db, diff, one, two) == [
        vnstore.Delta(("a", "p", 1), False),
        vnstore.Delta(("c", "p", 3), True),
    ]
    assert await h.run(db, diff, one, three) == []  # a removed then re-added, c came and went
    assert await h.run(db, diff, two, None) == [
        vnstore.Delta(("a", "p", 1), True),
        vnstore.Delta(("c", "p", 3), False),
    ]
    with pytest.raises(vnstore.VNStoreException):
        await h.run(db, diff, three, one)


async def test_revert(db, h) -> None:
    """0.13 bug 5: there was no way to revert an applied change."""
    store = h.fresh()
    one = await h.change(db, store, adds=[("a", "p", 1), ("b", "p", 2)])
    two = await h.change(db, store, adds=[("c", "p", 3)], removes=[("a", "p", 1)])

    async def revert(tx, changeid):
        return await vnstore.change_revert(tx, store, changeid)

    undo = await h.run(db, revert, two)
    assert await h.rows(db, store) == {("b", "p", 2), ("c", "p", 3)}  # pending until applied
    ops = await h.run(db, vnstore.change_changes, store, undo)
    assert sorted((row["s"], row["alive?"]) for row in ops) == [("a", True), ("c", False)]
    await h.run(db, vnstore.change_apply, store, undo)
    assert await h.rows(db, store) == await h.rows(db, store, as_of=one)
    change = await h.run(db, vnstore.change_get, store, undo)
    assert change["message"] == f"revert {two}"

    pending = await h.change(db, store, adds=[("z", "p", 0)], apply=False)
    with pytest.raises(vnstore.VNStoreException):
        await h.run(db, revert, pending)
