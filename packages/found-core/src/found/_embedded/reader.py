"""The read side of the engine: snapshot reads on a connection of their own.

Every method runs on the caller's thread (the event loop: no thread hop) against one SQLite
connection in autocommit mode, guarded by a lock so another thread may call too.

Invariants:

- on an event loop, the reads of one loop iteration share one SQLite read transaction
  (``BEGIN`` at the first, ``COMMIT`` by a callback at the start of the next iteration):
  one snapshot instead of one per statement, which is most of a point read's cost. No read
  transaction outlives a loop iteration, so WAL checkpoints are never held back for long;
  off a loop each read is autocommit. A GRV (`last_version`) always starts a fresh snapshot,
  so it sees every commit acknowledged before it, even one learned without a loop turn
  (another process, a blocking call); a read that finds its version beyond the shared
  snapshot's newest commit retries once in a fresh one before saying 1009. A commit of this
  process is acknowledged in a later iteration than any snapshot it missed. Every cursor is
  exhausted or closed (`schema.rows`);
- a read checks its version in a snapshot no older than its data's: a point read in the
  same statement (the version columns come from ``meta``), a range read in the statement
  right after its rows. That is enough because refusal only grows with time: a later
  snapshot has a larger ``last_version`` and keeps every log row of the window, or raises
  ``log_floor`` past the rows it collected, so a version it accepts (not beyond the newest
  commit: 1009; not `versions.too_old`: 1007) was readable when the rows were read;
- reads at a version see the newest row at or below it per key; tombstones read as absent.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any, Optional

from .._errors import error
from . import schema
from .conflicts import Range, coalesce, decode
from .schema import rows
from .versions import NEWER_COMMIT_SQL, too_old

# Numbered parameters (?1 = read version, ?2 = key) bind from a tuple: cheaper than a dict.
_NEWER = NEWER_COMMIT_SQL.replace(":rv", "?1")
_STATE = f"(SELECT {schema.LAST_SQL} AS last_version, log_floor FROM meta WHERE id = 0)"
_GET = (
    "SELECT (SELECT value FROM kv WHERE key = ?2 AND version <= ?1 ORDER BY version DESC"
    f" LIMIT 1), last_version, log_floor, {_NEWER} FROM {_STATE}"
)
_LATEST = "SELECT value FROM kv WHERE key = ? ORDER BY version DESC LIMIT 1"
_LAST = f"SELECT {schema.LAST_SQL} FROM meta WHERE id = 0"
_WINDOW = f"SELECT last_version, log_floor, {_NEWER} FROM {_STATE}"
# Every row at or below the read version, in index order: (key, version) ascending, or both
# descending. No GROUP BY: Python keeps the newest row of each key (`_newest`), which lets
# SQLite stream the primary key index with no aggregate per row.
_RANGE = (
    "SELECT key, value FROM kv WHERE key >= ? AND key < ? AND version <= ?"
    " ORDER BY key {0}, version {0} LIMIT ?"
)
_RANGE_FORWARD, _RANGE_REVERSE = _RANGE.format("ASC"), _RANGE.format("DESC")
_SIZES = (
    "SELECT key, length(key) + length(value), MAX(version) FROM kv WHERE key >= ? AND key < ?"
    " GROUP BY key HAVING value IS NOT NULL ORDER BY key"
)


def check_version(version: int, last: int, log_floor: int, newer: int) -> None:
    """Raise 1009 / 1007 for a read version the snapshot (last, log_floor, newer) refuses."""
    if version > last:
        raise error(1009)
    if too_old(version, last, log_floor, bool(newer)):
        raise error(1007)


def _newest(
    batch: list[tuple[bytes, bytes]], reverse: bool, boundary: Optional[bytes]
) -> list[tuple[bytes, bytes]]:
    """The newest live (key, value) of each key in `batch` (rows in index order), in the
    batch's key order, without `boundary` (a key whose rows may continue past the batch)."""
    if reverse:
        batch.reverse()  # (key, version) ascending: a dict keeps the last, newest, value
    newest = dict(batch)
    if boundary is not None:
        del newest[boundary]
    if None in newest.values():
        pairs = [(key, value) for key, value in newest.items() if value is not None]
    else:
        pairs = list(newest.items())
    if reverse:
        pairs.reverse()
    return pairs


