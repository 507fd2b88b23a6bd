"""`EmbeddedTransaction`: FoundationDB's client transaction over the embedded engine.

It implements `found._backend.BackendTransaction` with the behaviour of libfdb_c's
read-your-writes transaction (semantics reference §1.6, §3.3, §4 to §10, §15): lazy read
version, own writes visible to reads, serializable and snapshot conflict ranges, limits and
error codes, options, versionstamps, watches and `on_error`. Synchronous writes never raise:
their failure becomes the deferred error raised by the next awaited call. Reads run on the
event loop thread straight against the engine; only `commit` awaits the engine. State and
checks per attempt live in `attempt.Attempt`, the write path in `writes.Writes`; retries,
backoff and creation time survive `on_error`, and `reset` clears them too.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Optional

from .._errors import FoundException, error
from . import special
from .attempt import METADATA_VERSION_KEY
from .metadata import Metadata
from .ranges import page_limits, range_conflict, read_page
from .reading import RANGE_OVERHEAD, TRUSTED
from .retry import INITIAL_BACKOFF, RETRYABLE, retry_delay
from .selectors import get_key_conflict, normalize, resolve, resolve_bound
from .txoptions import (
    INT_MAX,
    NEXT_WRITE_NO_WRITE_CONFLICT_RANGE,
    READ_YOUR_WRITES_DISABLE,
    RETRY_LIMIT,
    TIMEOUT,
    tx_param_kind,
)
from .watches import running_loop

if TYPE_CHECKING:
    from .database import EmbeddedDatabase


class EmbeddedTransaction(Metadata):
    """One transaction of an `EmbeddedDatabase` (see the module docstring)."""

    def __init__(self, database: EmbeddedDatabase) -> None:
        super().__init__(database)
        self._created = time.monotonic()
        self._retries = 0
        self._backoff = INITIAL_BACKOFF
        self._start_attempt(keep_persistent=False)

    # -- lifecycle ---------------------------------------------------------------------------

    def cancel(self) -> None:
        """Fail every pending and later call with 1025 until `reset`."""
        self._poison_with(1025)

    def reset(self) -> None:
        """Back to a fresh transaction: retries, backoff, options and the timeout clock too."""
        self._end_attempt(1025)
        self._created = time.monotonic()
        self._retries = 0
        self._backoff = INITIAL_BACKOFF
        self._start_attempt(keep_persistent=False)

    def destroy(self) -> None:
        """Release the transaction; watches not yet committed fail with 1025."""
        self._end_attempt(1025)
        self._poison = 1025

    def set_option(self, code: int, value: Optional[bytes]) -> None:
        """Apply a `TransactionOption`: 2007 at once for an unknown code, else deferred."""
        if code == NEXT_WRITE_NO_WRITE_CONFLICT_RANGE and value is None:
            self._options.next_write_no_conflict = True  # per write in bulk loads: no checks
            return
        if code == RETRY_LIMIT and value is not None and len(value) == 8:
            limit = int.from_bytes(value, "little", signed=True)  # set on every transactional
            if -1 <= limit <= INT_MAX:
                self._options.retry_limit = limit
                self._options.persistent[RETRY_LIMIT] = value
                return
        tx_param_kind(code)  # unknown code: 2007 at once
        try:
            if code == READ_YOUR_WRITES_DISABLE and self._had_io:
                raise error(2000)
            self._options.apply(code, value)
        except FoundException as exc:
            self._defer(exc)
            return
        if code == TIMEOUT:
            self._schedule_timeout()

    def set_read_version(self, version: int) -> None:
        """Read at `version` (2011 if not positive, 2010 once a version is set; deferred)."""
        if version <= 0:
            self._defer(error(2011))
        elif self._read_version is not None:
            self._defer(error(2010))
        else:
            self._set_version(version)

    def get_committed_version(self) -> int:
        """Version of the last successful commit; -1 before it and for a read-only commit."""
        return self._committed_version

    # -- reads -------------------------------------------------------------------------------

    async def get_read_version(self) -> int:
        """The read version, taken from the engine on first use (lazy GRV)."""
        self._check(commit_ok=True)
        return self._version()

    async def get(self, key: bytes, snapshot: bool) -> Optional[bytes]:
        """The value of `key` seen by this transaction, or None."""
        options = self._options
        if key >= b"\xff" and key.startswith(special.SPECIAL_BEGIN):
            return special.get(self._special_rows(), key)  # before the misuse checks
        if (
            self._commit_started
            or self._poison is not None
            or self._deferred is not None
            or options.timeout_ms
        ):
            self._check()
        if key >= options.max_read_key and key != METADATA_VERSION_KEY:
            raise error(2004)  # system keys; the metadata version is allowed
        if len(key) > 10_000 and len(key) > options.max_key_size(key):
            return None
        writes = self._writes
        unwritten = not writes.entries and not writes.clear_starts and not writes.unreadable_ranges
        if unwritten and self._read_version is None:
            return self._first_get(key, snapshot)  # the GRV and the read in one statement
        version = self._current_version()
        engine = self._engine
        self._had_io = True
        if unwritten:
            value = engine.get(key, version)  # nothing written yet: straight to the engine
            if not snapshot:
                self._approx_size += 2 * len(key) + 1 + RANGE_OVERHEAD
                self._read_keys.append(key)
            return value
        value = self._view_at(version, snapshot).get(key)
        if not snapshot:
            self._read_conflict_key(key)
        return value

    async def get_key(self, key: bytes, or_equal: bool, offset: int, snapshot: bool) -> bytes:
        """Resolve the key selector (key, or_equal, offset) over the merged view."""
        self._check()
        max_key = self._options.max_read_key
        if key > max_key:
            raise error(2004)
        nkey, noff = normalize(key, or_equal, offset)
        result = resolve(self._view(snapshot), nkey, noff, max_key)
        if not snapshot:
            self._read_conflict(*get_key_conflict(nkey, noff, result))
        return result

    async def get_range(
        self,
        begin_key: bytes,
        begin_or_equal: bool,
        begin_offset: int,
        end_key: bytes,
        end_or_equal: bool,
        end_offset: int,
        limit: int,
        target_bytes: int,
        mode: int,
        iteration: int,
        snapshot: bool,
        reverse: bool,
    ) -> tuple[list[tuple[bytes, bytes]], bool]:
        """One page of a range read between two key selectors: (pairs, more)."""
        if begin_key >= special.SPECIAL_BEGIN:  # before the misuse checks, as in FoundationDB
            return special.read_selected(
                self._special_rows(),
                normalize(begin_key, begin_or_equal, begin_offset),
                normalize(end_key, end_or_equal, end_offset),
                page_limits(limit, target_bytes, mode, iteration)[0],
                reverse,
            )
        options = self._options
        if (
            self._commit_started
            or self._poison is not None
            or self._deferred is not None
            or options.timeout_ms
        ):  # the misuse checks, only when one can fail (as in `get`)
            self._check()
        rows, byte_limit = page_limits(limit, target_bytes, mode, iteration)
        max_key = options.max_read_key
        if begin_key > max_key or end_key > max_key:
            raise error(2004)
        writes = self._writes
        if (
            begin_offset == 1
            and end_offset == 1
            and not begin_or_equal
            and not end_or_equal
            and begin_key < end_key
            and not writes.entries
            and not writes.clear_starts
            and not writes.unreadable_ranges
        ):  # the common plain range read: no selector to resolve, nothing to merge
            return self._plain_range(begin_key, end_key, rows, byte_limit, snapshot, reverse)
        view = self._view(snapshot)
        begin = normalize(begin_key, begin_or_equal, begin_offset)
        end = normalize(end_key, end_or_equal, end_offset)
        low = resolve_bound(view, begin[0], begin[1], max_key)
        high = resolve_bound(view, end[0], end[1], max_key)
        page, more, cost = read_page(view, low, high, rows, byte_limit, reverse, self._row_bytes)
        if more and cost:
            self._row_bytes = max(cost // len(page), 8)  # sizes the next page's engine batch
        if not snapshot:
            conflict = range_conflict(begin, end, (low, high), page, more, reverse, max_key)
            if conflict is not None:
                self._read_conflict(*conflict)
        return page, more

    def watch(self, key: bytes) -> asyncio.Future[None]:
        """A future resolved when `key` changes (see `watches`); errors arrive through it."""
        future: asyncio.Future[None] = running_loop("found.watch").create_future()
        try:
            self._check()
            options = self._options
            if options.ryw_disabled:
                raise error(1034)
            if key >= b"\xff\xff" or (key >= options.max_read_key and key != METADATA_VERSION_KEY):
                raise error(2004)
            if len(key) > options.max_key_size(key):
                raise error(2102)
            reference = self._view(False).get(key)
            self._read_conflict_key(key)
        except FoundException as exc:
            future.set_exception(exc)
            return future
        self._watches.add(key, reference, future)
        return future

    def get_versionstamp(self) -> asyncio.Future[bytes]:
        """A future of this transaction's 10-byte versionstamp, ready after its commit."""
        future: asyncio.Future[bytes] = running_loop("found.get_versionstamp").create_future()
        try:
            self._check()
        except FoundException as exc:
            future.set_exception(exc)
            return future
        self._stamp_futures.append(future)
        return future

    # -- commit and retry --------------------------------------------------------------------

    async def commit(self) -> None:
        """Commit: at once when read-only, else through the engine (1020 on conflict)."""
        self._check()
        self._commit_started = True
        if not self._mutations and not self._write_conflicts and not self._write_keys:
            self._finish_read_only()
            return
        try:
            if self._options.read_lock_aware:
                raise error(2023)
            reads, writes = self._commit_sets()  # 2101 when too large
            engine = self._engine
            if self._read_version is None and not reads:
                # A blind write needs no GRV: any version the engine knew to be the newest
                # less than 2 s ago is readable (see `_fresh_version`) and nothing is read
                # at it. FoundationDB takes a causal-read-risky one at commit.
                known, at = engine.known
                if engine.clock() - at < TRUSTED:
                    self._read_version, self._version_at, self._granted = known, at, True
            version = self._aged_version()[0]  # the engine checks its window itself
            future = engine.submit(version, self._mutations, reads, writes)
            committed, stamp = await self._wait(future)
        except FoundException as exc:
            self._fail_commit(exc)
            raise
        self._finish_commit(committed, stamp)

    async def on_error(self, code: int) -> None:
        """FoundationDB's retry step: back off and reset for a retryable code, else raise."""
        self._check_timeout()
        if self._poison is not None:
            raise error(self._poison)
        limit = self._options.retry_limit
        hit = limit != -1 and self._retries >= limit
        self._retries += 1
        if hit or code not in RETRYABLE:
            self._poison_with(1025)
            raise error(2000 if code == 0 else code)
        max_delay = self._options.max_retry_delay_ms / 1000.0
        delay, self._backoff = retry_delay(code, self._backoff, max_delay)
        self._end_attempt(1025)
        self._start_attempt(keep_persistent=True)
        if delay > 0:
            await self._sleep(delay)
