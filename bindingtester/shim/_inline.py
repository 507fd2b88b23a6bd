"""Answering a read on the caller's thread, as libfdb_c does when it can answer at once.

A real libfdb_c completes some futures before the call returns (a read its read-your-writes
cache answers, a read version it already holds); `fdb_future_set_callback` then runs the
callback at once, on the calling thread. The test library does the same whenever it can do
so without changing what any client observes:

- the call is a read (`INLINE`): the embedded engine answers it synchronously, with no
  waiting (its reads are SQLite lookups guarded by the reader's own lock);
- nothing of the transaction is running or queued to run on the network loop (no drain
  posted, no future of it pending: a commit, a watch, a versionstamp, an `on_error`), so
  libfdb_c's order holds: the calls one thread makes on one transaction take effect in call
  order, and a read sees every earlier write. Writes waiting in the queue (they wait there,
  without a wakeup, while the transaction is quiet) run first, on the same thread;
- no timeout is set (its timer on the network loop could poison the transaction meanwhile).

The synchronous calls with a result (`fdb_transaction_add_conflict_range`,
`fdb_transaction_get_committed_version`) of an idle transaction run here too, instead of
blocking the caller for a round trip through the loop; `fdb_transaction_destroy` of an idle
transaction is done here as well (the loop would be woken only to release it), unless it
holds the last reference to its database, whose closing belongs to the loop.

Mutual exclusion: whoever runs a transaction's work (the loop's queue drain, a synchronous
call made from the network thread, or this path) holds the transaction's `exec_lock`; this
path only tries it (a busy transaction takes the queued path). The queue's `draining` flag,
held meanwhile, makes calls from other threads queue behind, and the drain is posted if any
did. The engine runs here as off any event loop (a caller's own running loop is hidden for
the call), so it schedules nothing on a loop that is not the network loop, and reads the
same way whichever client calls. Everything else takes the queued path.
"""

from __future__ import annotations

from asyncio import events
from typing import TYPE_CHECKING, Any, Callable

from . import _runtime as rt
from ._steps import Resume

if TYPE_CHECKING:
    from ._objects import ShimTransaction

#: Engine calls that never wait: answered on the caller's thread when the transaction allows.
INLINE = frozenset(
    {
        "get",
        "get_key",
        "get_range",
        "get_read_version",
        "get_estimated_range_size_bytes",
        "get_range_split_points",
        "get_addresses_for_key",
        "get_approximate_size",
    }
)

_get_running_loop = events._get_running_loop
_set_running_loop = events._set_running_loop


def off_loop(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` with the calling thread's running loop (if any) hidden meanwhile."""
    loop = _get_running_loop()
    if loop is None:
        return fn(*args)
    _set_running_loop(None)
    try:
        return fn(*args)
    finally:
        _set_running_loop(loop)


def try_inline(shim: ShimTransaction, work: Callable[[], None]) -> bool:
    """Run the queued writes and then `work()` now, on this thread, if `shim` is idle (see
    the module docstring); False, having done nothing, otherwise."""
    exec_lock = shim.exec_lock
    if not exec_lock.acquire(blocking=False):
        return False
    try:
        items = shim.claim()
        if items is None:
            return False
        try:
            off_loop(_run, items, work)
        finally:
            shim.unclaim()
    finally:
        exec_lock.release()
    return True


def _run(items: list[Any], work: Callable[[], None]) -> None:
    for fn, args in items:
        fn(*args)
    work()


def read(shim: ShimTransaction, fut: rt.ShimFuture, coro_of: Callable[[], Any]) -> bool:
    """`try_inline` for the call `coro_of()` builds, which completes `fut`."""
    return try_inline(shim, lambda: _read(shim, fut, coro_of))


def _read(shim: ShimTransaction, fut: rt.ShimFuture, coro_of: Callable[[], Any]) -> None:
    try:
        if shim.tr is None:  # destroyed meanwhile: as the queued path answers
            fut.complete(1025)
            return
        coro = coro_of()
        try:
            yielded = coro.send(None)
        except StopIteration:
            return
    except BaseException:
        fut.complete(4100)  # never leave a returned future without an answer
        raise
    # The call wants to wait after all: the rest runs as a task on the network loop.
    shim.requeue_first(shim.resume, (fut, coro, yielded))


def resume(fut: rt.ShimFuture, coro: Any, yielded: Any) -> None:
    """On the network loop: drive the rest of a call whose first step ran inline."""
    fut.task = rt.NETWORK.loop.create_task(Resume(coro, yielded))
