"""Applying a change: the conflict check, then every effect in one transaction.

The guarantee (it replaces 0.13's "known issues"): `change_apply(tr, store, c)` commits only
if no change applied after a read of `c` added or removed a tuple that read could see. A read
is any `select`, `ask`, `get`, `where`, `query`, `add` or `remove` made while `c` was the
active change; a read covers the tuples matching its pattern (a repeated variable is treated
as two independent ones, which can only over-report). Otherwise it raises `ChangeConflict`,
writes nothing, and `c` stays pending (abort it, or build a new change on the new state).

The check and the effects run in the caller's transaction, which reads the log of applied
changes from the change's oldest read to its end: two applications racing each other conflict
in FoundationDB itself, and the retry sees the other one. Changes are therefore applied in a
serializable order, the commit order, which their significances (versionstamps) record.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import found
from found.ext import nstore

from ._changes import change_get
from ._history import applied_between, interval_key, open_interval
from ._store import (
    ACTIVE,
    ChangeConflict,
    ChangeNotFound,
    VNStore,
    VNStoreException,
    stamp_order,
)

log = logging.getLogger(__name__)

Read = tuple[tuple[bytes, ...], bytes]  # per position: b"" (any) or the packed value; moment


async def _reads(tr: Any, store: VNStore, changeid: uuid.UUID) -> list[Read]:
    begin = store.space.pack(("read", changeid))
    out = []
    async for key, value in found.query(tr, begin, begin + b"\xff"):
        shape = found.unpack(key, store.skip)[-1]
        packed = tuple(found.pack(slot) if slot else b"" for slot in shape)
        out.append((packed, stamp_order(found.unpack(value)[0])))
    return out


def _covers(read: Read, items: tuple[Any, ...], moment: bytes) -> bool:
    shape, seen = read
    if moment <= seen:
        return False
    return all(not slot or slot == found.pack((x,)) for slot, x in zip(shape, items))


async def check(tr: Any, store: VNStore, changeid: uuid.UUID) -> None:
    """Raise `ChangeConflict` if a change applied after one of `changeid`'s reads touched it."""
    reads = await _reads(tr, store, changeid)
    if not reads:
        return
    oldest = min(moment for _, moment in reads)
    everything = [nstore.var(f"_{i}") for i in range(store.n)]
    async for stamp, other in applied_between(tr, store, oldest, b"\xff"):
        moment = stamp_order(stamp)
        for alive in (True, False):
            async for _, items in nstore.scan(tr, store.ops(other, alive), *everything):
                if any(_covers(read, items, moment) for read in reads):
                    raise ChangeConflict(changeid, other, items)


async def _effects(tr: Any, store: VNStore, changeid: uuid.UUID, stamp: Any) -> None:
    everything = [nstore.var(f"_{i}") for i in range(store.n)]
    additions = store.ops(changeid, True)
    async for _, items in nstore.scan(tr, additions, *everything):
        value = await nstore.get(tr, additions, *items)
        if await nstore.get(tr, store.head, *items) is None:
            for index in range(len(store.indices)):
                key = interval_key(store, index, items, stamp, None)
                await found.set_versionstamped_key(tr, key, b"")
        await nstore.add(tr, store.head, *items, value=value or b"")
    async for _, items in nstore.scan(tr, store.ops(changeid, False), *everything):
        added = await open_interval(tr, store, items)
        if added is None:
            continue  # already gone: nothing to remove
        await nstore.remove(tr, store.head, *items)
        for index in range(len(store.indices)):
            await found.clear(tr, interval_key(store, index, items, added, None))
            key = interval_key(store, index, items, added, stamp)
            await found.set_versionstamped_key(tr, key, b"")


async def change_apply(tr: Any, store: VNStore, changeid: uuid.UUID) -> None:
    """Apply the pending change `changeid`: its additions and removals become the latest
    state, at once, and its significance becomes this commit's versionstamp.

    Raises `ChangeConflict` (see the module docstring). Applying an applied change does
    nothing (as in 0.13), so a retried transaction is harmless. One change per transaction:
    after `change_apply`, the transaction may still read the latest state, but not the
    history (`as_of`, `diff`, pending-change reads), which FoundationDB reports as 1036
    accessed_unreadable until the commit fills in the versionstamps.
    """
    if tr.vars.get((ACTIVE, "applied")):
        # the history keys this apply writes are versionstamped, so FoundationDB makes them
        # unreadable (1036) for the rest of the transaction, and a second apply reads them
        raise VNStoreException(f"{store.name}: apply one change per transaction")
    change = await change_get(tr, store, changeid)
    if change is None:
        raise ChangeNotFound(f"{store.name}: no change {changeid}")
    if change["significance"] is not None:
        log.warning("%s: change %s is already applied", store.name, changeid)
        return
    await check(tr, store, changeid)
    tr.vars[(ACTIVE, "applied")] = True
    stamp = found.Versionstamp.incomplete(0)
    await _effects(tr, store, changeid, stamp)
    key = store.space.pack_with_versionstamp(("log", stamp))
    await found.set_versionstamped_key(tr, key, found.pack((changeid,)))
    value = found.pack_with_versionstamp((stamp,))
    await found.set_versionstamped_value(tr, store.change_key(changeid, "significance"), value)
    reads = store.space.pack(("read", changeid))
    await found.clear(tr, reads, reads + b"\xff")
    if tr.vars.get(ACTIVE) == changeid:
        del tr.vars[ACTIVE]
    tr.vars.pop((ACTIVE, changeid), None)
