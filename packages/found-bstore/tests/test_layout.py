"""The key layout: flat under the prefix, and a store kept inside a Subspace or a directory."""

from __future__ import annotations

import uuid

import pytest

import found
from found.ext import bstore


async def _everything(tx):
    return [k for k, _ in await found.all(found.query(tx, b"", b"\xff"))]


async def _fill(db, store) -> bytes:
    """A small blob and a staged multi-chunk upload: metadata, refs, chunks."""
    small = await found.transactional(db, bstore.get_or_create, store, b"small blob")
    big = await bstore.upload(db, store, [b"x" * 150_000, b"y" * 60_000])
    assert await found.transactional(db, bstore.get, store, big) == b"x" * 150_000 + b"y" * 60_000
    return small


async def test_keys_are_flat(db) -> None:
    store = bstore.make("flat", ("test-bstore", uuid.uuid4()))
    await _fill(db, store)
    keys = await found.transactional(db, _everything)
    assert all(found.unpack(k)[:2] == store.prefix for k in keys)
    assert {found.unpack(k)[2] for k in keys} == {1, 2, 3}


async def test_store_inside_a_directory(db) -> None:
    folder = await found.directory.create_or_open(db, ("app", "blobs"))
    store = bstore.make("blobs", folder)
    small = await _fill(db, store)
    keys = await found.transactional(db, _everything)
    assert sum(1 for k in keys if folder.contains(k)) >= 7  # 2 metas, 2 refs, 3+ chunks
    assert all(k.startswith(b"\xfe") for k in keys if not folder.contains(k))
    await found.directory.remove(db, ("app", "blobs"))
    assert not any(folder.contains(k) for k in await found.transactional(db, _everything))
    with pytest.raises(bstore.BStoreException):
        await found.transactional(db, bstore.get, store, small)


async def test_raw_subspace_and_siblings(db) -> None:
    """A raw-bytes prefix that is no packed tuple works, and sibling stores stay apart."""
    raw = found.Subspace(rawPrefix=b"\x01raw-" + uuid.uuid4().bytes)
    left, right = bstore.make("l", raw.subspace((1,))), bstore.make("r", raw.subspace((2,)))
    uid = await _fill(db, left)
    with pytest.raises(bstore.BStoreException):
        await found.transactional(db, bstore.get, right, uid)
    await found.transactional(db, bstore.get_or_create, right, b"right")
    keys = await found.transactional(db, _everything)
    assert all(k.startswith(left.raw) != k.startswith(right.raw) for k in keys)
    assert await found.transactional(db, bstore.verify, left, uid)


def test_bad_prefix() -> None:
    with pytest.raises(TypeError):
        bstore.make("x", b"raw")
    with pytest.raises((TypeError, ValueError)):
        bstore.make("x", (object(),))
