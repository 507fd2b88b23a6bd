"""The state of one transaction attempt and the bookkeeping every operation shares.

`Attempt` is the base of `EmbeddedTransaction`. It owns what `reset` and `on_error` clear
(writes, mutations, conflict ranges, read version, deferred error, watches, versionstamp
futures, options) and the checks run before each call: used-during-commit (2017, which
poisons the transaction), cancellation (1025), timeout (1031, measured from creation) and
the deferred error of a failed synchronous write (semantics reference §1.6, §3.3, §6.3).
Awaited work (commit, on_error backoff) goes through `_wait`, so a cancel, timeout or
misuse during it fails the caller at once with the poisoning error. The read version and
read-conflict bookkeeping live in the `reading.Reading` base; the commit's outcome (versionstamps,
watches, the conflicting keys of a 1020) is settled here.
"""

from __future__ import annotations

import asyncio
import time
from itertools import chain
from typing import TYPE_CHECKING, Any, Optional

from .._errors import FoundException, error
from . import special
from .conflicts import Range, coalesce, key_ranges
from .reading import Reading
from .txoptions import TxOptions
from .watches import Watches
from .writemap import WriteMap

if TYPE_CHECKING:
    from .database import EmbeddedDatabase

METADATA_VERSION_KEY = b"\xff/metadataVersion"


