"""found.ext.nstore: a store of n-tuples queried by patterns, in the style of a triple store.

Tuples have a fixed width n. Every tuple is written under C(n, n // 2) index orderings, the
fewest that let any pattern (any set of positions given as values, the rest as `var`) be
answered by a single range scan. Patterns chain into joins with `where` and `query`; a
variable used twice, in one pattern or across patterns, means equality.

    store = nstore.make("people", ("app", "people"), 3)
    await nstore.add(tx, store, "alice", "knows", "bob")
    async for b in nstore.query(tx, store, (var("x"), "knows", var("y")), (var("y"), "age", 42)):
        ...

Differences from asyncio-foundationdb 0.13, kept compatible in names and call shapes:

- keys are flat, `(*prefix, index, *items)` (0.13 nested the prefix), and `prefix` may be a
  `found.Subspace` or a directory: the store then lives inside it;
- the value of a tuple is stored once (index 0), not in every index;
- a repeated variable is an equality constraint (0.13 let the last position win);
- `query` orders its patterns by estimated selectivity unless `ordered=True`;
- new: `count`, `load` (bulk loading in batches sized to the transaction limits), `scan`,
  and pages: `select(..., limit=, after=)`.
"""

from __future__ import annotations

from ._load import LoadProgress, load
from ._query import plan, query
from ._select import count, scan, select, where
from ._store import (
    NStore,
    NStoreException,
    Prefix,
    Variable,
    add,
    get,
    make,
    prefix_bytes,
    remove,
    var,
)

__all__ = [
    "LoadProgress",
    "NStore",
    "NStoreException",
    "Prefix",
    "Variable",
    "add",
    "count",
    "get",
    "load",
    "make",
    "plan",
    "prefix_bytes",
    "query",
    "remove",
    "scan",
    "select",
    "var",
    "where",
]
