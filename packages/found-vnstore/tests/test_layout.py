"""The key layout: flat under the prefix, and a store kept inside a Subspace or a directory."""

from __future__ import annotations

import uuid

import found
from found.ext import vnstore


async def _everything(tx):
    return [k for k, _ in await found.all(found.query(tx, b"", b"\xff"))]


async def _exercise(db, h, store) -> None:
    """Every kind of key: head, ops, changes, reads, log and history."""
    first = await h.change(db, store, adds=[("a", "b", "c"), ("a", "b", "d")])
    await h.change(db, store, removes=[("a", "b", "d")])

    async def pending(tx):
        changeid = await vnstore.change_create(tx, store, message="later")
        await found.all(vnstore.select(tx, store, "a", vnstore.var("p"), vnstore.var("o")))
        await vnstore.add(tx, store, "x", "y", "z")
        return changeid

    await h.run(db, pending)
    assert await h.rows(db, store) == {("a", "b", "c")}
    changes = await h.run(db, vnstore.change_list, store)
    assert len(changes) == 3
    stamp = (await h.run(db, vnstore.change_get, store, first))["significance"]
    assert await h.rows(db, store, as_of=stamp) == {("a", "b", "c"), ("a", "b", "d")}


async def test_keys_are_flat(db, h) -> None:
    """0.13 bug 11: every key is `pack((*prefix, part, ...))`, no nested prefix tuple."""
    store = h.fresh()
    await _exercise(db, h, store)
    keys = await h.run(db, _everything)
    parts = {found.unpack(k)[len(store.prefix)] for k in keys}
    assert all(found.unpack(k)[: len(store.prefix)] == store.prefix for k in keys)
    assert parts == {"head", "ops", "change", "read", "log", "history"}


async def test_store_inside_a_directory(db, h) -> None:
    folder = await found.directory.create_or_open(db, ("app", "versions"))
    store = vnstore.make("versions", folder, ["s", "p", "o"])
    await _exercise(db, h, store)
    keys = await h.run(db, _everything)
    assert sum(1 for k in keys if folder.contains(k)) > 20
    assert all(k.startswith(b"\xfe") for k in keys if not folder.contains(k))  # directory metadata
    await found.directory.remove(db, ("app", "versions"))
    assert not any(folder.contains(k) for k in await h.run(db, _everything))


async def test_raw_subspace_and_siblings(db, h) -> None:
    """A raw-bytes prefix that is no packed tuple works, and sibling stores stay apart."""
    raw = found.Subspace(rawPrefix=b"\x01raw-" + uuid.uuid4().bytes)
    left = vnstore.make("left", raw.subspace((1,)), ["s", "p", "o"])
    right = vnstore.make("right", raw.subspace((2,)), ["s", "p", "o"])
    await _exercise(db, h, left)
    await h.change(db, right, adds=[("r", "r", "r")])
    assert await h.rows(db, left) == {("a", "b", "c")}
    assert await h.rows(db, right) == {("r", "r", "r")}
    assert len(await h.run(db, vnstore.change_list, right)) == 1
    keys = await h.run(db, _everything)
    assert all(k.startswith(left.raw) != k.startswith(right.raw) for k in keys)
