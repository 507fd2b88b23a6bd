"""The store handle, variables, and single-tuple writes and reads.

Key layout, flat like every found layer: `pack(prefix) + pack((index_number, *items))` with
the items in that index's order, which equals `pack((*prefix, index_number, *items))` for a
tuple prefix. The prefix may also be a `found.Subspace` or a `DirectorySubspace` (anything with
`.key()`): then every key starts with `subspace.key()`, so the store lives inside it. The value
given to `add` is stored once, in index 0 (the identity order); the other indices map to `b""`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Optional, Union

import found

from ._index import MAX_COLUMNS, Permutation, permutations, prefix_table


class NStoreException(found.BaseFoundException):
    """A misuse of an nstore: wrong item count, a variable where a value is needed, ..."""


class Variable(NamedTuple):
    """A named hole in a pattern; `select` and `query` bind it to the stored values."""

    name: str

    def __repr__(self) -> str:
        return f"?{self.name}"


#: What `make` accepts as a prefix: a tuple or list of packable items, or a subspace.
Prefix = Union[tuple, list, found.Subspace]


#: The raw bytes every key under a prefix starts with (kept under its former nstore name).
prefix_bytes = found.key_prefix


#: The 0.13 spelling: `nstore.var("x")`.
var = Variable


class NStore:
    """Handle over one n-tuple store: its name, key prefix, width and index orderings."""

    __slots__ = (
        "_subspaces",
        "_table",
        "indices",
        "n",
        "name",
        "prefix",
        "queries",
        "raw",
        "shapes",
    )

    def __init__(self, name: str, prefix: Any, n: int) -> None:
        self.name = name
        self.prefix = tuple(prefix) if isinstance(prefix, list) else prefix
        self.raw = found.key_prefix(prefix)
        self.n = n
        self.indices: list[Permutation] = permutations(n)
        self._table: dict[frozenset[int], int] = prefix_table(self.indices)
        # raw prefix + packed `(number,)` per index: the bytes every key of that index starts with
        self._subspaces = [found.pack((i,), self.raw) for i in range(len(self.indices))]
        #: scan recipes by pattern shape, filled by `_template.Template` (see `shape_of`)
        self.shapes: dict[Any, Any] = {}
        #: what queries owe to the shapes of their patterns, filled by `_chain.chain_of`
        self.queries: dict[Any, Any] = {}

    def __repr__(self) -> str:
        return f"<NStore {self.name!r} prefix={self.prefix!r} n={self.n}>"

    def index_for(self, bound: frozenset[int]) -> int:
        """Number of the index whose ordering puts the `bound` positions first."""
        return self._table[bound]

    def subspace(self, number: int) -> bytes:
        """Packed key prefix of index `number`."""
        return self._subspaces[number]

    def key(self, number: int, items: Sequence[Any]) -> bytes:
        """The key of `items` (in column order) in index `number`."""
        order = self.indices[number]
        return self._subspaces[number] + found.pack(tuple(items[i] for i in order))

    def keys(self, items: Sequence[Any], parts: Optional[list[bytes]] = None) -> list[bytes]:
        """The keys of `items` in every index, identity first.

        A packed tuple is the concatenation of its packed elements, so each item is packed
        once and the permutations only reorder bytes. `parts`, when given, are those packed
        items already (`found.pack((item,))` each).
        """
        if parts is None:
            parts = [found.pack((x,)) for x in items]
        return [
            subspace + b"".join([parts[i] for i in order])
            for subspace, order in zip(self._subspaces, self.indices)
        ]


def make(name: str, prefix: Prefix, n: int) -> NStore:
    """Create a handle over the nstore called `name`, stored under `prefix`, with `n` columns.

    `prefix` is a tuple (a list is accepted) of tuple-packable values, or a `found.Subspace`
    or `DirectorySubspace` to keep the store inside it; `name` only helps debugging. Keep the
    handle: building it computes the index orderings.
    """
    if not isinstance(prefix, (tuple, list)) and not callable(getattr(prefix, "key", None)):
        raise NStoreException(
            f"prefix must be a tuple, a list or a Subspace, not {type(prefix).__name__}"
        )
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_COLUMNS:
        raise NStoreException(f"n must be an int between 1 and {MAX_COLUMNS}, not {n!r}")
    return NStore(name, prefix, n)


def check_items(store: NStore, items: Sequence[Any]) -> None:
    """Raise unless `items` is a full tuple of values for `store`."""
    if len(items) != store.n:
        raise NStoreException(f"{store.name}: expected {store.n} items, got {len(items)}")
    for item in items:
        if isinstance(item, Variable):
            raise NStoreException(f"{store.name}: variable {item!r} where a value is needed")


async def add(tx: Any, store: NStore, *items: Any, value: bytes = b"") -> None:
    """Add `items` to `store`, associated with `value` (replacing any previous value)."""
    check_items(store, items)
    if not isinstance(value, bytes):
        raise TypeError(f"value must be bytes, not {type(value).__name__}")
    keys = store.keys(items)
    found.set(tx, keys[0], value)
    for key in keys[1:]:
        found.set(tx, key, b"")


async def remove(tx: Any, store: NStore, *items: Any) -> None:
    """Remove `items` and its value from `store` (nothing happens if it is absent)."""
    check_items(store, items)
    for key in store.keys(items):
        found.clear(tx, key)


async def get(tx: Any, store: NStore, *items: Any) -> Any:
    """The value associated with `items` in `store`, or `None` when `items` is absent."""
    check_items(store, items)
    return await found.get(tx, store.key(0, items))
