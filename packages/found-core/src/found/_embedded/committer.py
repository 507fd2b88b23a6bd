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

How mutations become rows is `mutations`' job. Every `GC_EVERY` batches, or when collectable
log rows wait longer than `GC_LATE`, the collector (`collect`) removes what fell out of the
window, with a budget proportional to the mutations since its last run. Nothing else is
written: the newest version is the newest log row. If SQLite fails before COMMIT the whole
batch is rolled back and every transaction in it fails with 1000 (not committed); if COMMIT
itself fails the outcome is unknown: 1021.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple, Optional, Union

from .._atomic import make_versionstamp, place_stamp
from .._errors import FoundException, error
from .collect import MIN_BUDGET, collect
from .conflicts import Range, ReadSet, RecentWrites, coalesce, encode, encode_points, key_ranges
from .filelock import FileLock
from .mutations import STAMPED_KEY, validate, write, write_sets
from .schema import connect, meta, rows
from .versions import WINDOW, Clock, next_version, too_old

# The log row, after the commit's mutations: the next history id is where its rows end;
# the count of commits that removed a key grows by ? (0 or 1).
_LOG = (
    "INSERT INTO log (version, conflicts, touched, history_to, clears)"
    " VALUES (?, ?, ?, IFNULL((SELECT MAX(id) FROM history), 0) + 1, IFNULL((SELECT clears"
    " FROM log ORDER BY version DESC LIMIT 1), (SELECT clears_floor FROM meta)) + ?)"
)
# Changes when another connection (of any process) commits; never for this one's commits.
_DATA_VERSION = "PRAGMA data_version"
#: Batches between runs of the log collector.
GC_EVERY = 16
#: Versions (0.5 s) collectable log rows may wait before the next commit collects regardless.
GC_LATE = 500_000


class Request(NamedTuple):
    """One transaction handed to the committer (`mutations` are `engine.Mutation`s)."""

    read_version: int
    mutations: Sequence[tuple[int, bytes, bytes]]
    read_conflicts: Sequence[Range]
    write_conflicts: Optional[Sequence[Range]]  # None: the keys of plain sets, as points


class Outcome(NamedTuple):
    """A committed transaction: its version, versionstamp and the key ranges it changed."""

    version: int
    stamp: bytes
    touched: list[Range]


#: An `Outcome`, or the error that failed this transaction alone (FoundException, TypeError).
Result = Union[Outcome, Exception]


class Committer:
    """The write side of one engine: its own connection, the commit lock, recent writes."""

    def __init__(self, path: str, lock: FileLock, clock: Clock):
        self.conn = connect(path, readonly=False)
        self.lock = lock
        self.clock = clock
        self.recent = RecentWrites()
        self._debt = 0  # mutations committed since the log collector last ran
        self._batches = 0  # batches since the log collector last ran
        # (newest version, log_floor, oldest log version) after this connection's last
        # commit, and the connection's data_version then: while no other connection has
        # committed since (the pragma is unchanged), `meta` need not be read again.
        self._meta: Optional[tuple[int, int, Optional[int]]] = None
        self._data_version = -1

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
                results, horizon, after = self._apply_batch(batch)
            except BaseException as exc:
                self._meta = None
                if conn.in_transaction:
                    rows(conn, "ROLLBACK")
                self.recent.rollback(mark)
                if isinstance(exc, sqlite3.Error):
                    raise error(1000, f"storage failure, nothing committed: {exc}") from exc
                raise
            try:
                rows(conn, "COMMIT")
            except sqlite3.Error as exc:
                self._meta = None
                if conn.in_transaction:
                    rows(conn, "ROLLBACK")
                self.recent.rollback(mark)
                raise error(1021) from exc
            self._meta = after
        self.recent.prune(horizon)
        return results

    def _apply_batch(
        self, batch: Sequence[Request]
    ) -> tuple[list[Result], int, Optional[tuple[int, int, Optional[int]]]]:
        """Apply `batch` inside the open write transaction: the results, the horizon, and
        the stored (newest, log_floor, oldest) once it commits (None: unknown)."""
        conn = self.conn
        data_version = rows(conn, _DATA_VERSION)[0][0]
        known = self._meta
        if known is None or data_version != self._data_version:
            known = meta(conn)
            self._data_version = data_version
        last, log_floor, oldest = known
        if self.recent.newest < last:
            self.recent.load(conn)
        results: list[Result] = []
        first = last
        for order, request in enumerate(batch):
            try:
                outcome = self._one(request, order, last, log_floor)
            except (FoundException, TypeError) as exc:
                results.append(exc)
                continue
            results.append(outcome)
            last = outcome.version
            self._debt += len(request.mutations)
        horizon = last - WINDOW
        after: Optional[tuple[int, int, Optional[int]]] = known
        if last != first:
            self._batches += 1
            after = (last, log_floor, oldest if oldest is not None else results_first(results))
            due = oldest is not None and oldest <= horizon
            late = oldest is not None and oldest <= horizon - GC_LATE
            if due and (self._batches >= GC_EVERY or late):
                collect(conn, horizon, log_floor, MIN_BUDGET + 2 * self._debt)
                self._debt = self._batches = 0
                after = None  # the oldest log row moved: read it again
        return results, horizon, after

    def _one(self, request: Request, order: int, last: int, log_floor: int) -> Outcome:
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
        blob: Optional[bytes] = None
        declared = request.write_conflicts
        if plain:
            keys = write_sets(self.conn, request.mutations, version)
            removed = False
            if declared is None or len(declared) == len(keys):  # one conflict per key set
                touched = key_ranges(keys)
                if declared is None or declared == touched:
                    conflicts = touched
                    if len(touched) == len(keys):  # one point per key: encoded from keys
                        blob = encode_points(keys)
                else:
                    conflicts = coalesce(declared)
            else:  # e.g. a bulk load declaring its own ranges: touched as those if they cover
                conflicts = coalesce(declared)
                touched = conflicts if keys and _covers(conflicts, keys) else key_ranges(keys)
        elif declared is None:
            raise TypeError("write conflicts may be left out only for plain sets")
        else:
            written, removed = write(self.conn, request.mutations, version, stamp)
            touched = coalesce(written)
            # FoundationDB's proxy adds the final key of each versionstamped-key write as a
            # write conflict (the client cannot: the key exists only once stamped).
            stamped = [place_stamp(k, stamp) for op, k, _ in request.mutations if op == STAMPED_KEY]
            conflicts = coalesce([*declared, *((k, k + b"\x00") for k in stamped)])
        same = touched == conflicts
        if blob is None:
            blob = encode(conflicts)
        log = (version, blob, None if same else encode(touched), int(removed))
        rows(self.conn, _LOG, log)
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


def results_first(results: list[Result]) -> int:
    """The version of the first committed transaction among `results` (one exists)."""
    return next(r.version for r in results if isinstance(r, Outcome))


def _covers(ranges: list[Range], keys: list[bytes]) -> bool:
    """Whether the sorted disjoint `ranges` hold every one of the sorted unique `keys`
    (counted by bisection: no pass over the keys)."""
    inside = 0
    for begin, end in ranges:
        inside += bisect_left(keys, end) - bisect_left(keys, begin)
    return inside == len(keys)
