"""found.ext.vnstore: versioned n-tuples, changed through change-sets, with time travel.

A vnstore holds tuples of a fixed set of named columns. Nothing is written directly: a
change is created (`change_create`), tuples are added and removed in it (`add`, `remove`,
possibly over many transactions with `change_continue`), and `change_apply` makes all of it
the latest state at once. Until then the change is invisible to every other reader, while the
transactions that continue it see its own additions and removals over the latest state.

Guarantee (this replaces the "known issues" of asyncio-foundationdb 0.13):

- changes are applied in a serializable order, the commit order of `change_apply`, and each
  applied change's `significance` is that commit's versionstamp;
- `change_apply(c)` succeeds only if no change applied after a read of `c` (any `select`,
  `ask`, `get`, `where`, `query`, `add` or `remove` made while `c` was active) added or
  removed a tuple that the read's pattern covers; otherwise it raises `ChangeConflict`,
  writes nothing, and `c` stays pending. A change that only adds and removes tuples
  conflicts exactly with later-applied changes touching the same tuples.
- Reads made without an active change see the latest state and are not recorded: like any
  FoundationDB read they are serializable within their own transaction only.

Every state of the past stays queryable: pass `as_of=` an applied change's id to `select`,
`ask`, `get`, `where` or `query`, and `diff` lists what changed between two points.

Key layout and internals: `_store` (layout), `_changes`, `_view` (reads), `_write`,
`_apply` (conflict check and effects), `_history` (time travel and diff).
"""

from __future__ import annotations

from found.ext.nstore import Variable, var

from ._apply import change_apply
from ._changes import (
    change_abort,
    change_changes,
    change_continue,
    change_create,
    change_get,
    change_list,
    change_message,
)
from ._history import Delta, diff
from ._revert import change_revert
from ._store import (
    ChangeApplied,
    ChangeConflict,
    ChangeNotFound,
    NoActiveChange,
    VNStore,
    VNStoreException,
    make,
)
from ._view import Query, ask, get, query, select, where
from ._write import add, remove

__all__ = [
    "ChangeApplied",
    "ChangeConflict",
    "ChangeNotFound",
    "Delta",
    "NoActiveChange",
    "Query",
    "VNStore",
    "VNStoreException",
    "Variable",
    "add",
    "ask",
    "change_abort",
    "change_apply",
    "change_changes",
    "change_continue",
    "change_create",
    "change_get",
    "change_list",
    "change_message",
    "change_revert",
    "diff",
    "get",
    "make",
    "query",
    "remove",
    "select",
    "var",
    "where",
]
