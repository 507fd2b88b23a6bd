"""The test library answers a read of an idle transaction on the caller's thread, before the
call returns (`bindingtester.shim._inline`), and the driver then takes the ready future's
value without a callback; everything else keeps the queued path and its order."""

from __future__ import annotations

import asyncio
import struct
import threading
from typing import Any

import pytest

from bindingtester.shim._inline import off_loop
from found import FoundException
from found._capi import futures, library

TIMEOUT = 500  # TransactionOption.TIMEOUT


def _get(lib: Any, tr: Any, key: bytes) -> Any:
    return lib.fdb_transaction_get(tr._tr, key, len(key), 0)


async def test_a_read_of_an_idle_transaction_is_ready_at_once(backend, counters) -> None:
    _, lib = library.load()
    baseline = counters.live_futures()
    tr = backend.create_transaction()
    for i in range(5):
        tr.set(b"k%d" % i, b"v%d" % i)  # queued writes: they run first, on this thread
    tr.clear(b"k3")
    for i in range(5):
        fptr = _get(lib, tr, b"k%d" % i)
        assert lib.fdb_future_is_ready(fptr)
        assert futures.take(fptr, futures.extract_value) == (None if i == 3 else b"v%d" % i)
    fptr = _get(lib, tr, b"k0")
    lib.fdb_future_cancel(fptr)  # a ready future keeps its value, as in libfdb_c
    assert futures.take(fptr, futures.extract_value) == b"v0"
    await tr.commit()
    tr.destroy()
    other = backend.create_transaction()
    assert await other.get(b"k4", False) == b"v4"
    other.destroy()
    assert counters.live_futures() == baseline  # every inline future destroyed


async def test_errors_of_inline_reads_arrive_through_the_future(backend) -> None:
    _, lib = library.load()
    tr = backend.create_transaction()
    fptr = _get(lib, tr, b"\xff\x00system")  # a system key without the option: 2004
    assert lib.fdb_future_is_ready(fptr)
    with pytest.raises(FoundException) as caught:
        futures.take(fptr, futures.extract_value)
    assert caught.value.code == 2004
    tr.destroy()


async def test_a_pending_future_keeps_later_calls_in_order(backend) -> None:
    tr = backend.create_transaction()
    tr.set(b"a", b"1")
    watch = tr.watch(b"w")  # pending: later calls go through the loop's queue
    tr.set(b"a", b"2")
    assert await tr.get(b"a", False) == b"2"
    tr.set(b"w", b"changed")
    await tr.commit()
    await asyncio.wait_for(watch, 60)  # its own write changed the watched key
    tr.destroy()


async def test_a_timed_transaction_keeps_the_queued_path(backend) -> None:
    tr = backend.create_transaction()
    tr.set_option(TIMEOUT, struct.pack("<q", 60_000))
    tr.set(b"t", b"v")
    assert await tr.get(b"t", False) == b"v"
    tr.destroy()
    quick = backend.create_transaction()
    quick.set_option(TIMEOUT, struct.pack("<q", 1))
    await asyncio.sleep(0.05)  # well past the 1 ms deadline
    with pytest.raises(FoundException) as caught:
        await quick.get(b"t", False)
    assert caught.value.code == 1031
    quick.destroy()


async def test_threads_sharing_a_transaction_read_their_own_writes(backend) -> None:
    _, lib = library.load()
    tr = backend.create_transaction()
    failures: list[str] = []

    def worker(n: int) -> None:
        for i in range(40):
            key = b"t%d/%02d" % (n, i)
            lib.fdb_transaction_set(tr._tr, key, len(key), key, len(key))
            fptr = _get(lib, tr, key)
            code = lib.fdb_future_block_until_ready(fptr)
            value = futures.take(fptr, futures.extract_value)
            if code or value != key:
                failures.append(f"{key!r}: {code} {value!r}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    await asyncio.get_running_loop().run_in_executor(None, _run_all, threads)
    assert failures == []
    pairs, more = await tr.get_range(b"t", False, 1, b"u", False, 1, 0, 0, -2, 1, False, False)
    assert len(pairs) == 160 and not more
    await tr.commit()
    tr.destroy()


def _run_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


async def test_off_loop_hides_the_running_loop_for_the_call_only() -> None:
    loop = asyncio.get_running_loop()

    def inside() -> str:
        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()
        return "ran"

    assert off_loop(inside) == "ran"
    assert asyncio.get_running_loop() is loop
    with pytest.raises(ZeroDivisionError):
        off_loop(lambda: 1 // 0)
    assert asyncio.get_running_loop() is loop


async def test_a_read_that_waits_after_all_finishes_on_the_network_loop(backend) -> None:
    from bindingtester.shim import _inline
    from bindingtester.shim import _runtime as rt

    tr = backend.create_transaction()
    shim = rt.lookup(tr._tr)  # the library's own object behind the C handle
    fut = rt.new_future()

    async def waits_once() -> None:
        await asyncio.sleep(0)  # a bare yield: the rest must run as a task on the loop
        fut.complete(0, threading.get_ident())

    assert _inline.read(shim, fut, waits_once)
    await asyncio.get_running_loop().run_in_executor(None, fut.wait)
    assert fut.value == rt.NETWORK.thread.ident
    rt.unregister(fut.ptr)
    tr.set(b"after", b"v")  # the transaction is idle again and keeps its order
    assert await tr.get(b"after", False) == b"v"
    tr.destroy()


async def test_synchronous_calls_of_an_idle_transaction_are_answered(backend) -> None:
    reader = backend.create_transaction()
    await reader.get_read_version()  # reads nothing: no conflict range of its own
    writer = backend.create_transaction()
    writer.set(b"c", b"1")
    await writer.commit()
    assert writer.get_committed_version() > 0  # answered on this thread, after the commit
    reader.set(b"other", b"v")  # queued: runs before the next call, on this thread
    reader.add_conflict_range(b"c", b"d", 0)  # the only reason for the conflict below
    with pytest.raises(FoundException) as caught:
        await reader.commit()
    assert caught.value.code == 1020
    reader.destroy()
    writer.destroy()
