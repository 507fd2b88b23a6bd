"""Database and transaction handles of the test library (the embedded databases they use are
shared per directory: `_databases`).

A `ShimTransaction` wraps one embedded transaction. Void C calls are posted to the loop in call
order; future-returning calls post the start of a task that completes a `ShimFuture`, except
a read of an idle transaction, answered on the caller's thread (`_inline`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections import deque
from typing import Any, Callable, Optional

from found._errors import FoundException

from . import _inline
from . import _runtime as rt
from ._databases import SharedDatabase
from ._steps import first_step

log = logging.getLogger("found.shim")


class ShimDatabase:
    """An `FDBDatabase`."""

    def __init__(self, shared: SharedDatabase) -> None:
        self.shared = shared
        self.handle: Any = None
        self.ptr: Any = None

    def create_transaction(self) -> ShimTransaction:
        self.shared.take()  # now: before any later release of this database handle
        return ShimTransaction(self.shared)


class ShimTransaction:
    """An `FDBTransaction` over one embedded transaction.

    Calls run strictly in call order, through a per-transaction queue, on the loop or (the
    queued writes and a read, when nothing else is running or queued: `_inline`) on the
    caller's thread; `exec_lock` keeps whoever runs them alone. A call
    that returns a future makes its engine call before the next queued call runs (its
    coroutine's first step runs in the drain), so a read issued before a write does not see
    it, and a watch is registered before the writes that follow it, as in libfdb_c.

    Writes, and option changes other than TIMEOUT, only join the queue (`deferred`) while
    none of the transaction's futures is pending (a pending watch sees its own transaction's
    writes at once, a pending commit must see them as too late): nothing else can observe
    them before the transaction's next call, which wakes the loop and runs them first. So a
    burst of sets costs the loop no wakeup (libfdb_c's network thread, in C, takes one per
    call; here a wakeup is a self-pipe write and a GIL handoff).
    What depends on when it happens is not deferred: the TIMEOUT option (it arms a timer
    over pending futures), cancel and reset; creation is queued too when the database sets
    a default timeout (it counts from creation), and is done on the caller's thread otherwise.
    """

    DEFERRED = frozenset({"set", "clear", "clear_range", "atomic_op", "set_read_version"})
    TIMEOUT_OPTION = 500

    def __init__(self, shared: SharedDatabase) -> None:
        self.shared = shared
        self.tr: Any = None
        self.handle: Any = None
        self.ptr: Any = None
        self._queue: deque[tuple[Callable[..., Any], tuple]] = deque()
        self._draining = False
        self._lock = threading.Lock()
        self._futures: list[rt.ShimFuture] = []  # started, maybe pending (under _lock)
        #: Held by whoever runs this transaction's work (see `_inline`).
        self.exec_lock = threading.RLock()
        #: A timeout may be armed (its timer runs on the loop): no reads on callers' threads.
        self.timed = self.TIMEOUT_OPTION in shared.edb.tx_defaults
        if self.timed:  # the timeout counts from creation, and arms a timer on the loop
            self._enqueue(self._create, ())
        else:  # nothing observes when it happens: now, as off any loop (see `_inline`)
            try:
                self.tr = _inline.off_loop(shared.edb.create_transaction)
            except Exception:  # (a closed database): fail where the queued path fails
                self._enqueue(self._create, ())

    def _enqueue(self, fn: Callable[..., Any], args: tuple, wake: bool = True) -> None:
        with self._lock:
            self._queue.append((fn, args))
            if self._draining or (not wake and self._quiet()):
                return
            self._draining = True
        rt.NETWORK.post(self._drain)

    def _quiet(self) -> bool:
        """Under `_lock`: no future of this transaction is pending."""
        futures = self._futures
        if futures:
            if any(not fut.ready for fut in futures):
                return False
            futures.clear()
        return True

    def _drain(self) -> None:
        with self.exec_lock:
            while True:
                with self._lock:
                    if not self._queue:
                        self._draining = False
                        return
                    fn, args = self._queue.popleft()
                fn(*args)

    # -- running on the caller's thread (`_inline`) ----------------------------------------

    def claim(self) -> Optional[list[tuple[Callable[..., Any], tuple]]]:
        """With `exec_lock` held: the queued (deferred) calls to run now, and the queue is
        ours until `unclaim`; None when the transaction is busy or timed."""
        with self._lock:
            if self._draining or self.timed or self.tr is None or not self._quiet():
                return None
            self._draining = True
            items = list(self._queue)
            self._queue.clear()
        return items

    def unclaim(self) -> None:
        """Give the queue back: post a drain for calls queued meanwhile, if any."""
        with self._lock:
            if not self._queue:
                self._draining = False
                return
        rt.NETWORK.post(self._drain)

    def requeue_first(self, fn: Callable[..., Any], args: tuple) -> None:
        """While claimed: run `fn(*args)` first on the loop (a call that must wait there)."""
        with self._lock:
            self._queue.appendleft((fn, args))
            self._futures.append(args[0])

    def resume(self, fut: rt.ShimFuture, coro: Any, yielded: Any) -> bool:
        _inline.resume(fut, coro, yielded)
        return False

    def _create(self) -> bool:
        self.tr = self.shared.edb.create_transaction()
        return False

    # -- void calls: queued in order, failures are the engine's deferred errors -----------

    def post(self, method: str, *args: Any) -> None:
        if method == "set_option" and args[0] == self.TIMEOUT_OPTION:
            self.timed = True
        self._enqueue(self._apply, (method, args), wake=not self.deferred(method, args))

    def deferred(self, method: str, args: tuple) -> bool:
        if method == "set_option":
            return args[0] != self.TIMEOUT_OPTION
        return method in self.DEFERRED

    def _apply(self, method: str, args: tuple) -> bool:
        try:
            getattr(self.tr, method)(*args)
        except Exception:
            log.exception("transaction.%s failed", method)
        return False

    # -- synchronous calls with a result ------------------------------------------------

    def call(self, method: str, *args: Any) -> tuple[int, Any]:
        """(error code, result) of a synchronous engine call, after the calls before it."""
        done: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> bool:
            try:
                done.set_result((0, getattr(self.tr, method)(*args)))
            except FoundException as exc:
                done.set_result((exc.code, None))
            except Exception:
                log.exception("transaction.%s failed", method)
                done.set_result((4100, None))
            return False

        # Idle: now, on this thread (queued writes first); else through the queue.
        if not _inline.try_inline(self, run):
            if rt.NETWORK.on_network_thread():  # a callback: the queued calls first, then this
                with self.exec_lock:
                    self._enqueue(run, (), wake=False)
                    self._drain()
            else:
                self._enqueue(run, ())
        return done.result()

    # -- future-returning calls ----------------------------------------------------------

    def start(self, method: str, args: tuple, convert: Callable[[Any], Any]) -> Any:
        fut = rt.new_future()
        if method in _inline.INLINE:  # answered now, on this thread, when nothing is ahead

            def coro() -> Any:
                return finish(fut, getattr(self.tr, method), args, convert)

            if _inline.read(self, fut, coro):
                return fut.ptr
        with self._lock:
            self._futures.append(fut)
        self._enqueue(self._start, (fut, method, args, convert))
        return fut.ptr

    def _start(self, fut: rt.ShimFuture, method: str, args: tuple, convert: Any) -> bool:
        if fut.ready:  # cancelled or destroyed before it began
            return False
        if self.tr is None:  # destroyed: pending and later reads fail as in libfdb_c
            fut.complete(1025)
            return False
        # The first step runs here, in call order: the engine call, and often its answer
        # (a read needs no waiting), with no task and no loop turn. Only a call that waits
        # (a commit, a watch) continues as a task.
        fut.task = first_step(rt.NETWORK.loop, finish(fut, getattr(self.tr, method), args, convert))
        return False

    def destroy(self) -> None:
        if not _inline.try_inline(self, self._destroy_here):
            self._enqueue(self._destroy, ())

    def _destroy_here(self) -> None:
        """`_destroy` on the caller's thread; the database reference is dropped here unless
        it is the last (closing the database belongs to the loop)."""
        self._destroy_engine_transaction()
        self.shared.drop()

    def _destroy(self) -> bool:
        self._destroy_engine_transaction()
        self.shared.release()
        return False

    def _destroy_engine_transaction(self) -> None:
        """Destroy the embedded transaction (an error is logged: destroy reports none)."""
        try:
            if self.tr is not None:
                self.tr.destroy()
        except Exception:
            log.exception("transaction.destroy failed")
        finally:
            self.tr = None


async def finish(fut: rt.ShimFuture, call: Any, args: tuple, convert: Callable[[Any], Any]) -> None:
    """Run an engine call and complete `fut` with its result (converted) or its error code."""
    try:
        result = await call(*args)
    except FoundException as exc:
        fut.complete(exc.code)
    except asyncio.CancelledError:
        fut.complete(1101)
    except Exception:
        log.exception("engine call failed")
        fut.complete(4100)
    else:
        try:
            value = convert(result)
        except Exception:
            log.exception("converting an engine result failed")
            fut.complete(4100)
        else:
            fut.complete(0, value)
