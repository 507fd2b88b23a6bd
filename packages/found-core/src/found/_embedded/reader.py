"""The read side of the engine: snapshot reads on a connection of their own.

Every method runs on the caller's thread (the event loop: no thread hop) against one SQLite
connection in autocommit mode, guarded by a lock so another thread may call too.

Invariants:

- on an event loop, the reads of one loop iteration share one SQLite read transaction
  (``BEGIN`` at the first, ``COMMIT`` by a callback at the start of the next iteration):
  one snapshot instead of one per statement, which is most of a point read's cost. No read
  transaction outlives a loop iteration, so WAL checkpoints are never held back for long;
  off a loop each read is autocommit. A GRV (`last_version`) ends the shared snapshot and
  reads in a fresh one (which the reads after it in this iteration share), so it and those
  reads see every commit acknowledged before it, even one learned without a loop turn
  (another process, a blocking call); a read that finds its version beyond the shared
  snapshot's newest commit retries once in a fresh one before saying 1009. A commit of
  this process is acknowledged in a later iteration than any snapshot it missed. Every
  cursor is exhausted or closed (`schema.rows`);
- a read checks its version (`_VERDICT`, from ``meta`` and the log) in a snapshot no older
  than its data's: after its data statement, or once per version and shared snapshot (the
  verdict cannot change inside one snapshot). That is enough because refusal only grows
  with time: a later snapshot has a larger newest version and keeps every log row of the
  window, or raises ``log_floor`` past the rows it collected, so a version it accepts (not
  beyond the newest commit: 1009; not `versions.too_old`: 1007) was readable when the rows
  were read;
- at the newest version of the snapshot a read is the plain lookup or index walk of
  ``kv`` (no history row can matter there); the reader knows that version from its GRV or
  its verdict in the shared snapshot. Reads at older versions go through `history`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any, Optional

from .._errors import error
from . import history, sample, schema
from .conflicts import Range, coalesce, decode
from .schema import rows

_ident = threading.get_ident

# The verdict on read version ? (4 times): 1009 beyond the newest commit, 1007 too old
# (`versions.too_old`), else 0; over `_STATE`'s row, in the statement that reads the data.
_STATE = f"(SELECT {schema.LAST_SQL} AS last_version, log_floor FROM meta WHERE id = 0)"
_VERDICT = (
    "CASE WHEN ? > last_version THEN 1009 WHEN ? < last_version - 5000000 AND (? < log_floor"
    " OR EXISTS(SELECT 1 FROM log WHERE version > ? AND version <= last_version - 5000000))"
    " THEN 1007 ELSE 0 END"
)
_WINDOW = f"SELECT {_VERDICT}, last_version FROM {_STATE}"
_LATEST = "SELECT value FROM kv WHERE key = ?"
_LAST = f"SELECT {schema.LAST_SQL} FROM meta WHERE id = 0"
# A range as of the newest version: one walk of kv.
_SCAN = "SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key {0} LIMIT ?"
_SCAN_FORWARD, _SCAN_REVERSE = _SCAN.format("ASC"), _SCAN.format("DESC")


def _refuse(code: int) -> None:
    """Raise the verdict of `_VERDICT` (1009 or 1007); nothing for 0."""
    if code:
        raise error(code)


class Reader:
    """Snapshot reads of one engine (see the module docstring)."""

    def __init__(self, path: str):
        self._conn: Optional[sqlite3.Connection] = schema.connect(path, readonly=True)
        self._lock = threading.Lock()
        self._held: Optional[int] = None  # thread whose loop iteration holds a snapshot
        self._verdicts: dict[int, int] = {}  # read version -> verdict, in that snapshot
        self._newest: Optional[int] = None  # that snapshot's newest commit, once known

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
                rows(conn, "COMMIT")

    def _release(self) -> None:
        with self._lock:
            self._end()

    def _snapshot(self, fresh: bool) -> sqlite3.Connection:
        """The connection, inside the shared snapshot of this loop iteration (a new one when
        `fresh`), or in autocommit mode off an event loop. Call with the lock held."""
        conn = self._open()
        thread = _ident()
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
        """The newest committed version, in any process, read in a fresh snapshot: it sees
        every commit acknowledged before the call. On a loop the iteration's reads share
        that snapshot, where the verdict on this version is known: 0, no `_WINDOW` needed."""
        with self._lock:
            conn = self._snapshot(True)
            last = int(rows(conn, _LAST)[0][0])
            if self._held is not None:
                self._verdicts[last] = 0
                self._newest = last
            return last

    def _verdict(self, conn: sqlite3.Connection, version: int) -> int:
        """The verdict on `version` in the current snapshot (after reading the data: see the
        module docstring), remembered for the rest of a shared snapshot."""
        code = self._verdicts.get(version)
        if code is None:
            code, last = rows(conn, _WINDOW, (version,) * 4)[0]
            if self._held is not None:
                self._verdicts[version] = code
                self._verdicts[last] = 0
                self._newest = last
        return code

    def check_read_version(self, version: int) -> None:
        """1009 if `version` is beyond the newest commit, 1007 if it left the window."""
        with self._lock:
            code = self._verdict(self._snapshot(False), version)
            if code == 1009:
                code = self._verdict(self._snapshot(True), version)
        _refuse(code)

    def get(self, key: bytes, version: int) -> Optional[bytes]:
        """The value of `key` as of `version` (None when absent)."""
        with self._lock:
            held = self._conn
            if held is not None and self._held == _ident():  # no setup needed
                if version == self._newest:  # the snapshot's newest: kv alone, verdict 0
                    cursor = held.execute(_LATEST, (key,))
                    try:
                        found = cursor.fetchall()
                    finally:
                        cursor.close()
                    return found[0][0] if found else None
                value = history.value_at(held, key, version)
                cached = self._verdicts.get(version)
                code = self._verdict(held, version) if cached is None else cached
                if code == 0:
                    return value
                if code != 1009:
                    raise error(code)
            for fresh in (False, True):
                conn = self._snapshot(fresh)
                value = history.value_at(conn, key, version)
                code = self._verdict(conn, version)
                if code != 1009:  # else maybe committed since this iteration's snapshot
                    break
        _refuse(code)
        return value

    def get_range(
        self, begin: bytes, end: bytes, version: int, limit: int, reverse: bool
    ) -> list[tuple[bytes, bytes]]:
        """Pairs in [begin, end) as of `version`, in key order (descending when `reverse`),
        at most `limit` of them (0: all)."""
        if limit < 0:
            raise ValueError("limit must be >= 0")
        with self._lock:
            found, code = self._range(begin, end, version, limit, reverse, False)
            if code == 1009:
                found, code = self._range(begin, end, version, limit, reverse, True)
        _refuse(code)
        return found

    def _range(
        self, begin: bytes, end: bytes, version: int, limit: int, reverse: bool, fresh: bool
    ) -> tuple[list[tuple[bytes, bytes]], int]:
        """`get_range`'s rows and the verdict on `version`, with the lock held."""
        conn = self._conn
        if fresh or conn is None or self._held != _ident():
            conn = self._snapshot(fresh)
        if begin >= end:
            found: list[tuple[bytes, bytes]] = []
        elif version == self._newest:  # the snapshot's newest: one walk of kv
            sql = _SCAN_REVERSE if reverse else _SCAN_FORWARD
            return rows(conn, sql, (begin, end, limit or -1)), 0
        else:
            found = history.range_at(conn, begin, end, version, limit, reverse)
        code = self._verdicts.get(version)
        return found, self._verdict(conn, version) if code is None else code

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

    def _open(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is None:
            raise error(1000, "the database is closed")
        return conn

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
