"""The committer: applies batches of transactions in one durable SQLite transaction.

`Committer.run` executes in the engine's single worker thread (never on the event loop). A
batch is every commit that queued up while the previous batch was being written: they share
one ``BEGIN IMMEDIATE ... COMMIT`` and so one fsync (group commit).

Per transaction, in batch order, under the commit lock:

1. version = ``max(last_version + 1, clock())`` (`versions.next_version`);
2. 1009 if its read version is beyond ``last_version``; 1007 if it left the window
   (`versions.too_old`, judged against the commits before it, earlier ones of the batch
   included);
3. malformed mutations fail it alone: 2018 for an unknown type, 2000 for a bad versionstamp
   offset (checked before anything is written, so a failed transaction writes nothing);
4. 1020 if a read-conflict range meets a write range committed after its read version,
   including by earlier transactions of this batch;
5. mutations are applied in order; atomic operations read the value current at commit (with
   the earlier mutations of the batch applied); versionstamps are (version, batch order);
6. its log row (write-conflict ranges, touched ranges) is written with its data.

Then the keys the batch set have their rows from before the horizon collected
(`collect.on_write`, same pages), and every `GC_EVERY` batches, or when collectable log rows
wait longer than `GC_LATE`, the log collector runs with a budget proportional to the
mutations since its last run. Nothing else is written: the newest version is the newest
log row. If SQLite fails before COMMIT the whole batch is rolled back and every transaction
in it fails with 1000 (not committed); if COMMIT itself fails the outcome is unknown: 1021.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import repeat
from operator import add, eq, itemgetter
from typing import Any, NamedTuple, Union

from .._atomic import ATOMIC_CODES, apply_atomic, make_versionstamp, place_stamp
from .._atomic import split_stamp_offset as _split
from .._errors import FoundException, error
from .collect import MIN_BUDGET, LogCollector, Position, on_write
from .conflicts import Range, ReadSet, RecentWrites, coalesce, encode
from .filelock import FileLock
from .sample import after_sets, after_writes
from .schema import connect, meta, rows
from .versions import WINDOW, Clock, next_version, too_old

SET, CLEAR_RANGE = 0, 1
STAMPED_KEY, STAMPED_VALUE = 14, 15
_VALUE_OPS = ATOMIC_CODES - {STAMPED_KEY, STAMPED_VALUE}

_PUT = "INSERT OR REPLACE INTO kv (key, version, value) VALUES (?, ?, ?)"
_LATEST = "SELECT value FROM kv WHERE key = ? ORDER BY version DESC LIMIT 1"
# A tombstone at version ? for each live key of [?, ?); for one key ? at version ?, if live
# (key ? again), without the GROUP BY. Plain ``?`` placeholders: numbered ones bound from a
# sequence warn on CPython 3.12.0-3.12.3.
_CLEAR = (
    "INSERT OR REPLACE INTO kv (key, version, value) SELECT key, ?, NULL FROM"
    " (SELECT key, value, MAX(version) FROM kv WHERE key >= ? AND key < ? GROUP BY key)"
    " WHERE value IS NOT NULL"
)
_CLEAR_KEY = (
    "INSERT OR REPLACE INTO kv (key, version, value) SELECT ?, ?, NULL WHERE (SELECT value"
    " FROM kv WHERE key = ? ORDER BY version DESC LIMIT 1) IS NOT NULL"
)
_LOG = "INSERT INTO log (version, conflicts, touched) VALUES (?, ?, ?)"
_BY_KEY = _OP = itemgetter(0)
_KEY, _PARAM = itemgetter(1), itemgetter(2)
_ONLY_SETS, _ONLY_BYTES = {SET}, {bytes}
#: Batches between runs of the log collector.
GC_EVERY = 16
#: Versions (0.5 s) collectable log rows may wait before the next commit collects regardless.
GC_LATE = 500_000
#: Most keys set by one batch that are collected on write (a bulk load leaves it to the log
#: collector, which runs later with a budget of its own).
ON_WRITE_MAX = 4096


class Request(NamedTuple):
    """One transaction handed to the committer (`mutations` are `engine.Mutation`s)."""

    read_version: int
    mutations: Sequence[tuple[int, bytes, bytes]]
    read_conflicts: Sequence[Range]
    write_conflicts: Sequence[Range]


class Outcome(NamedTuple):
    """A committed transaction: its version, versionstamp and the key ranges it changed."""

    version: int
    stamp: bytes
    touched: list[Range]


#: An `Outcome`, or the error that failed this transaction alone (FoundException, TypeError).
Result = Union[Outcome, Exception]


def validate(mutations: Sequence[tuple[int, bytes, bytes]]) -> bool:
    """Raise the FoundationDB error for the first malformed mutation, before any write;
    whether every mutation is a plain set (the bulk fast path)."""
    ops = set(map(_OP, mutations))
    if ops == _ONLY_SETS:  # checked without a Python loop per mutation
        types = set(map(type, map(_KEY, mutations))) | set(map(type, map(_PARAM, mutations)))
        if types == _ONLY_BYTES:
            return True
    plain = True
    for op, key, param in mutations:
        if type(key) is not bytes or type(param) is not bytes:
            raise TypeError("mutation keys and parameters must be bytes")
        if op == SET:
            continue
        plain = False
        if op == CLEAR_RANGE or op in _VALUE_OPS:
            continue
        if op == STAMPED_KEY:
            if _split(key) is None:
                raise error(2000, "invalid versionstamp offset in key")
        elif op == STAMPED_VALUE:
            if _split(param) is None:
                raise error(2000, "invalid versionstamp offset in value")
        else:
            raise error(2018)
    return plain


class Committer:
    """The write side of one engine: its own connection, the commit lock, recent writes."""

    def __init__(self, path: str, lock: FileLock, clock: Clock):
        self.conn = connect(path, readonly=False)
        self.lock = lock
        self.clock = clock
        self.recent = RecentWrites()
        self._collector = LogCollector()
        self._debt = 0  # mutations committed since the log collector last ran
        self._batches = 0  # batches since the log collector last ran

    def close(self) -> None:
        """Close the write connection (called in the worker thread after the last batch)."""
        self.conn.close()

    def run(self, batch: Sequence[Request]) -> list[Result]:
        """Commit `batch` durably; one result per request, in order."""
        conn = self.conn
        with self.lock:
            mark = self.recent.mark()
            try:
                rows(conn, "BEGIN IMMEDIATE")
                results, horizon = self._apply_batch(batch)
            except BaseException as exc:
                if conn.in_transaction:
                    rows(conn, "ROLLBACK")
                self.recent.rollback(mark)
                if isinstance(exc, sqlite3.Error):
                    raise error(1000, f"storage failure, nothing committed: {exc}") from exc
                raise
            try:
                rows(conn, "COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    rows(conn, "ROLLBACK")
                self.recent.rollback(mark)
                raise error(1021) from exc
        self.recent.prune(horizon)
        return results

    def _apply_batch(self, batch: Sequence[Request]) -> tuple[list[Result], int]:
        conn = self.conn
        last, log_floor, gc_key, oldest = meta(conn)
        if self.recent.newest < last:
            self.recent.load(conn)
        results: list[Result] = []
        first = last
        written: list[bytes] = []
        for order, request in enumerate(batch):
            try:
                outcome = self._one(request, order, last, log_floor, written)
            except (FoundException, TypeError) as exc:
                results.append(exc)
                continue
            results.append(outcome)
            last = outcome.version
            self._debt += len(request.mutations)
        horizon = last - WINDOW
        if last != first:
            if written and len(written) <= ON_WRITE_MAX:
                on_write(conn, sorted(set(written)), first - WINDOW)
            self._batches += 1
            due = oldest is not None and oldest <= horizon
            late = oldest is not None and oldest <= horizon - GC_LATE
            if due and (self._batches >= GC_EVERY or late):
                position = Position(log_floor, gc_key)
                self._collector.run(conn, horizon, position, MIN_BUDGET + 2 * self._debt)
                self._debt = self._batches = 0
        return results, horizon

    def _one(
        self, request: Request, order: int, last: int, log_floor: int, written: list[bytes]
    ) -> Outcome:
        read_version = request.read_version
        if read_version > last:
            raise error(1009)
        if too_old(read_version, last, log_floor, self._newer_commit(read_version, last)):
            raise error(1007)
        plain = validate(request.mutations)
        if request.read_conflicts:
            conflicting = self.recent.conflicts(read_version, ReadSet(request.read_conflicts))
            if conflicting:
                exc = error(1020)
                exc.conflicting = conflicting  # type: ignore[attr-defined]  # read ranges hit
                raise exc
        version = next_version(last, self.clock)
        stamp = make_versionstamp(version, order)
        if plain:
            # sorted single-key ranges, one per key: already coalesced but for a key and its
            # successor, which may stay apart (both are still sorted and disjoint)
            touched = self._sets(request.mutations, version, written)
            written_ranges = request.write_conflicts
            same = written_ranges == touched  # usual: one write conflict per key set
            conflicts = touched if same else coalesce(written_ranges)
        else:
            touched = coalesce(self._apply(request.mutations, version, stamp, written))
            # FoundationDB's proxy adds the final key of each versionstamped-key write as a
            # write conflict (the client cannot: the key exists only once stamped).
            stamped = [place_stamp(k, stamp) for op, k, _ in request.mutations if op == STAMPED_KEY]
            conflicts = coalesce([*request.write_conflicts, *((k, k + b"\x00") for k in stamped)])
        same = touched == conflicts
        rows(self.conn, _LOG, (version, encode(conflicts), None if same else encode(touched)))
        self.recent.add(version, conflicts)
        return Outcome(version, stamp, touched)

    def _newer_commit(self, read_version: int, last: int) -> bool:
        """Whether the log holds a commit in (read_version, last - WINDOW]."""
        if read_version >= last - WINDOW:
            return False
        found = rows(
            self.conn,
            "SELECT 1 FROM log WHERE version > ? AND version <= ? LIMIT 1",
            (read_version, last - WINDOW),
        )
        return bool(found)

    def _sets(
        self, mutations: Sequence[tuple[int, bytes, bytes]], version: int, written: list[bytes]
    ) -> list[Range]:
        """Write plain sets at `version`, in key order (B-tree inserts in order touch each
        page once); the single-key ranges they touched. Sorting is stable, so the last set
        of a key still wins."""
        keyed = sorted([(key, version, value) for _, key, value in mutations], key=_BY_KEY)
        self.conn.executemany(_PUT, keyed).close()
        after_sets(self.conn, keyed)
        keys = list(map(_BY_KEY, keyed))
        if any(map(eq, keys, keys[1:])):  # a key set twice
            keys = sorted(set(keys))
        if len(written) + len(keys) <= ON_WRITE_MAX:
            written.extend(keys)
        return list(zip(keys, map(add, keys, repeat(b"\x00"))))

    def _apply(
        self,
        mutations: Sequence[tuple[int, bytes, bytes]],
        version: int,
        stamp: bytes,
        written: list[bytes],
    ) -> list[Range]:
        """Write `mutations` at `version`; the key ranges they touched (not coalesced).
        Keys of plain sets are appended to `written` (while it is short enough to collect).

        Runs of sets, and runs of single-key clears, go to SQLite as one ``executemany``
        each (in mutation order: a run ends where the other kind starts)."""
        conn = self.conn
        run: list[tuple[Any, ...]] = []
        run_sql = _PUT
        touched: list[Range] = []

        def queue(sql: str, args: tuple[Any, ...]) -> None:
            nonlocal run, run_sql
            if sql != run_sql and run:
                conn.executemany(run_sql, run).close()
                run = []
            run_sql = sql
            run.append(args)

        if len(written) + len(mutations) <= ON_WRITE_MAX:
            written.extend(key for op, key, _ in mutations if op == SET)
        for op, key, param in mutations:
            if op == SET:
                queue(_PUT, (key, version, param))
            elif op == STAMPED_KEY:
                key = place_stamp(key, stamp)
                queue(_PUT, (key, version, param))
            elif op == STAMPED_VALUE:
                queue(_PUT, (key, version, place_stamp(param, stamp)))
            elif op == CLEAR_RANGE:
                if key < param:
                    if param == key + b"\x00":
                        queue(_CLEAR_KEY, (key, version, key))
                    else:
                        queue(_CLEAR, (version, key, param))
                    touched.append((key, param))
                continue
            else:
                if run:
                    conn.executemany(run_sql, run).close()
                    run = []
                existing = rows(conn, _LATEST, (key,))
                old = existing[0][0] if existing else None
                new = apply_atomic(op, old, param)
                if new == old:
                    continue
                rows(conn, _PUT, (key, version, new))
            touched.append((key, key + b"\x00"))
        if run:
            conn.executemany(run_sql, run).close()
        after_writes(conn, touched)
        return touched
