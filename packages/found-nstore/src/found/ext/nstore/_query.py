"""Conjunctive queries: several patterns joined on their shared variables.

Unless the caller passes `ordered=True`, `query` picks the order of the patterns itself, once,
before reading any result:

1. each pattern's matches (its values bound, its variables free) are counted, stopping at
   `PLAN_LIMIT`;
2. the first pattern is the one with the smallest count, ties broken by the most values;
3. each next pattern is, among those sharing a variable with the patterns already placed (all
   of them when none does), the one with the most positions bound by values or by variables
   already placed, ties broken by the smaller count;
4. remaining ties between patterns that both reached `PLAN_LIMIT` go to the smaller
   `found.estimated_size_bytes` of their ranges (asked only then: the embedded engine
   measures it exactly, by reading the range; a cluster may answer 0 below a few megabytes,
   which leaves the tie), and the last ties to the caller's order.

Planning reads at most `PLAN_LIMIT` keys per pattern, in the caller's transaction, so those
reads are read conflicts too. With a single pattern, or with `ordered=True`, nothing is
estimated and the patterns run in the caller's order: the first one is scanned, every other
one joins (a nested loop: one range scan per binding).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import found

from ._select import Bindings, Scan, select, where
from ._store import NStore, Variable

#: Most keys read to count one pattern's matches while planning.
PLAN_LIMIT = 1_000


class _Sizes:
    """Per pattern: its matches counted up to PLAN_LIMIT, refined only when needed."""

    def __init__(self, tx: Any, store: NStore, patterns: Sequence[Sequence[Any]]) -> None:
        self.tx, self.store, self.patterns = tx, store, patterns
        self.counts: list[int] = []
        self.sizes: list[int] = []
        self.refined: dict[int, int] = {}

    async def count(self) -> None:
        mode = found.STREAMING_MODE_WANT_ALL  # one round trip: the limit bounds the page
        for pattern in self.patterns:
            plan = Scan(self.store, pattern)
            total = size = 0
            pages = found.query(self.tx, plan.begin, plan.end, limit=PLAN_LIMIT, mode=mode)
            async for key, value in pages:
                total += 1
                size += len(key) + len(value)
            self.counts.append(total)
            self.sizes.append(size)

    async def estimate(self, i: int) -> int:
        """Approximate matches of pattern `i`: exact below PLAN_LIMIT, else from the size of
        its range (costly on the embedded engine, which measures it exactly)."""
        if self.counts[i] < PLAN_LIMIT:
            return self.counts[i]
        if i not in self.refined:
            plan = Scan(self.store, self.patterns[i])
            stored = await found.estimated_size_bytes(self.tx, plan.begin, plan.end)
            self.refined[i] = max(PLAN_LIMIT, stored * PLAN_LIMIT // max(self.sizes[i], 1))
        return self.refined[i]

    async def pick(self, rank: dict[int, tuple[int, ...]]) -> int:
        """The pattern with the smallest `rank` (pattern number -> rank); ties between
        patterns whose count reached PLAN_LIMIT go to the smaller estimate, then to the
        caller's order."""
        best = min(rank.values())
        tied = sorted(i for i, r in rank.items() if r == best)
        if len(tied) > 1 and all(self.counts[i] >= PLAN_LIMIT for i in tied):
            estimates = [(await self.estimate(i), i) for i in tied]
            return min(estimates)[1]
        return tied[0]  # candidates are in the caller's order


def _variables(pattern: Sequence[Any]) -> set[str]:
    return {x.name for x in pattern if isinstance(x, Variable)}


def _bound(pattern: Sequence[Any], known: set[str]) -> int:
    """How many positions of `pattern` are values or variables in `known`."""
    return sum(1 for x in pattern if not isinstance(x, Variable) or x.name in known)


async def plan(tx: Any, store: NStore, patterns: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """The patterns in the order `query` runs them (see the module docstring)."""
    if len(patterns) < 2:
        return list(patterns)
    sizes = _Sizes(tx, store, patterns)
    await sizes.count()
    counts = sizes.counts
    remaining = list(range(len(patterns)))
    first = await sizes.pick({i: (counts[i], -_bound(patterns[i], set())) for i in remaining})
    order = [first]
    remaining.remove(first)
    known = _variables(patterns[first])
    while remaining:
        linked = [i for i in remaining if _variables(patterns[i]) & known] or remaining
        chosen = await sizes.pick({i: (-_bound(patterns[i], known), counts[i]) for i in linked})
        order.append(chosen)
        remaining.remove(chosen)
        known |= _variables(patterns[chosen])
    return [patterns[i] for i in order]


async def query(
    tx: Any, store: NStore, pattern: Sequence[Any], *patterns: Sequence[Any], ordered: bool = False
) -> AsyncIterator[Bindings]:
    """Yield every bindings dict that satisfies `pattern` and all `patterns` at once.

    Use it directly with `async for`. The join order is chosen by estimated selectivity
    unless `ordered=True` (then it is the order given); results stream as they are found.
    """
    chain = [pattern, *patterns]
    for p in chain:
        Scan(store, p)  # validate every pattern before the first read
    if not ordered:
        chain = await plan(tx, store, chain)
    out = select(tx, store, *chain[0])
    for p in chain[1:]:
        out = where(tx, store, out, *p)
    async for bindings in out:
        yield bindings
