"""Garbage collection of the versions that fell out of the 5-second window.

At a horizon H (newest commit - WINDOW) the collector removes, oldest first, the log rows
at or below H and the history rows of their commits, and raises ``log_floor`` to the newest
log row it removed. Both tables are in commit order, so this deletes from the front of two
append-only B-trees: no key is looked up, and the pages it writes are the oldest ones,
whatever the keys. It runs inside the committer's transaction every few commits
(`Committer`), with a budget proportional to the writes since its last run.

Invariants:

- a read at a version r that is not too old (`versions.too_old`) returns what it returned
  before: a removed history row has ``until`` = c, a commit <= H; it is only read at
  versions < c, and c > r would make r too old (a commit in (r, H]);
- a commit's history rows are removed with its log row (ids below that row's
  ``history_to``), except the row with the largest id, which stays so that SQLite never
  restarts ids at 1; no read reaches it (`schema`);
- log rows are deleted oldest first and only at or below H, never the newest commit's;
  ``log_floor`` is the newest deleted, so every log row > ``log_floor`` is still present
  (watch pollers and 1007 rely on it).

A run works in whole commits: it stops at the commit where `budget` history rows (or log
rows) have been passed, that commit included. A commit that wrote a very large number of
before-images (clearing a million keys) is removed in one run, as it was written in one.
"""

from __future__ import annotations

import sqlite3
from typing import Optional

from .schema import rows

#: Fewest rows a collector run may remove; commits add to it (see `Committer`).
MIN_BUDGET = 256

# The `?`-th (0-based) log row in (log_floor, H], parameters (log_floor, H, offset); the
# commit of the `?`-th history row (ids follow commit order).
_NTH_LOG = (
    "SELECT version FROM log WHERE version > ? AND version <= ? ORDER BY version LIMIT 1 OFFSET ?"
)
_NTH_HISTORY = "SELECT until FROM history ORDER BY id LIMIT 1 OFFSET ?"
# History rows of the commits up to ? (below its log row's history_to), but not the last.
_DELETE_HISTORY = (
    "DELETE FROM history WHERE id < MIN((SELECT history_to FROM log WHERE version = ?),"
    " (SELECT MAX(id) FROM history))"
)
_NEWEST_LOG = "SELECT MAX(version) FROM log WHERE version <= ?"
_SAVE = (
    "UPDATE meta SET log_floor = ?, clears_floor = (SELECT clears FROM log WHERE version = ?)"
    " WHERE id = 0"
)


def collect(conn: sqlite3.Connection, horizon: int, log_floor: int, budget: int) -> int:
    """Remove history and log rows at or below `horizon`, about `budget` rows of each at
    most (whole commits), oldest first; store and return the new ``log_floor``. Call inside
    the committer's write transaction."""
    budget = max(1, budget)
    cut = _nth(rows(conn, _NTH_LOG, (log_floor, horizon, budget - 1)))
    if cut is None:
        cut = _nth(rows(conn, _NEWEST_LOG, (horizon,)))
        if cut is None or cut <= log_floor:
            # No log row to remove: history rows cannot be older than the log (invariant).
            return log_floor
    bound = _nth(rows(conn, _NTH_HISTORY, (budget - 1,)))
    if bound is not None and log_floor < bound < cut:  # out of budget first: stop there
        cut = bound  # a commit with its log row (a row above log_floor has one)
    rows(conn, _DELETE_HISTORY, (cut,))
    rows(conn, _SAVE, (cut, cut))
    rows(conn, "DELETE FROM log WHERE version <= ?", (cut,))
    return cut


def _nth(found: list[tuple[Optional[int]]]) -> Optional[int]:
    """The single value of a one-column result, None if there is no row or it is NULL."""
    return found[0][0] if found else None
