"""Reverting an applied change: a new change with the opposite additions and removals."""

from __future__ import annotations

import uuid
from typing import Any

from found.ext import nstore

from ._changes import change_create, change_get
from ._store import ChangeNotFound, VNStore, VNStoreException
from ._write import add, remove


async def change_revert(tr: Any, store: VNStore, changeid: uuid.UUID) -> uuid.UUID:
    """Create a pending change that undoes the applied change `changeid`, and return its id.

    The new change becomes the active change of `tr`: it removes what `changeid` added and
    adds back what it removed (with empty values: past values are not kept), judged on the
    latest state, so it only touches the tuples still as `changeid` left them. Review it,
    then `change_apply` it like any change (it conflicts like any change, too).
    """
    change = await change_get(tr, store, changeid)
    if change is None:
        raise ChangeNotFound(f"{store.name}: no change {changeid}")
    if change["significance"] is None:
        raise VNStoreException(f"{store.name}: change {changeid} is not applied")
    revert = await change_create(tr, store, f"revert {changeid}")
    everything = [nstore.var(f"_{i}") for i in range(store.n)]
    additions = [
        items async for _, items in nstore.scan(tr, store.ops(changeid, True), *everything)
    ]
    removals = [
        items async for _, items in nstore.scan(tr, store.ops(changeid, False), *everything)
    ]
    for items in additions:
        await remove(tr, store, *items)
    for items in removals:
        await add(tr, store, *items)
    return revert
