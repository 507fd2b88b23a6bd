"""Pattern matching: one range scan per pattern, streamed.

A pattern has one entry per column: a value, or a `Variable`. The values pick the index whose
ordering puts their positions first, so the scan reads exactly the tuples that agree on them.
A variable that occurs more than once means equality: the rows where its positions hold
different values (as the tuple layer sees them: `1`, `1.0` and `True` differ) are skipped.
"""

from __future__ import annotations

import operator
from collections.abc import AsyncIterable, AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Callable, Optional

import found

from ._store import NStore, NStoreException, Variable

Bindings = dict[str, Any]


class Scan:
    """The range and decoding recipe that serve one pattern on one store."""

    __slots__ = ("begin", "end", "groups", "index", "inverse", "n", "reorder", "skip")

    def __init__(self, store: NStore, pattern: Sequence[Any]) -> None:
        if len(pattern) != store.n:
            raise NStoreException(f"{store.name}: expected {store.n} items, got {len(pattern)}")
        bound = frozenset(i for i, x in enumerate(pattern) if not isinstance(x, Variable))
        number = self.index = store.index_for(bound)
        order = store.indices[number]
        subspace = store.subspace(number)
        self.begin = subspace + found.pack(tuple(pattern[i] for i in order[: len(bound)]))
        self.end = self.begin + b"\xff"  # 0xff is never a type code: covers every extension
        self.skip = len(subspace)
        self.n = store.n
        self.inverse = [order.index(i) for i in range(store.n)]
        # one column has only the identity order, so itemgetter always gets 2+ positions
        self.reorder: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
            tuple if order == tuple(range(store.n)) else operator.itemgetter(*self.inverse)
        )
        positions: dict[str, list[int]] = {}
        for i, x in enumerate(pattern):
            if isinstance(x, Variable):
                positions.setdefault(x.name, []).append(i)
        self.groups = [p for p in positions.values() if len(p) > 1]

    def decode(self, key: bytes) -> tuple[bytes, Optional[tuple[Any, ...]]]:
        """(order key, items in column order), or items None when a repeated variable differs.

        The order key is the key without its index prefix: two stores of the same width
        scanned with patterns binding the same positions yield comparable order keys.
        """
        rest = key[self.skip :]
        items = self.reorder(found.unpack(rest))
        for group in self.groups:
            first = found.pack((items[group[0]],))
            if any(found.pack((items[i],)) != first for i in group[1:]):
                return rest, None
        return rest, items


def substitute(pattern: Sequence[Any], bindings: Optional[Mapping[str, Any]]) -> list[Any]:
    """`pattern` with every variable that `bindings` knows replaced by its value."""
    if not bindings:
        return list(pattern)
    return [
        bindings[x.name] if isinstance(x, Variable) and x.name in bindings else x for x in pattern
    ]


async def scan(
    tx: Any, store: NStore, *pattern: Any, after: Optional[bytes] = None
) -> AsyncIterator[tuple[bytes, tuple[Any, ...]]]:
    """Yield `(order_key, items)` for every tuple matching `pattern`, in index order.

    A lower-level form of `select` for layers that merge several stores scanned in step.
    With `after` (an order key this scan yielded), resume just after that tuple.
    """
    plan = Scan(store, pattern)
    begin = plan.begin
    if after is not None:
        begin = max(begin, store.subspace(plan.index) + after + b"\x00")
    if begin >= plan.end:
        return
    async for key, _ in found.query(tx, begin, plan.end):
        order_key, items = plan.decode(key)
        if items is not None:
            yield order_key, items


