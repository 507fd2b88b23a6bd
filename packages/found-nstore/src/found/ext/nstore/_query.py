"""Conjunctive queries: several patterns joined on their shared variables.

Unless the caller passes `ordered=True`, `query` picks the order of the patterns itself, once,
before reading any result. The size of a pattern is the number of tuples matching its values
(its variables free), measured lazily, each measure only for the patterns still tied:

- COUNT: its matches counted up to `FIRST_COUNT` (32) keys;
- COUNT_MORE: counted up to `PLAN_LIMIT` (1,000) keys, for those that reached 32, in turns
  (most values first in each), each turn twice as far as the last; once one range ends, the
  others stop one key past its count (they cannot be the smallest any more);
- COUNT_FAR: for those that reached 1,000, counted on in turns (pages doubling from 1,000
  keys, each resuming where the last stopped) until one ends; the others then stop one key
  past it. A pattern that passes `FAR_LIMIT` (16,000) keys stays tied for:
- ESTIMATE: `found.estimated_size_bytes` of its range over the average size of the keys
  counted (the embedded engine samples the range, exact below 1,024 keys; a cluster may
  answer 0 below a few megabytes, which leaves the tie).

The order:

1. the first pattern has the smallest COUNT, then COUNT_MORE, then the most values, then the
   smallest COUNT_FAR, then ESTIMATE; but the COUNTs are taken most values first, and a
   pattern with at most one match (or no variable at all, uncounted) is taken at once, the
   others left uncounted (the join then reads no more than counting them would);
2. each next pattern is, among those sharing a variable with the patterns already placed (all
   of them when none does), the one with the most positions bound by values or by variables
   already placed, then the smallest COUNT, COUNT_MORE, COUNT_FAR, ESTIMATE;
3. remaining ties go to the caller's order.

Planning reads at most `FAR_LIMIT` keys per pattern, in the caller's transaction, so those
reads are read conflicts too; the query starts from the first pattern's rows that counting
read, and reads only the rest of its range. With a single pattern, or with
`ordered=True`, nothing is measured and the patterns run in the caller's order: the first
one is scanned, every other one joins (a nested loop: one range read per binding, a point
read when the binding leaves no column free; see `_select.join`). Results pass between the
stages as pages (lists); only the final generator yields them one by one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Optional

import found

from . import _template
from ._select import Bindings, Join, Template
from ._store import NStore, NStoreException, Variable
from ._template import Pairs

_EXACT = found.STREAMING_MODE_EXACT

#: Keys counted per pattern at first, then (only to break ties) at most PLAN_LIMIT.
FIRST_COUNT = 32
PLAN_LIMIT = 1_000
#: Past PLAN_LIMIT, tied patterns are counted on in turns up to this many keys each.
FAR_LIMIT = 16_000
#: The size measures, cheapest first, that `_Sizes.pick` refines ties with.
COUNT, COUNT_MORE, COUNT_FAR, ESTIMATE = range(4)


class _Sizes:
    """Sizes of the patterns' matches, measured lazily and only as precisely as a choice needs."""

    def __init__(self, tx: Any, store: NStore, patterns: Sequence[Sequence[Any]]) -> None:
        self.tx, self.store, self.patterns = tx, store, patterns
        self.known: dict[tuple[int, int], int] = {}  # (pattern, measure) -> size
        self.rows: dict[int, Pairs] = {}  # pattern -> all its rows, when a count saw all
        self.seen: dict[int, Pairs] = {}  # pattern -> the rows counted, from its range's start
        self.ranges: dict[int, tuple[bytes, bytes]] = {}

    def range(self, i: int) -> tuple[bytes, bytes]:
        """The range of pattern `i` (its values bound, its variables free)."""
        bounds = self.ranges.get(i)
        if bounds is None:
            head = Template(self.store, self.patterns[i], frozenset()).head
            bounds = self.ranges[i] = (head, head + b"\xff")  # 0xff: never a type code
        return bounds

    def progress(self, i: int) -> int:
        """How many rows of pattern `i` counting has read so far."""
        return len(self.seen.get(i, ()))

    async def _count(self, i: int, limit: int) -> int:
        """The keys of pattern `i` counted up to `limit`. Counting
        goes on from the rows read before (kept, from the range's start), so no key is read
        twice; `query` starts from those rows."""
        seen = self.seen.setdefault(i, [])
        if len(seen) < limit and i not in self.rows:
            begin, end = self.range(i)
            if seen:
                begin = seen[-1][0] + b"\x00"
            want = limit - len(seen)
            pairs = await found.get_range(self.tx, begin, end, limit=want, mode=_EXACT)
            seen.extend(pairs)
            if len(pairs) < want:  # the range ended
                self.rows[i] = seen
        return min(len(seen), limit)

    async def size(self, i: int, measure: int) -> int:
        """Matches of pattern `i` by `measure`: a count up to FIRST_COUNT, a count up to
        PLAN_LIMIT, or its range's estimated size in bytes over its average key size."""
        if (i, measure) in self.known:
            return self.known[(i, measure)]
        if measure == COUNT:
            value = await self._count(i, FIRST_COUNT)
        else:
            below = await self.size(i, COUNT if measure == COUNT_MORE else COUNT_MORE)
            if below < (FIRST_COUNT if measure == COUNT_MORE else PLAN_LIMIT):
                value = below  # exact already
            elif measure == COUNT_MORE:
                value = await self._count(i, PLAN_LIMIT)
            else:
                stored = await found.estimated_size_bytes(self.tx, *self.range(i))
                counted = sum([len(k) + len(v) for k, v in self.seen[i][:PLAN_LIMIT]])
                value = max(PLAN_LIMIT, stored * PLAN_LIMIT // max(counted, 1))
        self.known[(i, measure)] = value
        return value

    async def _bounded(self, tied: list[int]) -> dict[int, int]:
        """COUNT_MORE ranks of `tied`, read as little as the choice needs: counted in turns
        (most values first in each turn), each turn up to twice as far as the last, from
        FIRST_COUNT to PLAN_LIMIT; once a range ends, the others stop one key past its count
        (they cannot be the smallest any more). So no pattern is read much further than twice
        the smallest. A count stopped early is a lower bound above that smallest, which ranks
        the same; it is not remembered as the pattern's size."""
        best = PLAN_LIMIT
        ranks: dict[int, int] = {}
        running = []
        for i in sorted(tied, key=lambda i: _bound(self.patterns[i], set()), reverse=True):
            if (i, COUNT_MORE) in self.known:
                ranks[i] = self.known[(i, COUNT_MORE)]
            else:
                ranks[i] = await self.size(i, COUNT)
                if ranks[i] >= FIRST_COUNT:
                    running.append(i)
                    continue
            best = min(best, ranks[i])  # exact (a count stopped early is never remembered)
        step = 2 * FIRST_COUNT
        while running:
            for i in list(running):
                want = min(step, best + 1, PLAN_LIMIT)
                ranks[i] = await self._count(i, want)
                if i in self.rows and ranks[i] < want:  # the range ended: the exact count
                    self.known[(i, COUNT_MORE)] = ranks[i]
                    best = min(best, ranks[i])
                elif ranks[i] >= PLAN_LIMIT:
                    self.known[(i, COUNT_MORE)] = PLAN_LIMIT
                elif ranks[i] <= best:
                    continue  # still a candidate: on in the next turn
                running.remove(i)
            step *= 2
        return ranks

    async def _race(self, tied: list[int]) -> dict[int, int]:
        """COUNT_FAR ranks of `tied` (see the module docstring): exact counts, lower bounds
        above the smallest exact count, or FAR_LIMIT for patterns still tied past it."""
        ranks = {i: await self.size(i, COUNT_MORE) for i in tied}
        best = min(ranks.values())
        if best < PLAN_LIMIT:
            return ranks  # the smallest is exact already
        running = []
        for i in tied:
            if (i, COUNT_FAR) in self.known:
                ranks[i] = self.known[(i, COUNT_FAR)]
            elif self.progress(i) >= FAR_LIMIT:
                ranks[i] = FAR_LIMIT
            else:
                ranks[i] = self.progress(i)  # a race of an earlier choice may have gone on
                running.append(i)
        exact = [ranks[i] for i in tied if (i, COUNT_FAR) in self.known]
        best = min(exact) if exact else FAR_LIMIT
        page = PLAN_LIMIT
        while running:
            for i in list(running):
                want = min(page, best + 1 - ranks[i])
                if want <= 0:  # already past the smallest exact count
                    running.remove(i)
                    continue
                before = self.progress(i)
                ranks[i] = await self._count(i, before + want)
                read = ranks[i] - before
                if read < want:  # the range ended: exact
                    self.known[(i, COUNT_FAR)] = ranks[i]
                    best = min(best, ranks[i])
                    running.remove(i)
                elif ranks[i] >= FAR_LIMIT:
                    ranks[i] = FAR_LIMIT  # too big to count on: left to ESTIMATE
                    running.remove(i)
            page *= 2
        return ranks

    async def pick(self, keys: list[Any]) -> int:
        """The pattern that `keys` ranks first. `keys` is a dict (pattern -> rank) for a known
        rank, or a measure (COUNT, COUNT_MORE, ESTIMATE); each narrows the tie left by the
        previous ones, so a measure is taken only of patterns still tied. Last ties go to
        the caller's order."""
        tied = sorted(keys[0])
        for key in keys:
            if len(tied) == 1:
                break
            if isinstance(key, dict):
                ranks = {i: key[i] for i in tied}
            elif key == COUNT_MORE:
                ranks = await self._bounded(tied)
            elif key == COUNT_FAR:
                ranks = await self._race(tied)
            else:
                ranks = {i: await self.size(i, key) for i in tied}
            best = min(ranks.values())
            tied = [i for i in tied if ranks[i] == best]
        return tied[0]


def _variables(pattern: Sequence[Any]) -> set[str]:
    return {x.name for x in pattern if isinstance(x, Variable)}


def _bound(pattern: Sequence[Any], known: set[str]) -> int:
    """How many positions of `pattern` are values or variables in `known`."""
    return sum(1 for x in pattern if not isinstance(x, Variable) or x.name in known)


async def plan(tx: Any, store: NStore, patterns: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """The patterns in the order `query` runs them (see the module docstring)."""
    return (await _plan(tx, store, patterns))[0]


async def _plan(
    tx: Any, store: NStore, patterns: Sequence[Sequence[Any]]
) -> tuple[list[Sequence[Any]], Optional[Pairs], bool]:
    """`plan`, the first pattern's rows that counting read (from its range's start; None
    when it was not counted), and whether they are all of its rows."""
    if len(patterns) < 2:
        return list(patterns), None, False
    names = [[x.name for x in p if isinstance(x, Variable)] for p in patterns]
    values = [len(p) - len(names[i]) for i, p in enumerate(patterns)]
    sizes = _Sizes(tx, store, patterns)
    remaining = list(range(len(patterns)))
    first = None
    # most values first: a pattern with at most one match starts the query uncontested (the
    # join then reads no more than counting the others would), so they are not counted; a
    # pattern without variables has at most one match, so it is not counted either
    for i in sorted(remaining, key=values.__getitem__, reverse=True):
        if not names[i] or await sizes.size(i, COUNT) <= 1:
            first = i
            break
    if first is None:
        most = {i: -values[i] for i in remaining}
        first = await sizes.pick(
            [dict.fromkeys(remaining, 0), COUNT, COUNT_MORE, most, COUNT_FAR, ESTIMATE]
        )
    order = [first]
    remaining.remove(first)
    known = set(names[first])
    while remaining:
        linked = [i for i in remaining if not known.isdisjoint(names[i])] or remaining
        bound = {i: -values[i] - sum([1 for name in names[i] if name in known]) for i in linked}
        best = min(bound.values())
        tied = [i for i in linked if bound[i] == best]
        if len(tied) == 1:  # the most bound positions decide: nothing to measure
            chosen = tied[0]
        else:
            chosen = await sizes.pick([bound, COUNT, COUNT_MORE, COUNT_FAR, ESTIMATE])
        order.append(chosen)
        remaining.remove(chosen)
        known.update(names[chosen])
    in_order = [patterns[i] for i in order]
    if first in sizes.rows:
        return in_order, sizes.rows[first], True
    return in_order, sizes.seen.get(first), False


async def _through(tx: Any, joins: list[Join], page: list[Bindings]) -> list[Bindings]:
    """`page` extended by every join in turn."""
    for stage in joins:
        if not page:
            break
        page = await stage.extend(tx, page)
    return page


async def query(
    tx: Any, store: NStore, pattern: Sequence[Any], *patterns: Sequence[Any], ordered: bool = False
) -> AsyncIterator[Bindings]:
    """Yield every bindings dict that satisfies `pattern` and all `patterns` at once.

    Use it directly with `async for`. The join order is chosen by estimated selectivity
    unless `ordered=True` (then it is the order given); results stream as they are found.
    """
    chain = [pattern, *patterns]
    for p in chain:  # every pattern's width before the first read (values: when scanned)
        if len(p) != store.n:
            raise NStoreException(f"{store.name}: expected {store.n} items, got {len(p)}")
    rows: Optional[Pairs] = None
    complete = False
    if len(chain) > 1 and not ordered:
        chain, rows, complete = await _plan(tx, store, chain)
    first = Template(store, chain[0], frozenset())
    joins = []
    known = _variables(chain[0])
    for p in chain[1:]:
        names = _variables(p)
        joins.append(Join(store, p, frozenset(known & names)))
        known |= names
    begin = first.head  # no variable is known: every value is in the head
    if rows is None:  # the planner read none of the first pattern's rows: one read now
        if not first.free:
            rows = [(begin, b"")] if await found.get(tx, begin) is not None else []
            complete = True
        else:
            end = begin + b"\xff"
            rows = await found.get_range(tx, begin, end, limit=_template.FIRST_PAGE, mode=_EXACT)
            complete = len(rows) < _template.FIRST_PAGE
    page = await _through(tx, joins, first.bind({}, rows, len(begin)))
    for bindings in page:
        yield bindings
    if not complete:  # the rest of the first pattern's range, in growing pages
        start = rows[-1][0] + b"\x00" if rows else begin
        async for page in first.pages(tx, {}, begin, start, 0, 2 * _template.FIRST_PAGE):
            for bindings in await _through(tx, joins, page):
                yield bindings
