"""What each reader sees: latest state, a pending change's own view, and 0.13 call shapes."""

from __future__ import annotations

import found
from found.ext import vnstore
from found.ext.vnstore import var


async def test_remove_of_own_pending_addition(db, h) -> None:
    """0.13 bug 2: `ask` ignored the pending change, so this remove returned False."""
    store = h.fresh()

    async def body(tx):
        await vnstore.change_create(tx, store)
        await vnstore.add(tx, store, "a", "b", "c")
        assert await vnstore.ask(tx, store, "a", "b", "c") is True
        assert await vnstore.remove(tx, store, "a", "b", "c") is True
        assert await vnstore.ask(tx, store, "a", "b", "c") is False
        assert await vnstore.remove(tx, store, "a", "b", "c") is False
        return tx.vars["vnstore_changeid"]

    changeid = await h.run(db, body)
    assert await h.run(db, vnstore.change_changes, store, changeid) == []


async def test_own_view_over_latest_state(db, h) -> None:
    store = h.fresh()
    await h.change(db, store, adds=[("a", "knows", "b"), ("b", "knows", "c"), ("c", "knows", "a")])

    async def build(tx):
        changeid = await vnstore.change_create(tx, store)
        assert await vnstore.remove(tx, store, "b", "knows", "c") is True
        await vnstore.add(tx, store, "d", "knows", "a")
        await vnstore.add(tx, store, "a", "knows", "b")  # already alive: nothing to record
        return changeid

    changeid = await h.run(db, build)
    latest = {("a", "knows", "b"), ("b", "knows", "c"), ("c", "knows", "a")}
    mine = {("a", "knows", "b"), ("c", "knows", "a"), ("d", "knows", "a")}
    assert await h.rows(db, store) == latest
    assert await h.rows(db, store, changeid) == mine

    async def in_change(tx):
        vnstore.change_continue(tx, store, changeid)
        who = [b async for b in vnstore.select(tx, store, var("x"), "knows", "a")]
        assert sorted(b["x"] for b in who) == ["c", "d"]
        out = vnstore.query(tx, store, (var("x"), "knows", var("y")), (var("y"), "knows", "b"))
        return [b async for b in out]

    joined = await h.run(db, in_change)
    assert sorted((b["x"], b["y"]) for b in joined) == [("c", "a"), ("d", "a")]

    async def undo(tx):
        vnstore.change_continue(tx, store, changeid)
        assert await vnstore.add(tx, store, "b", "knows", "c") is True  # undo the removal
        assert await vnstore.remove(tx, store, "d", "knows", "a") is True  # undo the addition

    await h.run(db, undo)
    assert await h.rows(db, store, changeid) == latest
    assert await h.run(db, vnstore.change_changes, store, changeid) == []


async def test_query_shapes(db, h) -> None:
    """0.13's `query` was `async def` (awaited first); now `async for` works directly too."""
    store = h.fresh()
    await h.change(db, store, adds=[("a", "p", 1), ("b", "p", 2), ("a", "q", 2)])

    async def body(tx):
        direct = [b async for b in vnstore.query(tx, store, ("a", var("r"), var("v")))]
        awaited = [b async for b in await vnstore.query(tx, store, ("a", var("r"), var("v")))]
        joined = await found.all(
            vnstore.query(tx, store, (var("x"), "p", var("v")), (var("y"), "q", var("v")))
        )
        equal = await found.all(vnstore.select(tx, store, var("x"), var("x"), var("v")))
        return direct, awaited, joined, equal

    direct, awaited, joined, equal = await h.run(db, body)
    assert direct == awaited == [{"r": "p", "v": 1}, {"r": "q", "v": 2}]
    assert joined == [{"x": "b", "v": 2, "y": "a"}]
    assert equal == []


async def test_pending_changes_are_invisible_to_others(db, h) -> None:
    store = h.fresh()
    changeid = await h.change(db, store, adds=[("a", "b", "c")], apply=False)

    async def other(tx):
        await vnstore.change_create(tx, store)
        return await vnstore.ask(tx, store, "a", "b", "c")

    assert await h.run(db, other) is False
    assert await h.run(db, vnstore.ask, store, "a", "b", "c") is False
    assert await h.rows(db, store, changeid) == {("a", "b", "c")}
