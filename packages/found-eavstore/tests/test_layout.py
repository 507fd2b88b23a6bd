"""The key layout: flat under the prefix, and a store kept inside a Subspace or a directory."""

from __future__ import annotations

import uuid

import pytest

import found
from found.ext import eavstore


async def _everything(tx):
    return [k for k, _ in await found.all(found.query(tx, b"", b"\xff"))]


async def _fill(db, store):
    ada = await found.transactional(db, eavstore.create, store, {"name": "Ada", "born": 1815})
    await found.transactional(db, eavstore.create, store, {"name": "Grace", "born": 1906})

    async def born(tx, year):
        return await found.all(eavstore.query(tx, store, "born", year))

    assert await found.transactional(db, born, 1815) == [ada]
    page = await found.transactional(db, eavstore.query_range_page, store, "born", 1800, 1900, 1)
    assert page.items and page.items[0][1] == ada
    return ada


async def test_keys_are_flat(db) -> None:
    store = eavstore.make("flat", ["test-eavstore", uuid.uuid4()])
    ada = await _fill(db, store)
    keys = await found.transactional(db, _everything)
    assert all(found.unpack(k)[:2] == store.prefix for k in keys)
    assert found.pack((*store.prefix, 1, ada, "name")) in keys
    assert found.pack((*store.prefix, 2, "name", "Ada", ada)) in keys


async def test_store_inside_a_directory(db) -> None:
    folder = await found.directory.create_or_open(db, ("app", "people"))
    store = eavstore.make("people", folder)
    ada = await _fill(db, store)
    keys = await found.transactional(db, _everything)
    assert sum(1 for k in keys if folder.contains(k)) == 8  # 4 pairs, 4 index entries
    assert all(k.startswith(b"\xfe") for k in keys if not folder.contains(k))
    await found.directory.remove(db, ("app", "people"))
    assert await found.transactional(db, eavstore.get, store, ada) == {}


async def test_raw_subspace_and_siblings(db) -> None:
    """A raw-bytes prefix that is no packed tuple works, and sibling stores stay apart."""
    raw = found.Subspace(rawPrefix=b"\x01raw-" + uuid.uuid4().bytes)
    left, right = eavstore.make("l", raw.subspace((1,))), eavstore.make("r", raw.subspace((2,)))
    ada = await _fill(db, left)
    assert await found.transactional(db, eavstore.get, left, ada) == {"name": "Ada", "born": 1815}
    assert await found.transactional(db, eavstore.get, right, ada) == {}

    async def names(tx, store):
        return await found.all(eavstore.query(tx, store, "name", "Ada"))

    assert await found.transactional(db, names, right) == []
    keys = await found.transactional(db, _everything)
    assert all(k.startswith(left.raw) != k.startswith(right.raw) for k in keys)


def test_bad_prefix() -> None:
    with pytest.raises(TypeError):
        eavstore.make("x", "prefix")
    with pytest.raises((TypeError, ValueError)):
        eavstore.make("x", (object(),))
