"""FDBFuture → asyncio: both callback paths, cancellation, and destroy-exactly-once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from found import FoundException
from found._capi import futures, library


async def settle(counters, baseline: int) -> int:
    """Wait (by polling the library, no timing assertion) until its live futures drop back."""
    for _ in range(2000):
        if counters.live_futures() <= baseline:
            break
        await asyncio.sleep(0.005)
    return counters.live_futures()


async def test_callback_at_once_on_the_calling_thread(backend, counters) -> None:
    _, lib = library.load()
    tr = backend.create_transaction()
    fptr = lib.fdb_transaction_get_read_version(tr._tr)
    await asyncio.get_running_loop().run_in_executor(None, lib.fdb_future_block_until_ready, fptr)
    assert lib.fdb_future_is_ready(fptr)
    afut = futures.to_asyncio(fptr, futures.extract_int64)
    # The future was ready: libfdb_c ran the callback inside set_callback, on this thread,
    # and the completion helper resolved the asyncio future before to_asyncio returned.
    assert afut.done()
    assert await afut > 0
    tr.destroy()


async def test_callback_later_on_the_network_thread(backend) -> None:
    _, lib = library.load()
    loop_thread = threading.get_ident()
    seen = []

    def extract(fptr):
        seen.append(threading.get_ident())
        return futures.extract_none(fptr)

    watcher = backend.create_transaction()
    fptr = lib.fdb_transaction_watch(watcher._tr, b"watched", len(b"watched"))
    await watcher.commit()
    afut = futures.to_asyncio(fptr, extract)
    assert not afut.done()  # nothing changed the key: no result until the commit below
    writer = backend.create_transaction()
    writer.set(b"watched", b"new value")
    await writer.commit()
    # The watch fires on the library's network thread; the result is read on this loop.
    assert await afut is None
    assert seen == [loop_thread]
    watcher.destroy()
    writer.destroy()


async def test_every_future_is_destroyed_once(backend, counters) -> None:
    baseline = counters.live_futures()
    bad = counters.bad_destroys()
    tr = backend.create_transaction()
    for i in range(20):
        tr.set(b"k%02d" % i, b"v")
    results = await asyncio.gather(
        *(tr.get(b"k%02d" % i, False) for i in range(20)),
        tr.get_range(b"", False, 1, b"\xff", False, 1, 0, 0, -2, 1, False, False),
        tr.get_approximate_size(),
    )
    assert results[0] == b"v"
    await tr.commit()
    with pytest.raises(FoundException) as caught:  # an error future is destroyed too
        await tr.on_error(2004)  # not retryable: on_error fails with the same code
    assert caught.value.code == 2004
    tr.destroy()
    assert futures.pending_count() == 0
    assert await settle(counters, baseline) == baseline
    assert counters.bad_destroys() == bad


async def test_cancelling_the_awaiting_task_cancels_the_c_future(backend, counters) -> None:
    baseline = counters.live_futures()
    tr = backend.create_transaction()
    watch = tr.watch(b"never-changes")
    await tr.commit()  # the watch is now live in the engine and will not fire
    waiter = asyncio.ensure_future(watch)
    await asyncio.sleep(0)
    assert not waiter.done()
    waiter.cancel()
    try:
        await waiter
    except asyncio.CancelledError:
        pass
    # fdb_future_cancel made the C future ready (1101); its callback then destroyed it.
    assert await settle(counters, baseline) == baseline
    assert futures.pending_count() == 0
    tr.destroy()


async def test_cancel_during_a_read_releases_everything(backend, counters) -> None:
    baseline = counters.live_futures()
    tr = backend.create_transaction()
    tasks = [asyncio.ensure_future(tr.get(b"x%d" % i, False)) for i in range(50)]
    await asyncio.sleep(0)
    for task in tasks:
        task.cancel()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(o is None or isinstance(o, asyncio.CancelledError) for o in outcomes)
    tr.destroy()
    assert await settle(counters, baseline) == baseline
    assert futures.pending_count() == 0


async def test_errors_carry_code_and_library_message(backend) -> None:
    tr = backend.create_transaction()
    tr.set(b"\xff-system", b"v")  # deferred 2004, raised by the next future
    with pytest.raises(FoundException) as caught:
        await tr.commit()
    assert caught.value.code == 2004
    assert caught.value.message == library.make_error(2004).message
    assert "Key outside legal range" in str(caught.value)
    tr.destroy()


async def test_many_futures_completed_together_all_resolve(backend, counters) -> None:
    baseline = counters.live_futures()
    tr = backend.create_transaction()
    for i in range(200):
        tr.set(b"k%03d" % i, b"v%d" % i)
    values = await asyncio.gather(*(tr.get(b"k%03d" % i, False) for i in range(200)))
    assert values == [b"v%d" % i for i in range(200)]
    tr.destroy()
    assert futures.pending_count() == 0
    assert await settle(counters, baseline) == baseline


async def test_a_failed_read_raises_the_error_its_getter_returns(backend) -> None:
    tr = backend.create_transaction()
    tr.cancel()
    for read in (
        tr.get(b"k", False),
        tr.get_key(b"k", True, 1, False),
        tr.get_read_version(),
        tr.get_range(b"a", False, 1, b"b", False, 1, 0, 0, -2, 1, False, False),
    ):
        with pytest.raises(FoundException) as caught:
            await read
        assert caught.value.code == 1025
    tr.destroy()


class _CountingLoop:
    """Stands in for an event loop: counts wakeups, can be closed."""

    def __init__(self) -> None:
        self.wakeups = 0
        self.closed = False

    def call_soon_threadsafe(self, callback, *args):
        if self.closed:
            raise RuntimeError("Event loop is closed")
        self.wakeups += 1


async def test_one_wakeup_per_batch_and_release_on_a_closed_loop(backend, counters) -> None:
    _, lib = library.load()
    baseline = counters.live_futures()
    tr = backend.create_transaction()
    loop = _CountingLoop()
    inbox = futures._Inbox(loop)

    def entry() -> futures._Pending:
        fptr = lib.fdb_transaction_get_read_version(tr._tr)
        return futures._Pending(fptr, asyncio.get_running_loop().create_future(), None, inbox)

    batch = [entry() for _ in range(3)]
    for item in batch:
        inbox.post(item)
    assert loop.wakeups == 1  # the later two joined the drain already due
    for item in batch:
        item.finished = True  # so that drain releases them without resolving anything
        lib.fdb_future_destroy(item.fptr)
    inbox.drain()
    second = entry()
    inbox.post(second)
    assert loop.wakeups == 2  # the drain ran: the next completion wakes the loop again
    inbox.drain()  # completes it: resolved (here with the stand-in's error) and destroyed
    assert second.finished and second.afut.exception() is not None
    loop.closed = True
    for _ in range(2):  # nobody can wait on a closed loop: each future is released at once
        late = entry()
        inbox.post(late)
        assert late.finished
    tr.destroy()
    assert await settle(counters, baseline) == baseline
