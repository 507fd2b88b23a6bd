"""The vnstore handle, its errors, and its key layout.

Keys are flat, like every found layer's: `pack(prefix) + pack(rest)` (that is
`pack((*prefix, *rest))` for a tuple prefix), or `subspace.key() + pack(rest)` when the prefix
is a `found.Subspace` or a directory, so the whole store lives inside it. The rests:

- `("head", index, ...)`: an nstore of the tuples alive now (the latest applied state);
- `("change", changeid, field)`: a change's `"message"`, and once applied its
  `"significance"` (the commit's versionstamp, written with `set_versionstamped_value`);
- `("ops", changeid, alive, index, ...)`: two nstores per change, the tuples it adds
  (`alive=True`) and removes (`alive=False`);
- `("read", changeid, pattern)`: what a pending change has read, with the last applied
  change's versionstamp at the time of the read (for conflict detection);
- `("log", versionstamp)` -> changeid: applied changes in commit order;
- `("history", index, *items, added, removed)`: one row per interval of life of a tuple, in
  every index order; `removed` is None while the tuple is alive.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Optional

import found
from found.ext import nstore

#: `tr.vars` key of the change that `add` and `remove` write to (the 0.13 name).
ACTIVE = "vnstore_changeid"


class VNStoreException(found.BaseFoundException):
    """A misuse of a vnstore, or a change that cannot be applied."""


class ChangeNotFound(VNStoreException):
    """No change has this id in this store."""


class ChangeApplied(VNStoreException):
    """The change is already applied, so it cannot be modified any more."""


class NoActiveChange(VNStoreException):
    """`add` or `remove` without `change_create` or `change_continue` in this transaction."""


class ChangeConflict(VNStoreException):
    """A change applied after this change read something changed what it read.

    `other` is the id of that change, `items` the tuple it added or removed.
    """

    def __init__(self, changeid: uuid.UUID, other: uuid.UUID, items: tuple[Any, ...]) -> None:
        self.changeid = changeid
        self.other = other
        self.items = items
        super().__init__(
            f"change {changeid} conflicts with change {other}, applied since it read {items!r}"
        )


class VNStore:
    """Handle over one versioned n-tuple store."""

    def __init__(self, name: str, prefix: Any, items: list[str]) -> None:
        self.name = name
        self.prefix = tuple(prefix) if isinstance(prefix, list) else prefix
        #: the raw bytes every key of the store starts with, and the subspace over them
        self.raw = found.key_prefix(prefix, what="vnstore prefix")
        self.skip = len(self.raw)
        self.space = found.Subspace(rawPrefix=self.raw)
        self.items = items
        self.n = len(items)
        self.head = nstore.make(f"{name}-head", self.space.subspace(("head",)), self.n)
        self.indices = self.head.indices
        # key prefixes: every key of that part starts with these bytes
        self.changes = self.space.pack(("change",))
        self.log = self.space.pack(("log",))
        self.reads = self.space.pack(("read",))
        self.history = [self.space.pack(("history", i)) for i in range(len(self.indices))]

    def __repr__(self) -> str:
        return f"<VNStore {self.name!r} prefix={self.prefix!r} items={self.items!r}>"

    def ops(self, changeid: uuid.UUID, alive: bool) -> nstore.NStore:
        """The nstore of the tuples `changeid` adds (`alive`) or removes."""
        space = self.space.subspace(("ops", changeid, alive))
        return nstore.make(f"{self.name}-ops", space, self.n)

    def change_key(self, changeid: uuid.UUID, field: str) -> bytes:
        """Key of one field (`"message"`, `"significance"`) of change `changeid`.

        The fields of a change are adjacent keys, so one range read gets them all."""
        return self.space.pack(("change", changeid, field))

    def read_key(self, changeid: uuid.UUID, pattern: tuple[Any, ...]) -> bytes:
        """Key recording that pending change `changeid` read `pattern`.

        `pattern` holds per position a value, or None for a variable; at apply time these
        records are checked against the changes applied since, to detect conflicts."""
        return self.space.pack(("read", changeid, pattern))

    def check(self, items: Sequence[Any]) -> None:
        """Raise unless `items` (a pattern) has one entry per column."""
        if len(items) != self.n:
            raise VNStoreException(f"{self.name}: expected {self.n} items, got {len(items)}")

    def check_values(self, items: Sequence[Any]) -> None:
        """Raise unless `items` is a full tuple of values (no variables)."""
        self.check(items)
        for item in items:
            if isinstance(item, nstore.Variable):
                raise VNStoreException(f"{self.name}: variable {item!r} where a value is needed")


def make(name: str, prefix: nstore.Prefix, items: Sequence[str]) -> VNStore:
    """Create a handle over the vnstore `name` under `prefix`, with columns named `items`.

    `prefix` is a tuple (a list is accepted: 0.13 failed on tuples), or a `found.Subspace` or
    `DirectorySubspace` to keep the store inside it; keep the handle.
    """
    if not isinstance(prefix, (tuple, list)) and not callable(getattr(prefix, "key", None)):
        raise VNStoreException(
            f"prefix must be a tuple, a list or a Subspace, not {type(prefix).__name__}"
        )
    if not isinstance(items, (tuple, list)) or not items:
        raise VNStoreException("items must be a non-empty list of column names")
    return VNStore(name, prefix, list(items))


def stamp_order(stamp: Optional[Any]) -> bytes:
    """Bytes that sort like versionstamps; None (no change applied yet) sorts first."""
    return b"" if stamp is None else found.pack((stamp,))


def same(a: Any, b: Any) -> bool:
    """Tuple-layer equality: `1`, `1.0` and `True` are different values."""
    return found.pack((a,)) == found.pack((b,))


def substitute(pattern: Sequence[Any], bindings: Optional[Mapping[str, Any]]) -> tuple[Any, ...]:
    """`pattern` with the variables that `bindings` knows replaced by their values."""
    if not bindings:
        return tuple(pattern)
    return tuple(
        bindings[x.name] if isinstance(x, nstore.Variable) and x.name in bindings else x
        for x in pattern
    )
