"""Incremental garbage collection of versions that fell out of the 5-second window.

The committer calls `collect` inside every write batch with a bounded budget, so the work is
spread over commits and the database stays proportional to the live data plus five seconds
of history.

The collector walks ``kv`` rows in (version, key) order up to the horizon
``last_version - WINDOW``, remembering its cursor ``(gc_version, gc_key)`` in ``meta``. For
each row (k, v) it visits, it deletes the rows of k older than v (superseded for every read
at a version >= v) and, when the row is a tombstone, the row itself (a read at >= v then
finds no row, which also means absent).

Invariants:

- a read at a version r that is not too old (`versions.too_old`) returns what it returned
  before the pass: a removed row was superseded by, or is, a row at some version
  c <= gc_version <= horizon; c > r would make r too old, so c <= r and the row was
  invisible at r anyway;
- ``gc_version`` <= horizon, so every read version inside the window stays readable;
- log rows at or below the horizon are deleted oldest first; ``log_floor`` is the newest
  deleted, so every log row > ``log_floor`` is still present (watch pollers rely on it).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Optional

from .schema import rows

_NEXT_ROWS = (
    "SELECT version, key, value IS NULL FROM kv INDEXED BY kv_by_version"
    " WHERE version <= :horizon AND (version > :gc_version OR (version = :gc_version"
    " AND key > :gc_key)) ORDER BY version, key LIMIT :budget"
)
_DELETE_SUPERSEDED = (
    "DELETE FROM kv WHERE key = :key AND (version < :version OR (version = :version"
    " AND :tombstone))"
)
_OLD_LOG = "SELECT version FROM log WHERE version <= ? ORDER BY version LIMIT ?"


def collect(
    conn: sqlite3.Connection,
    horizon: int,
    cursor: tuple[int, Optional[bytes]],
    log_floor: int,
    budget: int,
) -> tuple[tuple[int, Optional[bytes]], int, int]:
    """Do up to `budget` rows of collection below `horizon`, inside the caller's transaction.

    `cursor` is (gc_version, gc_key): rows up to it were visited (gc_key None: all of
    gc_version). Returns the new cursor, the new log_floor and the number of rows visited.
    The caller stores both in ``meta`` in the same transaction.
    """
    gc_version, gc_key = cursor
    if horizon <= gc_version and gc_key is None:
        return cursor, _collect_log(conn, horizon, log_floor, budget), 0
    bounds = {"horizon": horizon, "gc_version": gc_version, "gc_key": gc_key, "budget": budget}
    visited: Any = rows(conn, _NEXT_ROWS, bounds)
    if visited:
        conn.executemany(
            _DELETE_SUPERSEDED,
            [{"key": k, "version": v, "tombstone": dead} for v, k, dead in visited],
        ).close()
    if len(visited) < budget:
        # Everything at or below the horizon has been visited.
        new_cursor: tuple[int, Optional[bytes]] = (max(horizon, gc_version), None)
    else:
        new_cursor = (visited[-1][0], visited[-1][1])
    return new_cursor, _collect_log(conn, horizon, log_floor, budget), len(visited)


def _collect_log(conn: sqlite3.Connection, horizon: int, log_floor: int, budget: int) -> int:
    """Delete up to `budget` log rows at or below `horizon`; the new log_floor."""
    if horizon <= log_floor:
        return log_floor
    old = rows(conn, _OLD_LOG, (horizon, budget))
    if not old:
        return log_floor
    newest = old[-1][0]
    rows(conn, "DELETE FROM log WHERE version <= ?", (newest,))
    return max(log_floor, newest)
