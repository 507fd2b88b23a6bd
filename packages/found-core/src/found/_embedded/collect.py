"""Garbage collection of versions that fell out of the 5-second window.

Two collectors share one deletion rule. At a horizon H (newest commit - WINDOW), for a key
k, every row of k at a version < v* is removed, v* being k's newest row at or below H, and
so is the row at v* when it is a tombstone. Both run inside the committer's transaction.

- on write (`on_write`): a commit that sets keys first applies the rule to those keys. Their
  old rows sit on the B-tree pages the commit is about to write anyway, so keeping
  frequently written keys short costs no extra page writes (and so no extra fsync'd bytes).
- from the log (`LogCollector`): the log rows at or below H are the work list. For each,
  in version order, the rule is applied to the key ranges it touched; then the row is
  deleted and ``log_floor`` moves up to it. This reaches keys nobody writes again
  (tombstones, bursts of writes). It runs every few commits with a budget proportional to the writes
  since its last run, and remembers its position inside a large log row (``gc_key``).

Invariants:

- a read at a version r that is not too old (`versions.too_old`) returns what it returned
  before: a removed row was superseded by, or is, a tombstone at some commit c <= H; c > r
  would make r too old (a commit in (r, H]), so c <= r and the row was invisible at r;
- every kv row was written by a commit whose log row lists its key (touched ranges), so
  once the log is processed up to H, each key keeps at most one row at or below H;
- log rows are deleted oldest first and only at or below H; ``log_floor`` is the newest
  deleted, so every log row > ``log_floor`` is still present (watch pollers rely on it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple, Optional

from .conflicts import Range, decode
from .schema import rows

#: The rule for one key at a horizon; parameters (key, horizon, key, horizon). The
#: subquery is computed once.
_ONE_KEY = (
    "DELETE FROM kv WHERE key = ? AND version <= ? AND (value IS NULL OR version <"
    " (SELECT MAX(version) FROM kv WHERE key = ? AND version <= ?))"
)
#: The rule for the keys of a range; parameters (begin, end, horizon, horizon).
_RANGE = (
    "DELETE FROM kv WHERE key >= ? AND key < ? AND version <= ? AND (value IS NULL OR"
    " EXISTS (SELECT 1 FROM kv AS newer WHERE newer.key = kv.key"
    " AND newer.version > kv.version AND newer.version <= ?))"
)
#: Rows in [begin, end), counting no further than a limit; parameters (begin, end, limit).
_COUNT = "SELECT COUNT(*) FROM (SELECT 1 FROM kv WHERE key >= ? AND key < ? LIMIT ?)"
#: The key `offset` rows into [begin, end): where a bounded piece of a wide range ends.
_SPLIT = "SELECT key FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT 1 OFFSET ?"
_NEXT_LOG = (
    "SELECT version, conflicts, touched FROM log WHERE version > ? AND version <= ?"
    " ORDER BY version LIMIT ?"
)
_SAVE = "UPDATE meta SET log_floor = ?, gc_key = ? WHERE id = 0"
#: Most single keys swept by one statement.
_RUN = 256
#: Fewest rows a collector run may visit; commits add to it (see `Committer`).
MIN_BUDGET = 256


def on_write(conn: sqlite3.Connection, keys: Sequence[bytes], horizon: int) -> None:
    """Apply the rule to `keys` (about to be written) at `horizon`."""
    conn.executemany(_ONE_KEY, [(key, horizon, key, horizon) for key in keys]).close()


class Position(NamedTuple):
    """Where the log collector stands: log rows <= `log_floor` are done and deleted; inside
    the next one, ranges (and the part of a wide range) below `key` are done."""

    log_floor: int
    key: Optional[bytes]


class LogCollector:
    """Runs `collect` passes; keeps the decoded ranges of the log row it is inside of, so
    a large row worked through over several passes is decoded once."""

    def __init__(self) -> None:
        self._cached: tuple[int, list[Range]] = (0, [])

    def run(
        self, conn: sqlite3.Connection, horizon: int, position: Position, budget: int
    ) -> Position:
        """Process log rows at or below `horizon`, visiting about `budget` rows, and store
        the new position in ``meta``. Call inside the committer's write transaction."""
        floor, resume = position
        done = floor
        entries: list[Any] = rows(conn, _NEXT_LOG, (floor, horizon, max(1, budget // 4)))
        for version, conflicts, touched in entries:
            if self._cached[0] == version:
                ranges = self._cached[1]
            else:
                ranges = decode(conflicts if touched is None else touched)
            resume, budget = _ranges(conn, ranges, horizon, resume, budget)
            if resume is not None:  # out of budget inside this log row
                self._cached = (version, ranges)
                break
            done = version
        if done > floor:
            rows(conn, "DELETE FROM log WHERE version <= ?", (done,))
        new = Position(done, resume)
        if new != position:
            rows(conn, _SAVE, new)
        return new


def _ranges(
    conn: sqlite3.Connection,
    ranges: list[Range],
    horizon: int,
    resume: Optional[bytes],
    budget: int,
) -> tuple[Optional[bytes], int]:
    """Apply the rule over `ranges` from `resume` on; (where it stopped or None, budget
    left). Runs of single keys are swept as one range when that range holds few other
    rows (a bulk load's keys), else key by key; wide ranges go in bounded pieces."""
    pending: list[bytes] = []
    stop: Optional[bytes] = None
    for begin, end in ranges:
        if resume is not None:
            if end <= resume:
                continue
            begin = max(begin, resume)
        if budget <= 0:
            stop = begin
            break
        if end == begin + b"\x00":
            pending.append(begin)
            budget -= 1
            if len(pending) >= _RUN:
                budget -= _keys(conn, pending, horizon)
                pending = []
            continue
        budget -= _keys(conn, pending, horizon)
        pending = []
        count = rows(conn, _COUNT, (begin, end, budget + 1))[0][0]
        if count > budget:  # a bounded piece of the range
            split = rows(conn, _SPLIT, (begin, end, budget))[0][0]
            rows(conn, _RANGE, (begin, split, horizon, horizon))
            stop, budget = split, 0
            break
        rows(conn, _RANGE, (begin, end, horizon, horizon))
        budget -= max(1, count)
    budget -= _keys(conn, pending, horizon)
    return stop, budget


def _keys(conn: sqlite3.Connection, keys: list[bytes], horizon: int) -> int:
    """Apply the rule to the sorted `keys`; the rows visited beyond one per key."""
    if len(keys) >= 8:
        begin, end = keys[0], keys[-1] + b"\x00"
        count = rows(conn, _COUNT, (begin, end, 4 * len(keys) + 1))[0][0]
        if count <= 4 * len(keys):
            rows(conn, _RANGE, (begin, end, horizon, horizon))
            return max(0, count - len(keys))
    if keys:
        on_write(conn, keys, horizon)
    return 0
