"""Pattern matching: one range scan per pattern (`select`, `scan`, `count`), and `where`.

A pattern has one entry per column: a value, or a `Variable`. The values pick the index whose
ordering puts their positions first, so the scan reads exactly the tuples that agree on them.
A variable that occurs more than once means equality: the rows where its positions hold
different values (as the tuple layer sees them: `1`, `1.0` and `True` differ) are skipped.

Internally results travel as pages (lists of bindings dicts): a scan reads a page per
`found.get_range`, a join (`_join.Join`) extends a whole page before handing it on, and only
the public async generators (`select`, `where`, `query`) yield one dict at a time.
"""

from __future__ import annotations

import operator
from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from typing import Any, Callable, Optional

import found

from ._store import NStore, NStoreException, Variable
from ._template import Bindings, Template, key_pages

__all__ = ["Bindings", "Scan", "Template", "count", "scan", "select", "where"]


class Scan:
    """The range and whole-key decoding recipe of one pattern (for `scan` and `count`)."""

    __slots__ = ("begin", "end", "groups", "index", "n", "reorder", "skip")

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
        inverse = [order.index(i) for i in range(store.n)]
        # one column has only the identity order, so itemgetter always gets 2+ positions
        self.reorder: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
            tuple if order == tuple(range(store.n)) else operator.itemgetter(*inverse)
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
    async for pairs in key_pages(tx, begin, plan.end):
        for key, _ in pairs:
            order_key, items = plan.decode(key)
            if items is not None:
                yield order_key, items


def known_names(pattern: Sequence[Any], bindings: Optional[Mapping[str, Any]]) -> frozenset[str]:
    """The variables of `pattern` that `bindings` gives values to."""
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
    template = Template(store, pattern, known_names(pattern, seed))
    base = dict(seed) if seed else {}
    begin = start = template.begin(base)
    if after is not None:
        last = substitute(pattern, {**base, **after})
        if any(isinstance(x, Variable) for x in last):
            raise NStoreException(f"{store.name}: `after` must bind every variable")
        cursor = found.pack(tuple(last[i] for i in template.order))
        start = max(begin, template.subspace + cursor + b"\x00")
    # A repeated variable skips rows, so `limit` cannot bound the rows read, only the matches
    rows = limit if not template.checks else 0
    left = limit
    async for page in template.pages(tx, base, begin, start, rows):
        if limit:
            if len(page) >= left:
                page = page[:left]
            left -= len(page)
        for bindings in page:
            yield bindings
        if limit and left <= 0:
            return


async def where(
    tx: Any, store: NStore, iterator: AsyncIterable[Mapping[str, Any]], *pattern: Any
) -> AsyncIterator[Bindings]:
    """For each bindings dict from `iterator`, yield its extensions that match `pattern`.

    This is a nested-loop join: each incoming binding fills the variables it knows, and the
    rest of the pattern is matched with one range scan, read whole (the matches of one
    binding are usually few), or a point read when no column is left free. The scan recipe
    is built once per set of known variables.
    """
    if len(pattern) != store.n:
        raise NStoreException(f"{store.name}: expected {store.n} items, got {len(pattern)}")
    templates: dict[frozenset[str], Template] = {}
    async for bindings in iterator:
        known = known_names(pattern, bindings)
        template = templates.get(known)
        if template is None:
            template = templates[known] = Template(store, pattern, known)
        for out in await template.probe(tx, dict(bindings)):
            yield out


async def count(tx: Any, store: NStore, *pattern: Any) -> int:
    """The exact number of tuples in `store` that match `pattern` (one range scan)."""
    plan = Scan(store, pattern)
    total = 0
    async for pairs in key_pages(tx, plan.begin, plan.end):
        if plan.groups:
            total += sum(1 for key, _ in pairs if plan.decode(key)[1] is not None)
        else:
            total += len(pairs)
    return total
