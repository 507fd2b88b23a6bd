"""The static side of a query: what a chain of patterns owes to its shape alone.

A pattern's shape is which positions hold values and the names of the variables elsewhere
(`shape_key`). What `query` and its planner derive from the shapes of a chain — the
variables of each pattern, how many values it has, the order in which a first pattern is
looked for, the join order that bound positions decide by themselves once the first pattern
is chosen, and the variables each join knows — is computed once per store and chain shape
(`NStore.queries`) and reused by every later query of that shape, whose values and counts
are all that differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from ._store import NStore, NStoreException, Variable

#: Chain shapes remembered per store at most (then forgotten all at once).
MAX_CHAINS = 1_024

ShapeKey = tuple[Optional[str], ...]


def shape_key(pattern: Sequence[Any]) -> ShapeKey:
    """The shape of `pattern`: per position, its variable's name, or None for a value."""
    return tuple([x.name if isinstance(x, Variable) else None for x in pattern])


class Chain:
    """The shape of a chain of patterns, and what follows from it (see the module doc)."""

    __slots__ = ("_orders", "_steps", "by_values", "keys", "names", "values")

    def __init__(self, keys: tuple[ShapeKey, ...]) -> None:
        self.keys = keys
        #: per pattern, the names of its variables, one per position holding one
        self.names = [[name for name in key if name is not None] for key in keys]
        #: per pattern, how many positions hold values
        self.values = [len(key) - len(names) for key, names in zip(keys, self.names)]
        #: the patterns, most values first (ties: the caller's order)
        self.by_values = sorted(range(len(keys)), key=self.values.__getitem__, reverse=True)
        self._orders: dict[int, Optional[list[int]]] = {}
        self._steps: dict[tuple[int, ...], list[tuple[int, frozenset[str]]]] = {}

    def ranks(self, remaining: list[int], known: set[str]) -> dict[int, int]:
        """The next-pattern candidates among `remaining`: those sharing a variable with
        `known` (all of them when none does), each ranked by minus its bound positions
        (values, and variables in `known`), so the smallest rank goes first."""
        names, values = self.names, self.values
        linked = [i for i in remaining if not known.isdisjoint(names[i])] or remaining
        return {i: -values[i] - sum([1 for name in names[i] if name in known]) for i in linked}

    def order_after(self, first: int) -> Optional[list[int]]:
        """The join order from `first` when bound positions alone decide every step; None
        when some step is a tie that only sizes can break."""
        if first in self._orders:
            return self._orders[first]
        order: Optional[list[int]] = [first]
        remaining = [i for i in range(len(self.keys)) if i != first]
        known = set(self.names[first])
        while remaining and order is not None:
            ranks = self.ranks(remaining, known)
            best = min(ranks.values())
            tied = [i for i in ranks if ranks[i] == best]
            if len(tied) > 1:
                order = None
                break
            order.append(tied[0])
            remaining.remove(tied[0])
            known.update(self.names[tied[0]])
        self._orders[first] = order
        return order

    def steps(self, order: Sequence[int]) -> list[tuple[int, frozenset[str]]]:
        """For each pattern after the first in `order`: its index and the variables the
        patterns before it give values to."""
        key = tuple(order)
        steps = self._steps.get(key)
        if steps is None:
            steps = []
            known = set(self.names[key[0]])
            for i in key[1:]:
                steps.append((i, frozenset(known.intersection(self.names[i]))))
                known.update(self.names[i])
            self._steps[key] = steps
        return steps


def chain_of(store: NStore, patterns: Sequence[Sequence[Any]]) -> Chain:
    """The `Chain` of `patterns` in `store` (cached); NStoreException for a wrong width,
    before anything is read."""
    # one pattern (the commonest query) without a list comprehension
    keys = (shape_key(patterns[0]),) if len(patterns) == 1 else tuple(map(shape_key, patterns))
    chain = store.queries.get(keys)
    if chain is None:
        for key in keys:
            if len(key) != store.n:
                raise NStoreException(f"{store.name}: expected {store.n} items, got {len(key)}")
        chain = Chain(keys)
        if len(store.queries) >= MAX_CHAINS:
            store.queries.clear()
        store.queries[keys] = chain
    return chain