class Template:
    """The scan recipe of a pattern whose variables in `known` will be given values.

    Built once per pattern and reused for every incoming binding (`where` calls it once per
    join, not once per row): the values' packed bytes are computed once, and a row is decoded
    by unpacking only the key's tail after the scanned prefix, which holds exactly the free
    columns, in index order.
    """

    __slots__ = ("checks", "free", "order", "sources", "subspace")

    def __init__(self, store: NStore, pattern: Sequence[Any], known: frozenset[str]) -> None:
        if len(pattern) != store.n:
            raise NStoreException(f"{store.name}: expected {store.n} items, got {len(pattern)}")
        bound = frozenset(
            i for i, x in enumerate(pattern) if not isinstance(x, Variable) or x.name in known
        )
        number = store.index_for(bound)
        order = self.order = store.indices[number]
        self.subspace = store.subspace(number)
        # per bound position in index order: packed value bytes, or the variable's name
        self.sources: list[Any] = [
            pattern[i].name if isinstance(pattern[i], Variable) else found.pack((pattern[i],))
            for i in order[: len(bound)]
        ]
        self.free: list[tuple[int, str]] = []  # (position in the tail, name), first occurrences
        self.checks: list[tuple[int, int]] = []  # tail positions that must hold equal values
        first: dict[str, int] = {}
        for j, i in enumerate(order[len(bound) :]):
            name = pattern[i].name
            if name in first:
                self.checks.append((first[name], j))
            else:
                first[name] = j
                self.free.append((j, name))

    def begin(self, bindings: Mapping[str, Any]) -> bytes:
        """The packed prefix shared by every row matching the pattern under `bindings`."""
        parts = [
            source if isinstance(source, bytes) else found.pack((bindings[source],))
            for source in self.sources
        ]
        return self.subspace + b"".join(parts)

    async def rows(
        self, tx: Any, base: Mapping[str, Any], begin: bytes, start: bytes, limit: int, mode: int
    ) -> AsyncIterator[Bindings]:
        """Yield `base` extended by each row of `[start, begin + 0xff)` (`begin` <= `start`)."""
        skip, free, checks = len(begin), self.free, self.checks
        if not free:  # every column known: `begin` is the whole key, a point read answers
            if start == begin and await found.get(tx, begin) is not None:
                yield dict(base)
            return
        end = begin + b"\xff"  # 0xff is never a type code: covers every extension
        if start >= end:
            return
        async for key, _ in found.query(tx, start, end, limit=limit, mode=mode):
            items = found.unpack(key, skip)
            if checks and any(
                found.pack((items[a],)) != found.pack((items[b],)) for a, b in checks
            ):
                continue
            out = dict(base)
            for j, name in free:
                out[name] = items[j]
            yield out

    def replay(self, keys: list[bytes]) -> Iterator[Bindings]:
        """The bindings of `keys`, rows already read from this template's range (known empty)."""
        skip = len(self.begin({}))
        for key in keys:
            items = found.unpack(key, skip)
            if self.checks and any(
                found.pack((items[a],)) != found.pack((items[b],)) for a, b in self.checks
            ):
                continue
            yield {name: items[j] for j, name in self.free}


def _known(pattern: Sequence[Any], bindings: Optional[Mapping[str, Any]]) -> frozenset[str]:
    if not bindings:
        return frozenset()
    return frozenset(x.name for x in pattern if isinstance(x, Variable) and x.name in bindings)


async def select(
    tx: Any,
    store: NStore,
    *pattern: Any,
    seed: Optional[Mapping[str, Any]] = None,
    after: Optional[Mapping[str, Any]] = None,
    limit: int = 0,
) -> AsyncIterator[Bindings]:
    """Yield one dict per tuple matching `pattern`: `seed` plus each variable's value.

    Variables already bound in `seed` act as values. Results come in index order, so they
    can be read in pages: `limit` stops after that many results (0: no limit), and
    `after=` the last bindings of the previous page resumes just after it.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be an int >= 0, not {limit!r}")
    template = Template(store, pattern, _known(pattern, seed))
    base = dict(seed) if seed else {}
    begin = template.begin(base)
    start = begin
    if after is not None:
        last = substitute(pattern, {**base, **after})
        if any(isinstance(x, Variable) for x in last):
            raise NStoreException(f"{store.name}: `after` must bind every variable")
        cursor = found.pack(tuple(last[i] for i in template.order))
        start = max(begin, template.subspace + cursor + b"\x00")
    # With a limit (and no repeated variable to skip rows), one batch of exactly that size;
    # else big pages: a page is bounded in bytes, and the caller may still stop early
    exact = limit if not template.checks else 0
    mode = found.STREAMING_MODE_EXACT if exact else found.STREAMING_MODE_WANT_ALL
    count = 0
    async for bindings in template.rows(tx, base, begin, start, exact, mode):
        yield bindings
        count += 1
        if count == limit:
            return


async def where(
    tx: Any, store: NStore, iterator: AsyncIterable[Mapping[str, Any]], *pattern: Any
) -> AsyncIterator[Bindings]:
    """For each bindings dict from `iterator`, yield its extensions that match `pattern`.

    This is a nested-loop join: each incoming binding fills the variables it knows, and the
    rest of the pattern is matched with one range scan, read whole (the matches of one
    binding are usually few). The scan recipe is built once per set of known variables.
    """
    if len(pattern) != store.n:
        raise NStoreException(f"{store.name}: expected {store.n} items, got {len(pattern)}")
    templates: dict[frozenset[str], Template] = {}
    mode = found.STREAMING_MODE_WANT_ALL
    async for bindings in iterator:
        known = _known(pattern, bindings)
        template = templates.get(known)
        if template is None:
            template = templates[known] = Template(store, pattern, known)
        begin = template.begin(bindings)
        async for out in template.rows(tx, bindings, begin, begin, 0, mode):
            yield out


async def count(tx: Any, store: NStore, *pattern: Any) -> int:
    """The exact number of tuples in `store` that match `pattern` (one range scan)."""
    total = 0
    async for _ in scan(tx, store, *pattern):
        total += 1
    return total
