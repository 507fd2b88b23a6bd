"""Conflicting changes: the guarantee of `change_apply`, with concurrent tasks."""

from __future__ import annotations

import asyncio

import pytest

from found.ext import vnstore
from found.ext.vnstore import var


async def _start(db, h, store, add=(), remove=()):
    async def body(tx):
        changeid = await vnstore.change_create(tx, store)
        for items in add:
            await vnstore.add(tx, store, *items)
        for items in remove:
            await vnstore.remove(tx, store, *items)
        return changeid

    return await h.run(db, body)


async def test_write_write_on_the_same_tuple(db, h) -> None:
    store = h.fresh()
    await h.change(db, store, adds=[("stock", "item", 1)])
    first = await _start(db, h, store, remove=[("stock", "item", 1)])
    second = await _start(db, h, store, remove=[("stock", "item", 1)])
    await h.run(db, vnstore.change_apply, store, first)
    with pytest.raises(vnstore.ChangeConflict) as info:
        await h.run(db, vnstore.change_apply, store, second)
    assert info.value.changeid == second
    assert info.value.other == first
    assert info.value.items == ("stock", "item", 1)
    # nothing was written, the change is still pending and can be dropped
    assert (await h.run(db, vnstore.change_get, store, second))["significance"] is None
    await h.run(db, vnstore.change_abort, store, second)
    assert await h.rows(db, store) == set()


async def test_read_pattern_conflict(db, h) -> None:
    """A change that decided from a pattern read fails if a later change altered its matches."""
    store = h.fresh()
    await h.change(db, store, adds=[("room", "booked-by", "alice")])

    async def book(tx, who):
        changeid = await vnstore.change_create(tx, store)
        taken = [b async for b in vnstore.select(tx, store, "room", "booked-by", var("x"))]
        if len(taken) < 2:
            await vnstore.add(tx, store, "room", "booked-by", who)
        return changeid

    bob = await h.run(db, book, "bob")
    carol = await h.run(db, book, "carol")
    await h.run(db, vnstore.change_apply, store, carol)
    with pytest.raises(vnstore.ChangeConflict):
        await h.run(db, vnstore.change_apply, store, bob)
    assert await h.rows(db, store) == {
        ("room", "booked-by", "alice"),
        ("room", "booked-by", "carol"),
    }


async def test_no_conflict_when_disjoint_or_read_later(db, h) -> None:
    store = h.fresh()
    left = await _start(db, h, store, add=[("l", 1, 1)])
    right = await _start(db, h, store, add=[("r", 1, 1)])
    await h.run(db, vnstore.change_apply, store, right)
    await h.run(db, vnstore.change_apply, store, left)
    assert await h.rows(db, store) == {("l", 1, 1), ("r", 1, 1)}

    # a change started before another was applied, but reading only after it: no conflict
    late = await _start(db, h, store)
    await h.change(db, store, adds=[("x", 1, 1)])

    async def read_then_add(tx):
        vnstore.change_continue(tx, store, late)
        assert await vnstore.ask(tx, store, "x", 1, 1) is True
        await vnstore.remove(tx, store, "x", 1, 1)

    await h.run(db, read_then_add)
    await h.run(db, vnstore.change_apply, store, late)
    assert await h.rows(db, store) == {("l", 1, 1), ("r", 1, 1)}


async def test_concurrent_applies(db, h) -> None:
    """Two tasks apply conflicting changes at once: exactly one wins, whatever the timing."""
    store = h.fresh()
    await h.change(db, store, adds=[("counter", "value", 0)])
    changes = []
    for new in (1, 2):
        changes.append(
            await _start(
                db, h, store, remove=[("counter", "value", 0)], add=[("counter", "value", new)]
            )
        )

    async def apply(changeid):
        try:
            await h.run(db, vnstore.change_apply, store, changeid)
            return "applied"
        except vnstore.ChangeConflict:
            return "conflict"

    results = await asyncio.gather(*(apply(c) for c in changes))
    assert sorted(results) == ["applied", "conflict"]
    winner = 1 if results[0] == "applied" else 2
    assert await h.rows(db, store) == {("counter", "value", winner)}


async def test_concurrent_builders(db, h) -> None:
    """Tasks building and applying changes over the same tuples: the applied history replays
    to the latest state, and every applied change read what it changed."""
    store = h.fresh()
    await h.change(db, store, adds=[("k", "v", 0)])

    async def worker(n):
        async def body(tx):
            changeid = await vnstore.change_create(tx, store)
            current = [b["v"] async for b in vnstore.select(tx, store, "k", "v", var("v"))]
            for v in current:
                await vnstore.remove(tx, store, "k", "v", v)
            await vnstore.add(tx, store, "k", "v", max(current, default=0) + 1)
            return changeid

        changeid = await h.run(db, body)
        await asyncio.sleep(0)
        try:
            await h.run(db, vnstore.change_apply, store, changeid)
            return True
        except vnstore.ChangeConflict:
            return False

    results = await asyncio.gather(*(worker(n) for n in range(4)))
    wins = sum(results)
    assert wins >= 1
    # each applied change incremented the value it saw, so the final value counts the wins
    assert await h.rows(db, store) == {("k", "v", wins)}

    async def applied(tx):
        return [c for c in await vnstore.change_list(tx, store) if c["significance"] is not None]

    history = sorted((c["significance"], c["uid"]) for c in await h.run(db, applied))
    assert len(history) == wins + 1
    for (_, before), (_, after) in zip(history, history[1:]):
        assert await h.rows(db, store, as_of=before) != await h.rows(db, store, as_of=after)