class Reader:
    """Snapshot reads of one engine (see the module docstring)."""

    def __init__(self, path: str):
        self._conn: Optional[sqlite3.Connection] = schema.connect(path, readonly=True)
        self._lock = threading.Lock()
        self._held: Optional[int] = None  # thread whose loop iteration holds a snapshot

    def close(self) -> None:
        """Close the connection; later reads fail with 1000. Idempotent."""
        with self._lock:
            self._end()
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def _rows(self, sql: str, args: Any = ()) -> list[Any]:
        conn = self._conn
        if conn is None:
            raise error(1000, "the database is closed")
        return rows(conn, sql, args)

    def _end(self) -> None:
        """Close the shared snapshot, if any (call with the lock held)."""
        if self._held is not None:
            self._held = None
            conn = self._conn
            if conn is not None and conn.in_transaction:
                rows(conn, "COMMIT")

    def _release(self) -> None:
        with self._lock:
            self._end()

    def _snapshot(self, fresh: bool) -> sqlite3.Connection:
        """The connection, inside the shared snapshot of this loop iteration (a new one when
        `fresh`), or in autocommit mode off an event loop. Call with the lock held."""
        conn = self._conn
        if conn is None:
            raise error(1000, "the database is closed")
        thread = threading.get_ident()
        if self._held is not None:
            if self._held == thread and not fresh:
                return conn
            self._end()  # another thread's snapshot, or a fresh one wanted
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return conn
        loop.call_soon(self._release)
        rows(conn, "BEGIN")
        self._held = thread
        return conn

    def last_version(self) -> int:
        """The newest committed version, in any process (a fresh snapshot)."""
        with self._lock:
            return int(rows(self._snapshot(True), _LAST)[0][0])

    def check_read_version(self, version: int) -> None:
        """1009 if `version` is beyond the newest commit, 1007 if it left the window."""
        with self._lock:
            last, log_floor, newer = rows(self._snapshot(False), _WINDOW, (version,))[0]
            if version > last:
                last, log_floor, newer = rows(self._snapshot(True), _WINDOW, (version,))[0]
        check_version(version, last, log_floor, newer)

    def get(self, key: bytes, version: int) -> Optional[bytes]:
        """The value of `key` as of `version` (None when absent)."""
        with self._lock:
            for fresh in (False, True):
                cursor = self._snapshot(fresh).execute(_GET, (version, key))
                try:
                    value, last, log_floor, newer = cursor.fetchone()  # exactly one row
                finally:
                    cursor.close()
                if version <= last:
                    break
        if version > last or newer or version < log_floor:
            check_version(version, last, log_floor, newer)
        return value

    def get_range(
        self, begin: bytes, end: bytes, version: int, limit: int, reverse: bool
    ) -> list[tuple[bytes, bytes]]:
        """Pairs in [begin, end) as of `version`, in key order (descending when `reverse`),
        at most `limit` of them (0: all)."""
        if limit < 0:
            raise ValueError("limit must be >= 0")
        with self._lock:
            found, last, log_floor, newer = self._range(begin, end, version, limit, reverse, False)
            if version > last:
                found, last, log_floor, newer = self._range(
                    begin, end, version, limit, reverse, True
                )
        check_version(version, last, log_floor, newer)
        return found[:limit] if limit else found

    def _range(
        self, begin: bytes, end: bytes, version: int, limit: int, reverse: bool, fresh: bool
    ) -> tuple[list[tuple[bytes, bytes]], int, int, int]:
        """`get_range`'s rows and the snapshot's (last, log_floor, newer), with the lock."""
        conn = self._snapshot(fresh)
        found: list[tuple[bytes, bytes]] = []
        fetch = limit + 1 if limit else -1  # one row more: see whether the last key is whole
        sql = _RANGE_REVERSE if reverse else _RANGE_FORWARD
        while begin < end:
            batch = rows(conn, sql, (begin, end, version, fetch))
            boundary = batch[-1][0] if 0 < fetch <= len(batch) else None
            found.extend(_newest(batch, reverse, boundary))
            if boundary is None or len(found) >= limit:
                break
            # The boundary key may have more rows: read it again, whole, next time.
            if reverse:
                end = boundary + b"\x00"
            else:
                begin = boundary
            fetch *= 2
        # The version check, in a snapshot at least as new as the rows' (module doc).
        last, log_floor, newer = rows(conn, _WINDOW, (version,))[0]
        return found, last, log_floor, newer

    def sizes(self, begin: bytes, end: bytes) -> list[tuple[bytes, int]]:
        """(key, len(key) + len(value)) of the live keys in [begin, end); 2005 if inverted."""
        if begin > end:
            raise error(2005)
        with self._lock:
            self._end()
            found = self._rows(_SIZES, (begin, end)) if begin < end else []
        return [(key, size) for key, size, _ in found]

    def latest(self, key: bytes) -> Optional[bytes]:
        """The newest committed value of `key` (for watches)."""
        with self._lock:
            self._end()
            found = self._rows(_LATEST, (key,))
        return found[0][0] if found else None

    def data_version(self) -> int:
        """SQLite's counter of commits made through other connections."""
        with self._lock:
            self._end()
            return int(self._rows("PRAGMA data_version")[0][0])

    def changes_since(self, version: int) -> tuple[int, Optional[list[Range]]]:
        """(newest version, ranges changed by commits after `version`, or None if some of
        those commits' log rows were already collected). `version` < 0: just the newest."""
        with self._lock:
            self._end()
            self._rows("BEGIN")
            try:
                last, log_floor, _gc_key, _oldest = self._rows(schema.META_SQL)[0]
                if version < 0:
                    return last, []
                if version < log_floor:
                    return last, None
                log = self._rows("SELECT conflicts, touched FROM log WHERE version > ?", (version,))
            finally:
                self._rows("COMMIT")
        ranges: list[Range] = []
        for conflicts, touched in log:
            ranges.extend(decode(conflicts if touched is None else touched))
        return last, coalesce(ranges)

    def check_consistency(self) -> list[str]:
        """Violated storage invariants (empty when consistent)."""
        with self._lock:
            self._end()
            if self._conn is None:
                raise error(1000, "the database is closed")
            return schema.check_consistency(self._conn)

    def stats(self) -> dict[str, int]:
        """Row counts of the storage tables."""
        with self._lock:
            self._end()
            kv = self._rows("SELECT COUNT(*) FROM kv")[0][0]
            log = self._rows("SELECT COUNT(*) FROM log")[0][0]
        return {"kv_rows": kv, "log_rows": log}
