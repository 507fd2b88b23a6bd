"""Group commit: the engine's queue of commits, its worker thread and the batch handoff.

Concurrent commits of one process share one SQLite transaction and one fsync: `submit` queues
a commit and, when no batch is being written, hands every queued commit to the worker thread
as one batch (`Committer.run`). The worker reports back with one `call_soon_threadsafe`; the
callers' futures are settled in that loop iteration, and the next batch starts once the
callers just woken had a few iterations to commit again (`_resume`). The event loop never
waits on the disk; no clock is involved in gathering a batch.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, Optional

from .._errors import FoundException, error
from .committer import Committer, Request, Result
from .conflicts import Range, coalesce

if TYPE_CHECKING:
    from .engine_watches import Watches
    from .versions import Clock

#: Most transactions written in one SQLite transaction (the stamp's batch order is 16 bits).
MAX_BATCH = 1024
#: Event loop iterations a finished batch waits for its callers' next commits.
_GATHER_HOPS = 4


class GroupCommit:
    """The commit side of `engine.Engine` (see the module docstring)."""

    clock: Clock
    _committer: Optional[Committer]
    _closed: bool
    _watches: Watches

    def _start_worker(self) -> None:
        # The commit worker: jobs are (function, argument, callback(result, error)); None
        # stops it. A plain thread and queue: one put and one call_soon_threadsafe per batch.
        self._jobs: SimpleQueue[Optional[tuple[Any, Any, Any]]] = SimpleQueue()
        self._worker = threading.Thread(target=_work, args=(self._jobs,), name="found-commit")
        self._worker.daemon = True
        self._worker.start()
        self._queue: deque[tuple[Request, asyncio.Future[tuple[int, bytes]]]] = deque()
        self._busy = False
        self._batch_loop: Optional[asyncio.AbstractEventLoop] = None
        #: (a committed version, the engine clock when it was known to be the newest): GRVs
        #: and this process's commits renew it; a blind write may take it as its read version.
        self.known: tuple[int, int] = (0, 0)

    def _check_open(self) -> None:
        if self._closed:
            raise error(1000, "the database is closed")

    def _fail_queued(self) -> None:
        """Fail the commits not yet handed to the worker with 1000 (closing)."""
        while self._queue:
            _, future = self._queue.popleft()
            _settle(future, exc=error(1000, "the database was closed"))

    def _stop_worker(self, committer: Optional[Committer]) -> None:
        """Let the worker finish its batch, close `committer` there, and end the thread."""
        if committer is not None:
            self._jobs.put((committer.close, None, None))
        self._jobs.put(None)
        self._worker.join()

    def submit(
        self,
        read_version: int,
        mutations: list[Any],
        read_conflicts: list[Range],
        write_conflicts: Optional[list[Range]],
    ) -> asyncio.Future[tuple[int, bytes]]:
        """`commit` as a future of the running loop, for a caller that awaits it directly
        (no task of its own). The lists become the engine's: the caller must not change
        them afterwards. `write_conflicts` None: every mutation is a plain set and the
        write-conflict ranges are its keys. Cancelling the future before its batch starts
        drops the commit."""
        self._check_open()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[int, bytes]] = loop.create_future()
        if not mutations and not write_conflicts:
            future.set_result((-1, b""))
            return future
        request = Request(read_version, mutations, read_conflicts, write_conflicts)
        self._queue.append((request, future))
        if self._busy and self._batch_loop is not None and self._batch_loop.is_closed():
            # The loop that ran the last batch closed before hearing back: its waiters are
            # gone, so its bookkeeping would never finish. The worker thread is idle or about
            # to be (it serializes batches), so a new batch can be queued behind it.
            self._busy = False
        if not self._busy:
            self._next_batch(loop)
        return future

    def _next_batch(self, loop: asyncio.AbstractEventLoop) -> None:
        batch: list[tuple[Request, asyncio.Future[tuple[int, bytes]]]] = []
        while self._queue and len(batch) < MAX_BATCH:
            request, future = self._queue.popleft()
            # A cancelled caller's commit is dropped before it starts, and so is one whose
            # event loop is gone.
            if not future.done() and not future.get_loop().is_closed():
                batch.append((request, future))
        if not batch or self._committer is None:
            return
        self._busy = True
        self._batch_loop = loop

        def finished(results: Optional[list[Result]], failure: Optional[BaseException]) -> None:
            try:
                loop.call_soon_threadsafe(self._batch_done, loop, batch, results, failure)
            except RuntimeError:  # the loop closed meanwhile; `commit` recovers on next use
                pass

        self._jobs.put((self._committer.run, [request for request, _ in batch], finished))

    def _batch_done(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[Any],
        results: Optional[list[Result]],
        failure: Optional[BaseException],
    ) -> None:
        touched: list[Range] = []
        if failure is not None:
            for _, future in batch:
                _settle(future, exc=_fresh(failure))
        else:
            newest = 0
            for (_, future), result in zip(batch, results or ()):
                if isinstance(result, Exception):
                    _settle(future, exc=result)
                else:
                    newest = result.version
                    _settle(future, value=(newest, result.stamp))
                    touched.extend(result.touched)
            if newest > self.known[0]:
                self.known = (newest, self.clock())
        if touched and self._watches.active:
            self._watches.notify(coalesce(touched))
        loop.call_soon(self._resume, loop, len(batch), _GATHER_HOPS)

    def _resume(self, loop: asyncio.AbstractEventLoop, previous: int, hops: int) -> None:
        """Start the next batch, after letting the callers just woken commit again.

        Callers whose commit completed usually commit again within a few event loop
        iterations; starting the next batch at once would write the first of them alone and
        the rest one fsync later. So the committer stays busy for up to `hops` iterations,
        or until as many commits as the last batch held are queued. No clock is involved.
        """
        if self._closed:
            self._busy = False
            return
        if hops and len(self._queue) < previous:
            loop.call_soon(self._resume, loop, previous, hops - 1)
            return
        self._busy = False
        if self._queue:
            self._next_batch(loop)


def _work(jobs: SimpleQueue[Optional[tuple[Any, Any, Any]]]) -> None:
    """The commit worker thread: run jobs in order, report each to its callback."""
    while True:
        job = jobs.get()
        if job is None:
            return
        function, argument, callback = job
        if callback is None:  # closing: nobody waits
            function()
            continue
        try:
            result = function(argument)
        except BaseException as exc:  # reported to the waiters, not lost in the thread
            callback(None, exc)
        else:
            callback(result, None)


def _settle(
    future: asyncio.Future[Any], value: Any = None, exc: Optional[BaseException] = None
) -> None:
    """Complete `future` unless its waiter already gave up (cancelled, or loop closed)."""
    if future.done() or future.get_loop().is_closed():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(value)


def _fresh(exc: BaseException) -> BaseException:
    """A copy of a batch-wide failure for each waiter (so they do not share a traceback)."""
    if isinstance(exc, FoundException):
        copy = error(exc.code, exc.message)
        copy.__cause__ = exc.__cause__
        return copy
    return exc
