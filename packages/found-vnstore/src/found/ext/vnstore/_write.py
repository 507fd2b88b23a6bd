"""Writing to a pending change: `add` and `remove` record intentions, the latest state is
untouched until `change_apply`.

Both read the tuple they touch in the change's view (that read is recorded, so a change
applied meanwhile that adds or removes the same tuple makes this change conflict), then keep
the change's two sets minimal: a tuple is in at most one of them, and only when it differs
from the latest state.
"""

from __future__ import annotations

from typing import Any

from found.ext import nstore

from ._changes import pending
from ._store import NoActiveChange, VNStore
from ._view import active, ask


async def _active(tr: Any, store: VNStore) -> Any:
    changeid = active(tr)
    if changeid is None:
        raise NoActiveChange(
            f"{store.name}: no active change: call change_create or change_continue first"
        )
    await pending(tr, store, changeid)
    return changeid


async def add(tr: Any, store: VNStore, *items: Any, value: bytes = b"") -> bool:
    """Add `items` (with `value`) in the active change of `tr`. Returns True, as 0.13 did."""
    store.check_values(items)
    if not isinstance(value, bytes):
        raise TypeError(f"value must be bytes, not {type(value).__name__}")
    changeid = await _active(tr, store)
    additions = store.ops(changeid, True)
    latest = await nstore.get(tr, store.head, *items)
    if await ask(tr, store, *items):
        current = await nstore.get(tr, additions, *items)
        if (latest if current is None else current) != value:
            await nstore.add(tr, additions, *items, value=value)  # a new value
        return True
    await nstore.remove(tr, store.ops(changeid, False), *items)  # undo a removal, if any
    if latest != value:
        await nstore.add(tr, additions, *items, value=value)
    return True


async def remove(tr: Any, store: VNStore, *items: Any) -> bool:
    """Remove `items` in the active change of `tr`; False when it is not alive there."""
    store.check_values(items)
    changeid = await _active(tr, store)
    if not await ask(tr, store, *items):
        return False
    await nstore.remove(tr, store.ops(changeid, True), *items)
    if await nstore.get(tr, store.head, *items) is not None:
        await nstore.add(tr, store.ops(changeid, False), *items)
    return True
