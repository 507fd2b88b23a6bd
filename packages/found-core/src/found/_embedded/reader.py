"""The read side of the engine: snapshot reads on a connection of their own.

Every method runs on the caller's thread (the event loop: no thread hop) against one SQLite
connection in autocommit mode, guarded by a lock so another thread may call too.

Invariants:

- a transaction's first read takes its read version in the same statement as its data
  (`fresh_get`, `fresh_range`), in autocommit mode outside any shared snapshot: one SQLite
  snapshot taken now, so the version sees every commit acknowledged before the call, and
  the data is ``kv`` as of that version (kv holds each key's newest value);
- on an event loop, the other reads of one loop iteration share one SQLite read transaction
  (``BEGIN`` at the first, whose statement also returns the snapshot's newest version;
  ``COMMIT`` by a callback at the start of the next iteration), so no read transaction
  outlives an iteration and WAL checkpoints are never held back for long; off a loop each
  read is autocommit. A GRV (`last_version`, `fresh_*`) ends the shared snapshot, as a
  commit learned without a loop turn (another process, a blocking call) must be seen; a
  read that finds its version beyond the shared snapshot's newest commit retries once in a
  fresh one before saying 1009. A commit of this process is acknowledged in a later
  iteration than any snapshot it missed. Every cursor is exhausted or closed
  (`schema.rows`);
- a read checks its version (`_VERDICT`, from ``meta`` and the log) in a snapshot no older
  than its data's: after its data statement, or once per version and shared snapshot (the
  verdict cannot change inside one snapshot). That is enough because refusal only grows
  with time: a later snapshot has a larger newest version and keeps every log row of the
  window, or raises ``log_floor`` past the rows it collected, so a version it accepts (not
  beyond the newest commit: 1009; not `versions.too_old`: 1007) was readable when the rows
  were read;
- at the newest version of the snapshot a read is the plain lookup or index walk of
  ``kv`` (no history row can matter there). Reads at older versions go through `history`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any, Optional

from .._errors import error
from . import history, schema
from .schema import rows
from .storage import Storage

_ident = threading.get_ident
#: Reads in autocommit mode after a fused GRV before the shared snapshot opens (see
#: `Reader._solo_or_snapshot`): a path of three dependent reads needs no snapshot.
SOLO_READS = 2
# Two solo reads save a snapshot's opening (~38k instructions) to a transaction of three
# reads, but each costs ~11k more than a read in the snapshot: a fused GRV allows them only
# when the reads since the previous fused GRV (`_reads`, the transaction before, blurred by
# any interleaved one, which costs only time) were that few; else the snapshot opens at once.

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
_NEWEST = f"{schema.LAST_SQL} FROM meta WHERE id = 0"  # the newest commit's version
_LAST = f"SELECT {_NEWEST}"
# A range as of the newest version: one walk of kv.
_SCAN = "SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key {0} LIMIT ?"
_SCAN_FORWARD, _SCAN_REVERSE = _SCAN.format("ASC"), _SCAN.format("DESC")
# The same reads with the newest version in the same statement (one snapshot): a point read
# gives (value or NULL, newest); a range gives (NULL, newest) first, then its rows. One
# compound SELECT ordered by key, whose NULL sorts first, with LIMIT limit + 1: SQLite merges
# the two arms in order (a LIMIT inside a subquery arm instead made it copy every row
# through a co-routine: 601k -> 483k instructions for 100 rows, 68k -> 57k for 5).
_NEWEST_GET = f"SELECT (SELECT value FROM kv WHERE key = ?), {_NEWEST}"
_NEWEST_SCAN = (
    f"SELECT key, value FROM kv WHERE key >= ? AND key < ? UNION ALL SELECT NULL, {_NEWEST}"
    " ORDER BY 1 {0} LIMIT ?"
)
_NEWEST_FORWARD = _NEWEST_SCAN.format("ASC")
if sqlite3.sqlite_version_info >= (3, 30, 0):
    _NEWEST_REVERSE = _NEWEST_SCAN.format("DESC NULLS FIRST")
else:  # no NULLS FIRST: the version row's arm first, then the rows' (the limit's + 1 is moot)
    _NEWEST_REVERSE = (
        f"SELECT NULL, {_NEWEST} UNION ALL SELECT * FROM (SELECT key, value FROM kv"
        " WHERE key >= ? AND key < ? ORDER BY key DESC LIMIT ? - 1)"
    )


def _split(found: list[Any]) -> tuple[list[tuple[bytes, bytes]], int]:
    """(the rows, the newest version) of a `_NEWEST_SCAN` result, whose version row (its
    key is NULL, which no kv row has) the ORDER BY puts first; looked for anywhere else
    rather than trusted to be there."""
    index = 0 if found[0][0] is None else next(i for i, row in enumerate(found) if row[0] is None)
    last = found.pop(index)
    return found, last[1]


def _refuse(code: int) -> None:
    """Raise the verdict of `_VERDICT` (1009 or 1007); nothing for 0."""
    if code:
        raise error(code)


class Reader(Storage):
    """Snapshot reads of one engine (see the module docstring)."""

    def _release(self) -> None:
        with self._lock:
            self._pending = None
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
        if self._pending is not loop:  # else its `_release`, still to run, ends this one too
            loop.call_soon(self._release)
            self._pending = loop
        self._fetch("BEGIN")
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

    def fresh_get(self, key: bytes) -> tuple[Optional[bytes], int]:
        """A GRV and a point read at it in one statement, outside any shared snapshot: (the
        value of `key` at the newest commit, that version). One SQLite snapshot serves both,
        and it is taken now, so it sees every commit acknowledged before the call."""
        with self._lock:
            self._fresh()
            value, newest = self._fetch(_NEWEST_GET, (key,))[0]
        return value, newest

    def fresh_range(
        self, begin: bytes, end: bytes, limit: int, reverse: bool
    ) -> tuple[list[tuple[bytes, bytes]], int]:
        """`fresh_get` for a range: (`get_range`'s rows at the newest commit, that version)."""
        sql = _NEWEST_REVERSE if reverse else _NEWEST_FORWARD
        with self._lock:
            self._fresh()
            found = self._fetch(sql, (begin, end, limit + 1 if limit else -1))
        return _split(found)

    def _fresh(self) -> sqlite3.Connection:
        """The connection for a fused GRV, out of any shared snapshot; whether the reads
        after it may be solo is decided by how many the transaction before made (see
        `SOLO_READS`). Call with the lock held."""
        self._end()
        reads, self._reads = self._reads, 0
        self._solo = SOLO_READS if reads <= SOLO_READS else 0
        return self._open()

    def get(self, key: bytes, version: int) -> Optional[bytes]:
        """The value of `key` as of `version` (None when absent)."""
        with self._lock:
            self._reads += 1
            conn = self._conn
            if conn is not None and self._held == _ident():
                if version == self._newest:  # the snapshot's newest: kv alone, verdict 0
                    found = self._fetch(_LATEST, (key,))
                    return found[0][0] if found else None
            else:  # learn the newest version along with the newest value
                conn = self._solo_or_snapshot(False)
                value, newest = self._fetch(_NEWEST_GET, (key,))[0]
                self._learn(newest)  # a shared snapshot's (not an autocommit statement's)
                if version == newest:
                    return value
                if self._held is None:
                    conn = self._snapshot(False)  # the history in one snapshot
            value = history.value_at(conn, key, version)
            cached = self._verdicts.get(version)
            code = self._verdict(conn, version) if cached is None else cached
            if code == 1009:  # maybe committed since this snapshot began: look again
                conn = self._snapshot(True)
                value = history.value_at(conn, key, version)
                code = self._verdict(conn, version)
        _refuse(code)
        return value

    def _solo_or_snapshot(self, fresh: bool) -> sqlite3.Connection:
        """The connection for a read outside the shared snapshot: in autocommit mode for the
        first `SOLO_READS` reads after a fused GRV (a statement of its own costs less than
        a shared snapshot's ``BEGIN``, ``COMMIT`` and callback for a transaction of a few
        reads), else in the shared snapshot (`_snapshot`)."""
        if self._solo and not fresh and self._held is None:
            self._solo -= 1
            return self._open()
        return self._snapshot(fresh)

    def _learn(self, newest: int) -> None:
        """Remember the shared snapshot's newest version (whose verdict is 0), if one is held."""
        if self._held is not None:
            self._newest = newest
            self._verdicts[newest] = 0

    def get_range(
        self, begin: bytes, end: bytes, version: int, limit: int, reverse: bool
    ) -> list[tuple[bytes, bytes]]:
        """Pairs in [begin, end) as of `version`, in key order (descending when `reverse`),
        at most `limit` of them (0: all)."""
        if limit < 0:
            raise ValueError("limit must be >= 0")
        with self._lock:
            self._reads += 1
            conn = self._conn
            held = self._held
            if held is not None and version == self._newest and held == _ident():
                # the shared snapshot's newest version: one walk of kv (`_range` inlined)
                sql = _SCAN_REVERSE if reverse else _SCAN_FORWARD
                return self._fetch(sql, (begin, end, limit or -1))  # held: open
            if held is None and self._solo and conn is not None:
                # one of the few reads after a fused GRV: one autocommit statement
                self._solo -= 1
                sql = _NEWEST_REVERSE if reverse else _NEWEST_FORWARD
                found = self._fetch(sql, (begin, end, limit + 1 if limit else -1))
                first = found[0]
                if first[0] is None and first[1] == version:
                    del found[0]
                    return found
                self._solo = 0  # a newer commit: the history, in a shared snapshot
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
            # learn the newest version along with the newest rows
            conn = self._solo_or_snapshot(fresh)
            sql = _NEWEST_REVERSE if reverse else _NEWEST_FORWARD
            found, newest = _split(self._fetch(sql, (begin, end, limit + 1 if limit else -1)))
            self._learn(newest)  # a shared snapshot's (not an autocommit statement's)
            if version == newest:
                return found, 0
            if self._held is None:
                conn = self._snapshot(False)  # the history in one snapshot
        elif version == self._newest:  # the snapshot's newest: one walk of kv
            sql = _SCAN_REVERSE if reverse else _SCAN_FORWARD
            return self._fetch(sql, (begin, end, limit or -1)), 0
        if begin >= end:
            found = []
        else:
            found = history.range_at(conn, begin, end, version, limit, reverse)
        code = self._verdicts.get(version)
        return found, self._verdict(conn, version) if code is None else code
