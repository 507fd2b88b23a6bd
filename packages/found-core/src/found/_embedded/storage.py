"""`Storage`: the read connection of an engine and its reads outside transactions.

The connection (autocommit, ``query_only``) is guarded by a lock; `reader.Reader` builds
the transactions' snapshot reads on it. The reads here (newest values for watches, the log
for cross-process watches, size estimates and split points from the byte sample, storage
diagnostics) first end any shared snapshot `Reader` holds, so each sees the newest commit.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
import threading
from typing import Any, Callable, Optional

from .._errors import error
from . import sample, schema
from .conflicts import Range, coalesce, decode
from .schema import rows

_LATEST = "SELECT value FROM kv WHERE key = ?"


def fetcher(conn: sqlite3.Connection) -> Callable[..., list[Any]]:
    """`schema.rows` bound to `conn`, for the hot reads. On CPython through one cursor kept
    for the connection: creating and closing a cursor per statement cost ~2k instructions
    of a ~20k point read, and a cursor whose rows were all fetched holds no statement
    (CPython resets it at the end of the rows), so no snapshot outlives a read. PyPy's
    sqlite3 keeps a statement until its cursor is closed: `schema.rows` there."""
    if sys.implementation.name != "cpython":
        return functools.partial(rows, conn)
    execute = conn.cursor().execute

    def fetch(sql: str, args: Any = ()) -> list[Any]:
        return execute(sql, args).fetchall()

    return fetch


class Storage:
    """The read connection and the reads that need no read version (see the docstring)."""

    def __init__(self, path: str):
        self._conn: Optional[sqlite3.Connection] = schema.connect(path, readonly=True)
        self._fetch = fetcher(self._conn)  # `rows` on it (use after `_open` or a check)
        self._lock = threading.Lock()
        self._held: Optional[int] = None  # thread whose loop iteration holds a snapshot
        self._verdicts: dict[int, int] = {}  # read version -> verdict, in that snapshot
        self._newest: Optional[int] = None  # that snapshot's newest commit, once known
        self._solo = 0  # autocommit reads still allowed before a shared snapshot opens
        self._reads = 0  # reads since the last fused GRV (`Reader.solo_reads` judges by them)
        #: The loop on which a `Reader._release` is scheduled and has not run yet: it ends, at
        #: that loop's next iteration, any snapshot opened meanwhile on the same loop.
        self._pending: Optional[object] = None

    def close(self) -> None:
        """Close the connection; later reads fail with 1000. Idempotent."""
        with self._lock:
            self._end()
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def _rows(self, sql: str, args: Any = ()) -> list[Any]:
        return rows(self._open(), sql, args)

    def _end(self) -> None:
        """Close the shared snapshot, if any (call with the lock held)."""
        if self._held is not None:
            self._held = None
            self._newest = None
            self._verdicts.clear()
            conn = self._conn
            if conn is not None and conn.in_transaction:
                self._fetch("COMMIT")

    def _open(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is None:
            raise error(1000, "the database is closed")
        return conn

    def estimate(self, begin: bytes, end: bytes) -> int:
        """`sample.estimate` of [begin, end); 2005 if inverted."""
        return self._sampled(sample.estimate, begin, end)

    def split_points(self, begin: bytes, end: bytes, chunk: int) -> list[bytes]:
        """`sample.split_points` of [begin, end); 2005 if inverted."""
        return self._sampled(sample.split_points, begin, end, chunk)

    def _sampled(self, function: Any, begin: bytes, end: bytes, *args: Any) -> Any:
        if begin > end:
            raise error(2005)
        with self._lock:
            self._end()
            return function(self._open(), begin, end, *args)

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
                last, log_floor, _oldest = self._rows(schema.META_SQL)[0]
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
            return schema.check_consistency(self._conn) + sample.problems(self._conn)

    def stats(self) -> dict[str, int]:
        """Row counts of the storage tables."""
        with self._lock:
            self._end()
            kv = self._rows("SELECT COUNT(*) FROM kv")[0][0]
            history = self._rows("SELECT COUNT(*) FROM history")[0][0]
            log = self._rows("SELECT COUNT(*) FROM log")[0][0]
        return {"kv_rows": kv, "history_rows": history, "log_rows": log}
