"""The embedded storage engine: FoundationDB's storage semantics in one SQLite file.

`Engine` is what the embedded transaction (`transaction.py`) reads from and commits to. It
keeps each key's latest value in place and the values it replaced in a history table
(`schema`), hands out read versions, serves reads at any version of the last five seconds,
commits batches of transactions with optimistic conflict checks, and resolves watches.

Guarantees (module docstrings of `schema`, `versions`, `reader`, `conflicts`, `committer`,
`collect`, `sample` and `engine_watches` state the invariants behind each):

- snapshot reads: ``get`` / ``get_range`` at version v see exactly the commits <= v; the
  reads of one event loop iteration share one SQLite snapshot that ends with the iteration,
  so the WAL can always be checkpointed;
- versions grow strictly across processes, about 1,000,000 per second of wall clock;
  reads and commits at a read version whose next commit is more than 5,000,000 versions
  older than the newest commit fail with 1007, beyond ``latest_version()`` with 1009;
- strict serializability: a commit fails with 1020 iff a read-conflict range meets a
  write-conflict range committed after its read version, by any process;
- durability: ``commit`` returns after SQLite's COMMIT with ``synchronous=FULL`` (WAL
  fsync'd); a crash at any point keeps every returned commit and no part of any other;
- group commit: concurrent ``commit`` calls of one process share one SQLite transaction and
  one fsync in a worker thread; the event loop never waits on the disk;
- bounded history: every few commits the collector removes the history and log rows that
  fell out of the window, oldest first, a bounded amount proportional to the writes since
  its last run;
- size estimates and split points come from a byte sample (`sample`), not a range scan.

Threading: reads, `watch` and `latest_version` run on the caller's thread (the event loop) on
a connection of their own; commits run in one worker thread on another connection, fed by the
`groupcommit.GroupCommit` base class.
"""

from __future__ import annotations

import asyncio
import os
from typing import NamedTuple, Optional

from .._errors import error
from . import schema
from .committer import Committer
from .conflicts import Range
from .engine_watches import Watches
from .filelock import FileLock
from .groupcommit import GroupCommit
from .reader import Reader
from .versions import Clock, wall_clock


class Mutation(NamedTuple):
    """One write of a transaction, in the order it was made.

    `op` is SET (0, `param` is the value), CLEAR_RANGE (1, `key`..`param` is the range) or a
    FoundationDB `MutationType` code (2..20) with its parameter.
    """

    op: int
    key: bytes
    param: bytes


