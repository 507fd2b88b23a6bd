"""`Waiter`, the future a task awaits for one FDBFuture: the protocol asyncio.Task relies on,
waking in the drain's own loop turn, and cancellation through the awaiting task."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from found._capi.waiter import Waiter


class Inbox:
    """What a Waiter needs of the driver's inbox: its loop and the drain's `waking` flag."""

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.waking = False


def make_waiter() -> Waiter:
    return Waiter(None, None, Inbox(asyncio.get_running_loop()), 0)


async def test_result_reaches_an_awaiting_task() -> None:
    waiter = make_waiter()

    async def wait() -> Any:
        return await waiter

    task = asyncio.ensure_future(wait())
    await asyncio.sleep(0)  # the task now waits on the Waiter
    assert not waiter.done()
    waiter.set_result(b"value")  # outside a drain: scheduled like a Future's callbacks
    assert await task == b"value"
    assert waiter.result() == b"value"
    assert waiter.exception() is None


async def test_an_error_is_raised_in_the_task() -> None:
    waiter = make_waiter()
    task = asyncio.ensure_future(_await(waiter))
    await asyncio.sleep(0)
    waiter.set_exception(KeyError("gone"))
    with pytest.raises(KeyError):
        await task
    assert isinstance(waiter.exception(), KeyError)


async def _await(waiter: Waiter) -> Any:
    return await waiter


async def test_in_a_drain_the_task_runs_only_when_woken() -> None:
    waiter = make_waiter()
    steps: list[str] = []

    async def wait() -> None:
        await waiter
        steps.append("resumed")

    task = asyncio.ensure_future(wait())
    await asyncio.sleep(0)
    waiter.inbox.waking = True  # as the drain does while it resolves the Waiter
    waiter.set_result(None)
    waiter.inbox.waking = False
    await asyncio.sleep(0)
    assert steps == []  # nothing was scheduled: the drain wakes it itself
    loop = asyncio.get_running_loop()
    loop.call_soon(waiter.wake)  # outside any task, as in the drain
    await task
    assert steps == ["resumed"]


async def test_cancelling_the_task_cancels_the_waiter() -> None:
    waiter = make_waiter()
    task = asyncio.ensure_future(_await(waiter))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert waiter.cancelled()
    assert not waiter.cancel()  # once only
    with pytest.raises(asyncio.CancelledError):
        waiter.result()


async def test_a_done_waiter_is_awaited_without_suspending() -> None:
    waiter = make_waiter()
    waiter.set_result(7)
    steps = waiter.__await__()
    with pytest.raises(StopIteration) as stop:
        next(steps)
    assert stop.value.value == 7


async def test_callbacks_added_late_or_removed() -> None:
    waiter = make_waiter()
    calls: list[Any] = []
    waiter.add_done_callback(calls.append)
    assert waiter.remove_done_callback(calls.append) == 1
    waiter.set_result(1)
    waiter.add_done_callback(calls.append)  # already done: scheduled at once
    await asyncio.sleep(0)
    assert calls == [waiter]
    with pytest.raises(asyncio.InvalidStateError):
        make_waiter().result()
    assert waiter.get_loop() is asyncio.get_running_loop()


async def test_driver_calls_resume_in_the_drains_turn(backend: Any) -> None:
    # A read, a failed read and a commit through the driver, awaited concurrently and one by
    # one: every result arrives through a Waiter woken by the drain.
    tr = backend.create_transaction()
    tr.set(b"a", b"1")
    results = await asyncio.gather(tr.get(b"a", False), tr.get(b"b", False))
    assert results == [b"1", None]
    assert await tr.get(b"a", False) == b"1"
    await tr.commit()
    tr.destroy()
