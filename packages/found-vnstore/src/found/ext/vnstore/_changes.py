"""Changes: creating, naming, listing and inspecting them, and choosing the active one."""

from __future__ import annotations

import uuid
from typing import Any, Optional

from uuid_extensions import uuid7

import found
from found.ext import nstore

from ._store import ACTIVE, ChangeApplied, ChangeNotFound, VNStore, VNStoreException

Change = dict[str, Any]


async def change_create(tr: Any, store: VNStore, message: Optional[str] = None) -> uuid.UUID:
    """Create a pending change, make it the active change of `tr`, and return its uuid7 id.

    A pending change is visible only to transactions that continue it.
    """
    changeid = uuid7()
    await found.set(tr, store.change_key(changeid, "message"), found.pack((message,)))
    tr.vars[ACTIVE] = changeid
    tr.vars[(ACTIVE, changeid)] = True
    return changeid


def change_continue(tr: Any, store: VNStore, changeid: uuid.UUID) -> None:
    """Make `changeid` the active change of `tr`: later `add`, `remove` and reads use it.

    Synchronous, as in 0.13; the change is checked (it exists, it is pending) on first use.
    """
    if not isinstance(changeid, uuid.UUID):
        raise VNStoreException(f"a change id is a UUID, not {type(changeid).__name__}")
    tr.vars[ACTIVE] = changeid


async def change_get(tr: Any, store: VNStore, changeid: uuid.UUID) -> Optional[Change]:
    """The change as a dict (`uid`, `type`, `significance`, `message`), or None if unknown.

    `significance` is None while the change is pending, then the versionstamp of the commit
    that applied it: changes sort by significance in the order they were applied.
    """
    begin = store.space.pack(("change", changeid))
    out: Change = {"uid": changeid, "type": "change", "significance": None}
    async for key, value in found.query(tr, begin, begin + b"\xff"):
        out[found.unpack(key, store.skip)[-1]] = found.unpack(value)[0]
    return out if "message" in out else None


async def change_list(
    tr: Any,
    store: VNStore,
    *,
    newest_first: bool = False,
    offset: int = 0,
    limit: Optional[int] = None,
) -> list[Change]:
    """Changes of `store` (pending and applied) as `change_get` dicts, oldest first.

    Called as in 0.13 it returns every change. For pages: `newest_first` walks from the newest
    (ids are uuid7, so id order is creation order), `offset` changes are skipped and at most
    `limit` are returned; the read stops there instead of loading the whole history.
    """
    if offset < 0 or (limit is not None and limit < 0):
        raise ValueError("change_list: offset and limit must not be negative")
    out: list[Change] = []
    if limit == 0:
        return out
    seen: Optional[uuid.UUID] = None
    current: Optional[Change] = None  # the change being filled; None while skipping
    begin, end = store.changes, store.changes + b"\xff"
    async for key, value in found.query(tr, begin, end, reverse=newest_first):
        _, changeid, field = found.unpack(key, store.skip)
        if changeid != seen:
            seen = changeid
            if offset:
                offset -= 1
                current = None
                continue
            if limit is not None and len(out) == limit:
                break
            current = {"uid": changeid, "type": "change", "significance": None}
            out.append(current)
        if current is not None:
            current[field] = found.unpack(value)[0]
    return out


async def pending(tr: Any, store: VNStore, changeid: uuid.UUID) -> None:
    """Raise unless `changeid` exists and is not applied (cached for the transaction)."""
    if tr.vars.get((ACTIVE, changeid)):
        return
    change = await change_get(tr, store, changeid)
    if change is None:
        raise ChangeNotFound(f"{store.name}: no change {changeid}")
    if change["significance"] is not None:
        raise ChangeApplied(f"{store.name}: change {changeid} is applied")
    tr.vars[(ACTIVE, changeid)] = True


async def change_message(tr: Any, store: VNStore, changeid: uuid.UUID, message: str) -> None:
    """Replace the message of `changeid` (applied changes keep their message editable)."""
    if await change_get(tr, store, changeid) is None:
        raise ChangeNotFound(f"{store.name}: no change {changeid}")
    await found.set(tr, store.change_key(changeid, "message"), found.pack((message,)))


async def change_changes(tr: Any, store: VNStore, changeid: uuid.UUID) -> list[dict[str, Any]]:
    """The tuples `changeid` adds and removes: one dict per tuple, column names to values,
    plus `"alive?"` (True for an addition, False for a removal), as in 0.13."""
    if await change_get(tr, store, changeid) is None:
        raise ChangeNotFound(f"{store.name}: no change {changeid}")
    out = []
    pattern = [nstore.var(name) for name in store.items]
    for alive in (True, False):
        async for _, items in nstore.scan(tr, store.ops(changeid, alive), *pattern):
            row = dict(zip(store.items, items))
            row["alive?"] = alive
            out.append(row)
    return out


async def change_abort(tr: Any, store: VNStore, changeid: uuid.UUID) -> None:
    """Delete the pending change `changeid` and everything it recorded."""
    await pending(tr, store, changeid)
    for alive in (True, False):
        ops = store.ops(changeid, alive)
        begin = ops.raw
        await found.clear(tr, begin, begin + b"\xff")
    reads = store.space.pack(("read", changeid))
    await found.clear(tr, reads, reads + b"\xff")
    change = store.space.pack(("change", changeid))
    await found.clear(tr, change, change + b"\xff")
    if tr.vars.get(ACTIVE) == changeid:
        del tr.vars[ACTIVE]
    tr.vars.pop((ACTIVE, changeid), None)
