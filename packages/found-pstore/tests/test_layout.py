"""The key layout: flat under the prefix, and a store kept inside a Subspace or a directory."""

from __future__ import annotations

import uuid

import pytest

import found
from found.ext import pstore


async def _everything(tx):
    return [k for k, _ in await found.all(found.query(tx, b"", b"\xff"))]


async def _fill(db, store) -> None:
    await found.transactional(db, pstore.index, store, "a", {"apple": 2, "pie": 1})
    await found.transactional(db, pstore.index, store, "b", {"apple": 1, "tart": 3})
    hits = await found.transactional(db, pstore.search, store, ["apple"])
    assert sorted(uid for uid, _ in hits) == ["a", "b"]


async def test_keys_are_flat(db) -> None:
    store = pstore.make("flat", ("test-pstore", uuid.uuid4()))
    await _fill(db, store)
    keys = await found.transactional(db, _everything)
    assert all(found.unpack(k)[:2] == store.prefix for k in keys)
    assert {found.unpack(k)[2] for k in keys} == {0, 1, 2, 3}


async def test_store_inside_a_directory(db) -> None:
    folder = await found.directory.create_or_open(db, ("app", "search"))
    store = pstore.make("search", folder)
    await _fill(db, store)
    keys = await found.transactional(db, _everything)
    assert sum(1 for k in keys if folder.contains(k)) >= 10
    assert all(k.startswith(b"\xfe") for k in keys if not folder.contains(k))
    await found.directory.remove(db, ("app", "search"))
    assert await found.transactional(db, pstore.search, store, ["apple"]) == []


async def test_raw_subspace_and_siblings(db) -> None:
    """A raw-bytes prefix that is no packed tuple works, and sibling stores stay apart."""
    raw = found.Subspace(rawPrefix=b"\x01raw-" + uuid.uuid4().bytes)
    left, right = pstore.make("l", raw.subspace((1,))), pstore.make("r", raw.subspace((2,)))
    await _fill(db, left)
    assert await found.transactional(db, pstore.search, right, ["apple"]) == []
    keys = await found.transactional(db, _everything)
    assert all(k.startswith(left.raw) != k.startswith(right.raw) for k in keys)
    assert await found.transactional(db, pstore.delete, left, "a")
    assert [uid for uid, _ in await found.transactional(db, pstore.search, left, "apple")] == ["b"]


def test_bad_prefix() -> None:
    with pytest.raises(TypeError):
        pstore.make("x", b"prefix")
    with pytest.raises((TypeError, ValueError)):
        pstore.make("x", (object(),))
