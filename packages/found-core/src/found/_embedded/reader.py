"""The read side of the engine: snapshot reads on a connection of their own.

Every method runs on the caller's thread (the event loop: no thread hop) against one SQLite
connection in autocommit mode, guarded by a lock so another thread may call too.

Invariants:

- no SQLite read transaction outlives a call: each read is one statement, or ``BEGIN``,
  a few statements, ``COMMIT``; every cursor is exhausted and closed (`schema.rows`), so
  WAL checkpoints are never held back by a reader;
- a read checks its version in the same snapshot as its data (the version columns come
  from ``meta`` in the same statement or read transaction): 1009 beyond the newest commit,
  1007 when `versions.too_old`;
- reads at a version see the newest row at or below it per key; tombstones read as absent.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any, Optional

from .._errors import error
from . import schema
from .conflicts import Range, coalesce, decode
from .schema import rows
from .versions import NEWER_COMMIT_SQL, too_old

_GET = (
    "SELECT (SELECT value FROM kv WHERE key = :key AND version <= :rv ORDER BY version DESC"
    f" LIMIT 1), last_version, log_floor, {NEWER_COMMIT_SQL} FROM meta WHERE id = 0"
)
_LATEST = "SELECT value FROM kv WHERE key = ? ORDER BY version DESC LIMIT 1"
_LAST = "SELECT last_version FROM meta WHERE id = 0"
_WINDOW = f"SELECT last_version, log_floor, {NEWER_COMMIT_SQL} FROM meta WHERE id = 0"
# The row with MAX(version) per key supplies the bare `value` (documented SQLite behaviour).
_RANGE = (
    "SELECT key, value, MAX(version) FROM kv WHERE key >= ? AND key < ? AND version <= ?"
    " GROUP BY key HAVING value IS NOT NULL ORDER BY key {} LIMIT ?"
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


class Reader:
    """Snapshot reads of one engine (see the module docstring)."""

    def __init__(self, path: str):
        self._conn: Optional[sqlite3.Connection] = schema.connect(path, readonly=True)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection; later reads fail with 1000. Idempotent."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def _rows(self, sql: str, args: Any = ()) -> list[Any]:
        conn = self._conn
        if conn is None:
            raise error(1000, "the database is closed")
        return rows(conn, sql, args)

    def last_version(self) -> int:
        """The newest committed version, in any process."""
        with self._lock:
            return int(self._rows(_LAST)[0][0])

    def check_read_version(self, version: int) -> None:
        """1009 if `version` is beyond the newest commit, 1007 if it left the window."""
        with self._lock:
            last, log_floor, newer = self._rows(_WINDOW, {"rv": version})[0]
        check_version(version, last, log_floor, newer)

    def get(self, key: bytes, version: int) -> Optional[bytes]:
        """The value of `key` as of `version` (None when absent)."""
        with self._lock:
            value, last, log_floor, newer = self._rows(_GET, {"rv": version, "key": key})[0]
        check_version(version, last, log_floor, newer)
        return value

    def get_range(
        self, begin: bytes, end: bytes, version: int, limit: int, reverse: bool
    ) -> list[tuple[bytes, bytes]]:
        """Pairs in [begin, end) as of `version`, in key order (descending when `reverse`),
        at most `limit` of them (0: all)."""
        if limit < 0:
            raise ValueError("limit must be >= 0")
        sql = _RANGE_REVERSE if reverse else _RANGE_FORWARD
        with self._lock:
            # One read transaction: the version check and the rows see the same snapshot.
            self._rows("BEGIN")
            try:
                last, log_floor, newer = self._rows(_WINDOW, {"rv": version})[0]
                found = self._rows(sql, (begin, end, version, limit or -1)) if begin < end else []
            finally:
                self._rows("COMMIT")
        check_version(version, last, log_floor, newer)
        return [(key, value) for key, value, _ in found]

    def sizes(self, begin: bytes, end: bytes) -> list[tuple[bytes, int]]:
        """(key, len(key) + len(value)) of the live keys in [begin, end); 2005 if inverted."""
        if begin > end:
            raise error(2005)
        with self._lock:
            found = self._rows(_SIZES, (begin, end)) if begin < end else []
        return [(key, size) for key, size, _ in found]

    def latest(self, key: bytes) -> Optional[bytes]:
        """The newest committed value of `key` (for watches)."""
        with self._lock:
            found = self._rows(_LATEST, (key,))
        return found[0][0] if found else None

    def data_version(self) -> int:
        """SQLite's counter of commits made through other connections."""
        with self._lock:
            return int(self._rows("PRAGMA data_version")[0][0])

    def changes_since(self, version: int) -> tuple[int, Optional[list[Range]]]:
        """(newest version, ranges changed by commits after `version`, or None if some of
        those commits' log rows were already collected). `version` < 0: just the newest."""
        with self._lock:
            self._rows("BEGIN")
            try:
                last, _gc_version, _gc_key, log_floor = self._rows(schema.META_SQL)[0]
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
            if self._conn is None:
                raise error(1000, "the database is closed")
            return schema.check_consistency(self._conn)

    def stats(self) -> dict[str, int]:
        """Row counts of the storage tables."""
        with self._lock:
            kv = self._rows("SELECT COUNT(*) FROM kv")[0][0]
            log = self._rows("SELECT COUNT(*) FROM log")[0][0]
        return {"kv_rows": kv, "log_rows": log}