class Attempt(Reading):
    """Per-attempt state and shared checks (see the module docstring)."""

    def __init__(self, database: EmbeddedDatabase) -> None:
        self._database = database
        self._engine = database.engine
        self._created = time.monotonic()
        self._timer: Optional[asyncio.TimerHandle] = None
        self._waiters: set[asyncio.Future[Any]] = set()
        self._committed_version = -1
        self._row_bytes = 32  # estimated cost of a range row, from the last byte-limited page

    def _start_attempt(self, keep_persistent: bool) -> None:
        database = self._database
        options = TxOptions(database.snapshot_ryw)
        if database.tx_defaults:
            for code, value in database.tx_defaults.items():
                options.apply(code, value)
        if keep_persistent and self._options.persistent:
            persistent = self._options.persistent
            for code, value in persistent.items():
                options.apply(code, value)
            options.persistent = dict(persistent)
        self._options = options
        self._writes = WriteMap()
        #: (op, key, param) in order: `engine.Mutation`'s fields, as plain tuples (cheaper)
        self._mutations: list[tuple[int, bytes, bytes]] = []
        self._mutation_bytes = 0
        self._plain_sets = True  # every mutation a SET of the fast path or set_many
        self._read_conflicts: list[Range] = []
        self._write_conflicts: list[Range] = []
        # Single-key conflict ranges (k, k + b"\x00") are kept as their keys alone: one
        # object per read or write instead of three; `_conflicts` makes the ranges.
        self._read_keys: list[bytes] = []
        self._write_keys: list[bytes] = []
        self._conflicting: list[Range] = []  # REPORT_CONFLICTING_KEYS: after a 1020
        self._approx_size = 0
        self._read_version: Optional[int] = None
        self._version_at = 0  # engine clock when _read_version was granted or set
        self._granted = False  # whether the engine granted it (GRV) rather than the user
        self._deferred: Optional[FoundException] = None
        self._poison: Optional[int] = None
        self._commit_started = False
        self._had_io = False
        self._watches = Watches()
        self._stamp_futures: list[asyncio.Future[bytes]] = []
        if self._timer is not None or options.timeout_ms > 0:
            self._schedule_timeout()

    def _end_attempt(self, code: int) -> None:
        """Abandon the attempt: pending watches and versionstamps fail with `code`."""
        if self._watches.pending:
            self._watches.fail_all(code)
        if self._stamp_futures:
            self._settle_stamps(None, code)
        if self._waiters:
            self._fail_waiters(code)
        if self._timer is not None:
            self._stop_timer()

    # -- poison, deferred errors, timeout ------------------------------------------------------

    def _defer(self, exc: FoundException) -> None:
        if self._deferred is None:
            self._deferred = exc

    def _poison_with(self, code: int) -> None:
        if self._poison is None:
            self._poison = code
        self._watches.fail_all(code)
        self._settle_stamps(None, code)
        self._fail_waiters(code)

    def _misused(self) -> None:
        """An operation after commit: it fails with 2017 and, unless
        USED_DURING_COMMIT_PROTECTION_DISABLE is set, so does everything else until reset."""
        if not self._options.udc_protection_disabled:
            self._poison_with(2017)

    def _fail_waiters(self, code: int) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(error(code))

    def _schedule_timeout(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        timeout = self._options.timeout_ms
        if timeout <= 0:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop yet: every call still checks the deadline itself
        remaining = self._created + timeout / 1000.0 - time.monotonic()
        self._timer = loop.call_later(max(remaining, 0.0), self._check_timeout)

    def _check_timeout(self) -> None:
        timeout = self._options.timeout_ms
        if timeout > 0 and time.monotonic() >= self._created + timeout / 1000.0:
            self._poison_with(1031)

    def _check(self, commit_ok: bool = False) -> None:
        """Raise the error an operation must fail with now, if any."""
        if self._commit_started and not commit_ok:
            self._misused()
            raise error(2017)
        self._check_timeout()
        if self._poison is not None:
            raise error(self._poison)
        if self._deferred is not None:
            raise self._deferred

    def _writable(self) -> bool:
        """Whether a synchronous write may proceed; records misuse as FoundationDB does."""
        if self._commit_started:
            self._misused()
            self._defer(error(2017))
            return False
        if self._poison is not None:
            return False
        self._had_io = True
        return True

    def _check_key(self, key: bytes, value: bytes) -> bool:
        options = self._options
        if key >= options.max_write_key and key != METADATA_VERSION_KEY:
            self._defer(error(2004))
        elif len(key) > options.max_key_size(key):
            self._defer(error(2102))
        elif len(value) > 100_000:
            self._defer(error(2103))
        else:
            return True
        return False

    async def _wait(self, work: asyncio.Future[Any]) -> Any:
        """Await `work`, failing at once if the transaction is poisoned meanwhile: `work` is
        registered as a waiter, which `_fail_waiters` completes with the poisoning error (its
        producer then finds it done and leaves it alone)."""
        waiters = self._waiters
        waiters.add(work)
        try:
            return await work
        finally:
            waiters.discard(work)

    async def _sleep(self, delay: float) -> None:
        """Sleep `delay` seconds through `_wait` (a plain future: a waiter may be failed)."""
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        timer = loop.call_later(delay, _wake, wake)
        try:
            await self._wait(wake)
        finally:
            timer.cancel()

    # -- commit outcome ------------------------------------------------------------------------

    def _conflicts(self) -> tuple[list[Range], list[Range]]:
        """Every read and write conflict range added so far (not coalesced)."""
        reads, writes = self._read_conflicts, self._write_conflicts
        if self._read_keys:
            reads = reads + [(key, key + b"\x00") for key in self._read_keys]
        if self._write_keys:
            writes = writes + [(key, key + b"\x00") for key in self._write_keys]
        return reads, writes

    def _special_rows(self) -> list[tuple[bytes, bytes]]:
        """The rows of the special `transaction` module for this attempt."""
        return special.module_rows(*self._conflicts(), self._conflicting)

    def _commit_sets(self) -> tuple[list[Range], Optional[list[Range]]]:
        """The coalesced read and write conflict ranges to commit; 2101 beyond the size
        limit. The write ranges are None when every mutation is a plain set that declared
        its key (the usual write): the committer makes them from the keys it writes (it
        sorts them anyway), so they are not sorted and coalesced here too."""
        reads = _merged(self._read_conflicts, self._read_keys)
        size = self._mutation_bytes + sum(map(len, chain.from_iterable(reads)))
        keys, limit = self._write_keys, self._options.size_limit
        if (
            self._plain_sets
            and not self._write_conflicts
            and len(keys) == len(self._mutations)
            and size + 2 * sum(map(len, keys)) + len(keys) <= limit  # a key set twice: twice
        ):
            return reads, None
        writes = _merged(self._write_conflicts, keys)
        if size + sum(map(len, chain.from_iterable(writes))) > limit:
            raise error(2101)
        return reads, writes

    def _settle_stamps(self, stamp: Optional[bytes], code: int) -> None:
        futures, self._stamp_futures = self._stamp_futures, []
        for future in futures:
            if future.done():
                continue
            if stamp is not None:
                future.set_result(stamp)
            else:
                future.set_exception(error(code))
                future.exception()  # an unawaited versionstamp must not log

    def _stop_timer(self) -> None:
        """After a successful commit nothing is left to time out (later calls fail with
        2017); dropping the timer lets a committed transaction be freed at once."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _finish_read_only(self) -> None:
        if self._timer is not None:
            self._stop_timer()
        self._committed_version = -1
        if self._stamp_futures:
            self._settle_stamps(None, 2021)
        if self._watches.pending:
            self._watches.activate(self._database)

    def _finish_commit(self, version: int, stamp: bytes) -> None:
        self._stop_timer()
        self._committed_version = version
        self._settle_stamps(stamp, 0)
        self._watches.activate(self._database)

    def _fail_commit(self, exc: FoundException) -> None:
        if exc.code == 1020 and self._options.report_conflicting_keys:
            self._conflicting = list(getattr(exc, "conflicting", ()))
        self._watches.fail_all(exc.code)
        self._settle_stamps(None, 2020)


def _merged(ranges: list[Range], keys: list[bytes]) -> list[Range]:
    """`ranges` and the single-key ranges of `keys`, coalesced (the usual cases cheaply)."""
    if not keys:
        return coalesce(ranges) if ranges else []
    if not ranges:
        return key_ranges(keys)
    return coalesce(ranges + key_ranges(keys))


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
