"""Conjunctive queries: several patterns joined on their shared variables.

Unless the caller passes `ordered=True`, `query` picks the order of the patterns itself, once,
before reading any result:

1. each pattern's cardinality is estimated from the values it holds (its variables unbound):
   its matching keys are counted, stopping at `PLAN_LIMIT`; a pattern with more matches than
   that is sized with `found.estimated_size_bytes` of its range divided by the average size
   of the keys counted (never below `PLAN_LIMIT`; when the database has no estimate, as a
   cluster below a few megabytes, it stays at `PLAN_LIMIT`);
2. the first pattern is the one with the smallest estimate, ties broken by the most values,
   then by the caller's order;
3. each next pattern is, among those sharing a variable with the patterns already placed (all
   of them when none does), the one with the most positions bound by values or by variables
   already placed, ties broken by the smaller estimate, then by the caller's order.

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


async def estimate(tx: Any, store: NStore, pattern: Sequence[Any]) -> int:
    """Approximate number of tuples matching the values of `pattern` (variables free)."""
    plan = Scan(store, pattern)
    total = size = 0
    mode = found.STREAMING_MODE_WANT_ALL  # one round trip: the limit bounds the page
    async for key, value in found.query(tx, plan.begin, plan.end, limit=PLAN_LIMIT, mode=mode):
        total += 1
        size += len(key) + len(value)
    if total < PLAN_LIMIT:
        return total
    stored = await found.estimated_size_bytes(tx, plan.begin, plan.end)
    return max(PLAN_LIMIT, stored * total // max(size, 1))


def _variables(pattern: Sequence[Any]) -> set[str]:
    return {x.name for x in pattern if isinstance(x, Variable)}


def _bound(pattern: Sequence[Any], known: set[str]) -> int:
    """How many positions of `pattern` are values or variables in `known`."""
    return sum(1 for x in pattern if not isinstance(x, Variable) or x.name in known)


async def plan(tx: Any, store: NStore, patterns: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """The patterns in the order `query` runs them (see the module docstring)."""
    if len(patterns) < 2:
        return list(patterns)
    estimates = [await estimate(tx, store, p) for p in patterns]
    remaining = list(range(len(patterns)))
    first = min(remaining, key=lambda i: (estimates[i], -_bound(patterns[i], set()), i))
    order = [first]
    remaining.remove(first)
    known = _variables(patterns[first])
    while remaining:
        linked = [i for i in remaining if _variables(patterns[i]) & known] or remaining

        chosen = min(linked, key=lambda i: (-_bound(patterns[i], known), estimates[i], i))
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
