"""Reading a vnstore: the latest state, a pending change's own view, or a past state.

Which state a read sees:

- `as_of=` an applied change id (or a significance): the state right after that change;
- otherwise, when `tr` has an active change (`change_create` / `change_continue`): the latest
  state with that change's own additions and removals on top, and the read is recorded in
  the change for conflict detection at `change_apply`;
- otherwise the latest state: the tuples of every applied change, and nothing pending.

The change's view merges three range scans that share an index order (the latest tuples, the
change's additions, the change's removals), so it streams like a plain nstore scan.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Generator, Mapping, Sequence
from typing import Any, Optional

import found
from found.ext import nstore

from ._changes import pending
from ._history import alive_at, scan_as_of, significance, tail
from ._store import ACTIVE, VNStore, substitute

Bindings = dict[str, Any]
_END = object()


def active(tr: Any) -> Optional[Any]:
    """The active change of `tr`, or None."""
    return tr.vars.get(ACTIVE)


async def record(tr: Any, store: VNStore, changeid: Any, pattern: Sequence[Any]) -> None:
    """Remember, for `change_apply`, that `changeid` read `pattern` now."""
    shape = tuple(() if isinstance(x, nstore.Variable) else (x,) for x in pattern)
    key = store.read_key(changeid, shape)
    seen = tr.vars.setdefault((ACTIVE, "recorded"), set())
    if key in seen:
        return
    if await found.get(tr, key) is None:  # keep the oldest read: it is the one to check
        moment = tr.vars.get((ACTIVE, "tail", store.raw), _END)
        if moment is _END:
            moment = tr.vars[(ACTIVE, "tail", store.raw)] = await tail(tr, store)
        await found.set(tr, key, found.pack((moment,)))
    seen.add(key)


async def _next(iterator: AsyncIterator[Any]) -> Any:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return None


async def _merged(
    tr: Any, store: VNStore, changeid: Any, pattern: Sequence[Any]
) -> AsyncIterator[tuple[Any, ...]]:
    """(latest | additions) minus removals, for `pattern`, in index order."""
    latest = nstore.scan(tr, store.head, *pattern)
    added = nstore.scan(tr, store.ops(changeid, True), *pattern)
    removed = nstore.scan(tr, store.ops(changeid, False), *pattern)
    a, b, r = await _next(latest), await _next(added), await _next(removed)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] <= b[0]):
            current = a
            if b is not None and a[0] == b[0]:
                b = await _next(added)
            a = await _next(latest)
        else:
            current, b = b, await _next(added)
        while r is not None and r[0] < current[0]:
            r = await _next(removed)
        if r is None or r[0] != current[0]:
            yield current[1]


async def matches(
    tr: Any, store: VNStore, pattern: Sequence[Any], as_of: Optional[Any] = None
) -> AsyncIterator[tuple[Any, ...]]:
    """Yield the tuples matching `pattern` in the state this read sees (module docstring)."""
    store.check(pattern)
    if as_of is not None:
        moment = await significance(tr, store, as_of)
        async for items in scan_as_of(tr, store, pattern, moment):
            yield items
        return
    changeid = active(tr)
    if changeid is None:
        async for _, items in nstore.scan(tr, store.head, *pattern):
            yield items
        return
    await pending(tr, store, changeid)
    await record(tr, store, changeid, pattern)
    async for items in _merged(tr, store, changeid, pattern):
        yield items


async def select(
    tr: Any,
    store: VNStore,
    *pattern: Any,
    seed: Optional[Mapping[str, Any]] = None,
    as_of: Optional[Any] = None,
) -> AsyncIterator[Bindings]:
    """Yield one bindings dict per alive tuple matching `pattern` (see the module docstring
    for which state is read). Variables bound in `seed` act as values."""
    pattern = substitute(pattern, seed)
    names = [(i, x.name) for i, x in enumerate(pattern) if isinstance(x, nstore.Variable)]
    base = dict(seed) if seed else {}
    async for items in matches(tr, store, pattern, as_of):
        bindings = dict(base)
        for i, name in names:
            bindings[name] = items[i]
        yield bindings


async def ask(tr: Any, store: VNStore, *items: Any, as_of: Optional[Any] = None) -> bool:
    """Whether `items` is alive in the state this read sees."""
    store.check_values(items)
    if as_of is not None:
        return await alive_at(tr, store, items, await significance(tr, store, as_of))
    found_any = False
    scan = matches(tr, store, items)
    async for _ in scan:
        found_any = True
        break
    await scan.aclose()  # type: ignore[attr-defined]
    return found_any


async def get(tr: Any, store: VNStore, *items: Any, as_of: Optional[Any] = None) -> Any:
    """The value added with `items` (bytes), or None when `items` is not alive.

    Past values are not kept: with `as_of`, an alive tuple's value is its latest one.
    """
    if not await ask(tr, store, *items, as_of=as_of):
        return None
    changeid = active(tr) if as_of is None else None
    if changeid is not None:
        value = await nstore.get(tr, store.ops(changeid, True), *items)
        if value is not None:
            return value
    value = await nstore.get(tr, store.head, *items)
    return b"" if value is None else value


async def where(
    tr: Any,
    store: VNStore,
    iterator: AsyncIterable[Mapping[str, Any]],
    *pattern: Any,
    as_of: Optional[Any] = None,
) -> AsyncIterator[Bindings]:
    """For each bindings dict from `iterator`, yield its extensions matching `pattern`."""
    store.check(pattern)
    async for bindings in iterator:
        async for out in select(tr, store, *pattern, seed=bindings, as_of=as_of):
            yield out


class Query:
    """The results of `query`: use `async for` on it directly, or `await` it first (0.13)."""

    def __init__(self, agen: AsyncIterator[Bindings]) -> None:
        self._agen = agen

    def __aiter__(self) -> Query:
        return self

    def __anext__(self) -> Awaitable[Bindings]:
        return self._agen.__anext__()

    def __await__(self) -> Generator[Any, None, Query]:
        if False:  # makes this a generator: awaiting returns at once
            yield None
        return self

    async def aclose(self) -> None:
        """Stop reading early and release the scans."""
        await self._agen.aclose()  # type: ignore[attr-defined]


async def _query(
    tr: Any,
    store: VNStore,
    patterns: list[Sequence[Any]],
    ordered: bool,
    as_of: Optional[Any],
) -> AsyncIterator[Bindings]:
    for p in patterns:
        store.check(p)
    if not ordered:
        patterns = await nstore.plan(tr, store.head, patterns)
    out = select(tr, store, *patterns[0], as_of=as_of)
    for p in patterns[1:]:
        out = where(tr, store, out, *p, as_of=as_of)
    async for bindings in out:
        yield bindings


def query(
    tr: Any,
    store: VNStore,
    pattern: Sequence[Any],
    *patterns: Sequence[Any],
    ordered: bool = False,
    as_of: Optional[Any] = None,
) -> Query:
    """Yield every bindings dict satisfying all the patterns, joined on shared variables.

    The join order is planned on the latest state's sizes unless `ordered=True`.
    """
    return Query(_query(tr, store, [pattern, *patterns], ordered, as_of))
