"""Conjunctive queries: several patterns joined on their shared variables.

Unless the caller passes `ordered=True`, `query` picks the order of the patterns itself, once,
before reading any result:

1. each pattern's cardinality is estimated from the values it holds (its variables unbound):
   `found.estimated_size_bytes` of its range when that range is large enough for the estimate
   to mean something (3 MB and up), otherwise an exact count stopped at `PLAN_LIMIT` rows;
2. the first pattern is the one with the smallest estimate;
3. each next pattern is, among those sharing a variable with the patterns already placed (all
   of them when none does), the one with the most positions bound by values or by variables
   already placed, ties broken by the smaller estimate, then by the caller's order.

Planning reads at most `PLAN_LIMIT` keys per pattern and adds those reads to the transaction's
read conflicts. With a single pattern, or with `ordered=True`, nothing is estimated and the
patterns run in the caller's order: the first one is scanned, every other one joins.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import found

from ._select import Bindings, Scan, select, where
from ._store import NStore, Variable

#: Range size in bytes from which `estimated_size_bytes` is trusted (FoundationDB samples).
TRUST_ESTIMATE_BYTES = 3_000_000
#: Most keys read to count one pattern's matches while planning.
PLAN_LIMIT = 1_000


async def estimate(tx: Any, store: NStore, pattern: Sequence[Any]) -> int:
    """Approximate number of tuples matching the values of `pattern` (variables free)."""
    plan = Scan(store, pattern)
    size = await found.estimated_size_bytes(tx, plan.begin, plan.end)
    if size >= TRUST_ESTIMATE_BYTES:
        # a key is the subspace plus the packed items: take twice the range prefix as a guess
        return max(PLAN_LIMIT, size // (2 * len(plan.begin) + 8))
    total = 0
    async for _ in found.query(tx, plan.begin, plan.end, limit=PLAN_LIMIT):
        total += 1
    return total


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
    first = min(remaining, key=lambda i: (estimates[i], i))
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