class Engine(GroupCommit):
    """One open embedded database directory (see the module docstring)."""

    def __init__(self, directory: str, clock: Clock, poll_interval: float):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.clock = clock  #: microseconds; drives commit versions and read version ages
        path = schema.data_path(directory)
        self._lock = FileLock(os.path.join(directory, schema.LOCK_FILE))
        self._committer: Optional[Committer] = None
        try:
            self._committer = Committer(path, self._lock, clock)
            with self._lock:
                schema.create(self._committer.conn, clock())
            self._reader = Reader(path)
        except BaseException:
            if self._committer is not None:
                self._committer.close()
            self._lock.close()
            raise
        self._closed = False
        self._start_worker()
        reader = self._reader
        # The hot reads skip this class's forwarding frame (the methods below document them).
        self.get = reader.get  # type: ignore[method-assign]
        self.get_range = reader.get_range  # type: ignore[method-assign]
        self._watches = Watches(
            reader.latest, reader.changes_since, reader.data_version, poll_interval
        )

    @classmethod
    def open(
        cls, directory: str, *, clock: Optional[Clock] = None, poll_interval: float = 0.02
    ) -> Engine:
        """Open the database in `directory`, creating the directory and database if needed.

        `clock` (microseconds, default the wall clock) drives commit versions; tests inject
        one to move time without sleeping. `poll_interval` is how often, in seconds, watches
        look for other processes' commits.
        """
        return cls(directory, clock or wall_clock, poll_interval)

    def close(self) -> None:
        """Close the database: queued commits and pending watches fail with 1000. Idempotent.
        A batch already being written finishes first (its commits are reported normally)."""
        if self._closed:
            return
        self._closed = True
        self._fail_queued()
        self._watches.fail_all(error(1000, "the database was closed"))
        committer, self._committer = self._committer, None
        self._stop_worker(committer)
        self._reader.close()  # later reads fail with 1000
        self._lock.close()

    # -- reads (on the event loop thread, see `reader`) ------------------------------------

    def latest_version(self) -> int:
        """The read version to hand out (GRV): the newest commit of any process."""
        return self._reader.last_version()

    def grant(self) -> tuple[int, int]:
        """A GRV for a transaction: (`latest_version()`, the engine clock just after)."""
        known = self._reader.last_version(), self.clock()
        self.known = known
        return known

    def grant_get(self, key: bytes) -> tuple[Optional[bytes], int, int]:
        """`grant` fused with a point read at the granted version, in one SQLite statement:
        (value of `key` or None, version, clock)."""
        value, version = self._reader.fresh_get(key)
        known = self.known = version, self.clock()
        return value, known[0], known[1]

    def grant_range(
        self, begin: bytes, end: bytes, limit: int, reverse: bool
    ) -> tuple[list[tuple[bytes, bytes]], int, int]:
        """`grant` fused with `get_range` at the granted version: (pairs, version, clock)."""
        found, version = self._reader.fresh_range(begin, end, limit, reverse)
        known = self.known = version, self.clock()
        return found, known[0], known[1]

    def check_read_version(self, version: int) -> None:
        """1009 if `version` is beyond the newest commit, 1007 if it left the window."""
        self._reader.check_read_version(version)

    def get(self, key: bytes, version: int) -> Optional[bytes]:
        """The value of `key` as of `version` (None when absent)."""
        return self._reader.get(key, version)

    def get_range(
        self, begin: bytes, end: bytes, version: int, limit: int, reverse: bool
    ) -> list[tuple[bytes, bytes]]:
        """Pairs with begin <= key < end as of `version`, in key order (descending when
        `reverse`), at most `limit` of them (0: all)."""
        return self._reader.get_range(begin, end, version, limit, reverse)

    def estimated_range_size_bytes(self, begin: bytes, end: bytes) -> int:
        """Estimated bytes of keys and values in [begin, end): exact for ranges of up to
        1,024 keys, else from the byte sample (see `sample`), without reading the range."""
        return self._reader.estimate(begin, end)

    def range_split_points(self, begin: bytes, end: bytes, chunk_size: int) -> list[bytes]:
        """Keys splitting [begin, end) into chunks of about `chunk_size` bytes, begin and end
        included, as FoundationDB returns them (from the byte sample for large ranges)."""
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        return self._reader.split_points(begin, end, chunk_size)

    # -- commits -------------------------------------------------------------------------

    async def commit(
        self,
        read_version: int,
        mutations: list[Mutation],
        read_conflicts: list[Range],
        write_conflicts: list[Range],
    ) -> tuple[int, bytes]:
        """Commit one transaction durably: (commit version, 10-byte versionstamp).

        Fails with 1020 on a conflict, 1007 / 1009 for a read version outside the window,
        2018 / 2000 for a malformed mutation. A transaction with neither mutations nor write
        conflict ranges is read-only: it succeeds at once with version -1 and no stamp, as
        in FoundationDB.
        """
        lists = list(mutations), list(read_conflicts), list(write_conflicts)
        return await self.submit(read_version, *lists)

    # -- watches -------------------------------------------------------------------------

    def watch(self, key: bytes, value: Optional[bytes]) -> asyncio.Future[None]:
        """A future resolved when the committed value of `key` differs from `value`, by a
        commit of this process or another. Cancelling it unregisters the watch."""
        self._check_open()
        return self._watches.add(key, value)

    # -- diagnostics ---------------------------------------------------------------------

    def check_consistency(self) -> list[str]:
        """Violated storage invariants (empty list when consistent); for tests and tools."""
        return self._reader.check_consistency()

    def stats(self) -> dict[str, int]:
        """Row counts of the storage tables (to watch the collector at work)."""
        return self._reader.stats()
