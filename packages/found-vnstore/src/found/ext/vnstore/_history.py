"""History: the log of applied changes, intervals of life of every tuple, time travel, diff.

A tuple's history is a list of intervals `[added, removed)` of versionstamps. The state "as of"
an applied change with significance S holds the tuples with an interval where
`added <= S < removed` (an open interval has `removed = None`). Intervals are stored in every
index order, so a pattern as of S is still one range scan (it reads the tuple's whole history,
and keeps the intervals that contain S).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, NamedTuple, Optional

import found
from found.ext import nstore

from ._store import ChangeNotFound, VNStore, VNStoreException, same, stamp_order

#: Sorts after every versionstamp: "now".
LATEST = b"\xff"


class Delta(NamedTuple):
    """One difference between two states: `items` became alive (`alive=True`) or died."""

    items: tuple[Any, ...]
    alive: bool


def interval_key(
    store: VNStore, index: int, items: Sequence[Any], added: Any, removed: Any
) -> bytes:
    """Key of one interval of `items` in history index `index`; one stamp may be incomplete."""
    order = store.indices[index]
    row = ("history", index, *(items[i] for i in order), added, removed)
    if found.has_incomplete_versionstamp(row):
        return store.space.pack_with_versionstamp(row)
    return store.space.pack(row)


async def tail(tr: Any, store: VNStore) -> Optional[Any]:
    """The significance of the last applied change, None when none is."""
    async for key, _ in found.query(tr, store.log, store.log + b"\xff", limit=1, reverse=True):
        return found.unpack(key, store.skip)[-1]
    return None


async def significance(tr: Any, store: VNStore, point: Any) -> bytes:
    """Order bytes of a point of history: an applied change's id, or a versionstamp."""
    if not isinstance(point, uuid.UUID):
        return stamp_order(point)
    key = store.change_key(point, "significance")
    value = await found.get(tr, key)
    if value is None:
        if await found.get(tr, store.change_key(point, "message")) is None:
            raise ChangeNotFound(f"{store.name}: no change {point}")
        raise VNStoreException(f"{store.name}: change {point} is not applied")
    return stamp_order(found.unpack(value)[0])


def _alive(added: Any, removed: Any, moment: bytes) -> bool:
    return stamp_order(added) <= moment and (removed is None or moment < stamp_order(removed))


async def scan_as_of(
    tr: Any, store: VNStore, pattern: Sequence[Any], moment: bytes
) -> AsyncIterator[tuple[Any, ...]]:
    """Yield the tuples matching `pattern` that were alive at `moment` (order bytes)."""
    store.check(pattern)
    bound = frozenset(i for i, x in enumerate(pattern) if not isinstance(x, nstore.Variable))
    index = store.head.index_for(bound)
    order = store.indices[index]
    inverse = [order.index(i) for i in range(store.n)]
    begin = store.history[index] + found.pack(tuple(pattern[i] for i in order[: len(bound)]))
    positions: dict[str, list[int]] = {}
    for i, x in enumerate(pattern):
        if isinstance(x, nstore.Variable):
            positions.setdefault(x.name, []).append(i)
    groups = [p for p in positions.values() if len(p) > 1]
    skip = len(store.history[index])
    async for key, _ in found.query(tr, begin, begin + b"\xff"):
        row = found.unpack(key[skip:])
        if not _alive(row[store.n], row[store.n + 1], moment):
            continue
        items = tuple(row[j] for j in inverse)
        if all(same(items[g[0]], items[i]) for g in groups for i in g[1:]):
            yield items


async def alive_at(tr: Any, store: VNStore, items: Sequence[Any], moment: bytes) -> bool:
    """Whether `items` was alive at `moment`."""
    begin = store.history[0] + found.pack(tuple(items))
    async for key, _ in found.query(tr, begin, begin + b"\xff"):
        row = found.unpack(key[len(store.history[0]) :])
        if _alive(row[store.n], row[store.n + 1], moment):
            return True
    return False


async def open_interval(tr: Any, store: VNStore, items: Sequence[Any]) -> Optional[Any]:
    """The `added` stamp of the open interval of `items` (None when it is not alive)."""
    begin = store.history[0] + found.pack(tuple(items))
    async for key, _ in found.query(tr, begin, begin + b"\xff"):
        row = found.unpack(key[len(store.history[0]) :])
        if row[store.n + 1] is None:
            return row[store.n]
    return None


async def applied_between(
    tr: Any, store: VNStore, after: bytes, upto: bytes
) -> AsyncIterator[tuple[Any, uuid.UUID]]:
    """Yield `(significance, changeid)` of the changes applied in `(after, upto]`, in order."""
    begin = store.log + after + b"\x00" if after else store.log
    end = store.log + upto + b"\x00" if upto != LATEST else store.log + b"\xff"
    async for key, value in found.query(tr, begin, end):
        yield found.unpack(key, store.skip)[-1], found.unpack(value)[0]


async def diff(
    tr: Any, store: VNStore, start: Optional[Any] = None, end: Optional[Any] = None
) -> AsyncIterator[Delta]:
    """Yield what changed from the state as of `start` to the state as of `end`.

    `start` and `end` are applied change ids (or significances); `start=None` is the empty
    store before any change, `end=None` is the latest state. Each tuple that is alive at one
    point and not at the other is yielded once, ordered by its packed items.
    """
    after = b"" if start is None else await significance(tr, store, start)
    upto = LATEST if end is None else await significance(tr, store, end)
    if upto < after:
        raise VNStoreException(f"{store.name}: diff end is before its start")
    touched: dict[bytes, tuple[Any, ...]] = {}
    everything = [nstore.var(f"_{i}") for i in range(store.n)]
    async for _, changeid in applied_between(tr, store, after, upto):
        for alive in (True, False):
            async for packed, items in nstore.scan(tr, store.ops(changeid, alive), *everything):
                touched.setdefault(packed, items)
    for packed in sorted(touched):
        items = touched[packed]
        before = await alive_at(tr, store, items, after) if after else False
        now = await alive_at(tr, store, items, upto)
        if before != now:
            yield Delta(items, now)
