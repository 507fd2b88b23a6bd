"""Entities as dictionaries: create, get, update, remove, with an exact attribute index.

Keys, under the caller's prefix, flat like every found layer's (`pack(prefix) + pack(rest)`, or
`subspace.key() + pack(rest)` when the prefix is a `found.Subspace` or a directory):

* ``(*prefix, 1, uid, attribute)`` -> ``pack((value,))``: the entity's data;
* ``(*prefix, 2, attribute, value, uid)`` -> ``b""``: the index, one key per pair.

Every write compares packed bytes, not Python values: ``1``, ``1.0`` and ``True`` are equal in
Python but different tuple values, so a change between them must move the index entry. Update
and remove clear exactly the index keys that the stored data names (0.13 cleared the wrong key
and left stale entries behind, so queries kept finding removed values).
"""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Mapping
from typing import Any, NamedTuple, Union

import found

DATA = 1
INDEX = 2


class EAVStore(NamedTuple):
    """Handle over one entity-attribute-value store; build it with `make`. `raw` is the bytes
    every key starts with: the packed tuple prefix, or the subspace's `.key()`."""

    name: str
    prefix: Any
    raw: bytes


def make(name: str, prefix: Union[tuple, list, found.Subspace]) -> EAVStore:
    """Return a handle over the eavstore called `name` (for debugging), stored under `prefix`.

    `prefix` is a tuple (or list) of tuple-packable items shared by every key of the store, or
    a `found.Subspace` / `DirectorySubspace` to keep the store inside it.
    """
    if not isinstance(name, str):
        raise TypeError(f"eavstore name must be a str, not {type(name).__name__}")
    raw = found.key_prefix(prefix, what="eavstore prefix")
    return EAVStore(name, tuple(prefix) if isinstance(prefix, list) else prefix, raw)


def data_range(store: EAVStore, uid: Any) -> tuple[bytes, bytes]:
    """Range of every data key of entity `uid`."""
    begin = found.pack((DATA, uid), store.raw)
    return begin, found.next_prefix(begin)


def index_key(store: EAVStore, attribute: Any, value: Any, uid: Any) -> bytes:
    """Index key recording that entity `uid` has `attribute` = `value`."""
    return found.pack((INDEX, attribute, value, uid), store.raw)


def _encode(store: EAVStore, uid: Any, mapping: Any) -> dict[bytes, tuple[Any, Any, bytes]]:
    """Pack `mapping` before any write: data key -> (attribute, value, packed value).

    Packing everything first means a value that cannot be packed fails the call before it
    has written anything.
    """
    if not isinstance(mapping, Mapping):
        raise TypeError(f"an eavstore entity must be a mapping, not {type(mapping).__name__}")
    out = {}
    for attribute, value in mapping.items():
        key = found.pack((DATA, uid, attribute), store.raw)
        out[key] = (attribute, value, found.pack((value,)))
    return out


async def _stored(store: EAVStore, tx: Any, uid: Any) -> dict[bytes, tuple[Any, Any, bytes]]:
    """The stored entity, in the same shape as `_encode` returns."""
    begin, end = data_range(store, uid)
    out = {}
    skip = len(store.raw)
    async for key, packed in found.query(tx, begin, end):
        attribute = found.unpack(key, skip)[2]
        (value,) = found.unpack(packed)
        out[key] = (attribute, value, packed)
    return out


async def create(tx: Any, store: EAVStore, dict: Mapping[Any, Any], uid: Any = None) -> Any:
    """Store the mapping `dict` and return its uid (a new uuid4 unless `uid` is given).

    Attributes and values may be anything the tuple layer packs (lists come back as tuples).
    Creating with the uid of an existing entity replaces it, as `update` does.
    """
    if uid is None:
        uid = _uuid.uuid4()
        new = _encode(store, uid, dict)
        for key, (attribute, value, packed) in new.items():
            await found.set(tx, key, packed)
            await found.set(tx, index_key(store, attribute, value, uid), b"")
        return uid
    await update(tx, store, uid, dict)
    return uid


async def get(tx: Any, store: EAVStore, uid: Any) -> dict[Any, Any]:
    """The mapping stored under `uid`, or an empty dict when there is none."""
    stored = await _stored(store, tx, uid)
    return {attribute: value for attribute, value, _ in stored.values()}


async def update(tx: Any, store: EAVStore, uid: Any, dict: Mapping[Any, Any]) -> None:
    """Replace the mapping stored under `uid` with `dict` (creating it when absent).

    Only the pairs that change are written: the index entries of removed or changed pairs
    are cleared and those of new pairs added.
    """
    new = _encode(store, uid, dict)
    old = await _stored(store, tx, uid)
    for key, (attribute, value, packed) in old.items():
        entry = new.get(key)
        if entry is None or entry[2] != packed:
            await found.clear(tx, index_key(store, attribute, value, uid))
            if entry is None:
                await found.clear(tx, key)
    for key, (attribute, value, packed) in new.items():
        previous = old.get(key)
        if previous is None or previous[2] != packed:
            await found.set(tx, key, packed)
            await found.set(tx, index_key(store, attribute, value, uid), b"")


async def remove(tx: Any, store: EAVStore, uid: Any) -> None:
    """Remove the mapping stored under `uid` and all of its index entries (no-op if absent)."""
    old = await _stored(store, tx, uid)
    for attribute, value, _ in old.values():
        await found.clear(tx, index_key(store, attribute, value, uid))
    begin, end = data_range(store, uid)
    await found.clear(tx, begin, end)
