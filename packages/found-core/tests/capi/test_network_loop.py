"""The test library's network loop never runs a callback in a Context another thread holds.

Regression test for the CI hang after `test_cancelling_an_awaiting_call_cancels_the_transaction
[capi]` (Python 3.9/3.10/PyPy, about one run in twelve): pytest-asyncio's Runner backport swaps
`contextvars.copy_context` process-wide while it creates the test's task, so a handle another
thread made on the network loop in that instant carried the test thread's Context. The network
loop entered it (for as long as closing the previous test's engine took), the test loop's first
step of the next fixture then failed with "cannot enter context" and was dropped, and the test
loop slept forever. Here the test thread holds a Context while handing the network loop
callbacks that carry it, explicitly and through a patched `copy_context`, exactly as then.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
from typing import Any

import pytest

from bindingtester.shim import _runtime as rt


def _drain(loop: Any) -> None:
    """Block until the network loop ran everything posted before (FIFO): no timeout needed."""
    done: concurrent.futures.Future = concurrent.futures.Future()
    loop.call_soon_threadsafe(done.set_result, None, context=contextvars.Context())
    done.result()


async def test_callbacks_never_enter_a_context_held_elsewhere(
    backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = rt.NETWORK.loop
    held = contextvars.copy_context()
    ran: list[str] = []

    def while_holding() -> None:
        # This thread is inside `held` until the network loop ran everything below.
        loop.call_soon_threadsafe(ran.append, "explicit", context=held)
        with monkeypatch.context() as patch:  # what the Runner backport does for a moment
            patch.setattr(contextvars, "copy_context", lambda: held)
            loop.call_soon_threadsafe(ran.append, "implicit")
            loop.call_soon_threadsafe(loop.call_soon, ran.append, "from the loop")
            loop.call_soon_threadsafe(loop.call_later, 0, ran.append, "timer")
        _drain(loop)
        _drain(loop)  # the timer and the loop's own call_soon need a turn more

    held.run(while_holding)
    assert sorted(ran) == ["explicit", "from the loop", "implicit", "timer"]


async def test_future_callbacks_never_enter_a_context_held_elsewhere(backend: Any) -> None:
    loop = rt.NETWORK.loop
    held = contextvars.copy_context()
    seen: list[Any] = []

    def make_and_resolve() -> None:  # on the network loop
        fut = loop.create_future()
        fut.add_done_callback(lambda f: seen.append(f.result()), context=held)
        fut.set_result("resolved")

    def while_holding() -> None:
        loop.call_soon_threadsafe(make_and_resolve)
        _drain(loop)
        _drain(loop)  # the done callback runs one turn after the result is set

    held.run(while_holding)
    assert seen == ["resolved"]


def _runner_class() -> Any:
    """The Runner pytest-asyncio drives tests with: the backport before 3.11."""
    try:
        from backports.asyncio.runner import Runner
    except ImportError:
        from asyncio import Runner  # type: ignore[attr-defined,no-redef]
    return Runner


def test_a_runner_keeps_its_first_step_while_the_network_loop_works(shim_path: str) -> None:
    """The CI hang end to end: a network-loop callback made while the Runner creates its task.

    A thread posts to the network loop from inside the Runner's task creation (a task factory
    runs there), and the callback stays busy until the Runner's task has run its first step.
    Before the fix that step failed ("cannot enter context") and the run never finished; the
    guard below then stops the loop and the test fails instead of hanging.
    """
    from found._capi import network

    network.ensure_started()
    loop_of_network = rt.NETWORK.loop
    inside = threading.Event()
    release = threading.Event()

    def busy_on_the_network_loop() -> None:
        inside.set()
        release.wait(30)  # a guard: the first step below releases it at once

    def factory(loop: Any, coro: Any, **kwargs: Any) -> Any:
        poster = threading.Thread(
            target=loop_of_network.call_soon_threadsafe, args=(busy_on_the_network_loop,)
        )
        poster.start()
        poster.join()
        inside.wait(30)  # the network thread is running the callback now
        return asyncio.tasks.Task(coro, loop=loop, **kwargs)

    def guard(loop: asyncio.AbstractEventLoop) -> None:  # only reached on the old hang
        release.set()
        loop.stop()

    def loop_factory() -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        loop.set_task_factory(factory)
        loop.call_later(20, guard, loop)  # turns the old hang into a failure; not a measurement
        return loop

    async def first_step() -> str:
        release.set()
        return "ran"

    runner = _runner_class()(loop_factory=loop_factory)
    try:
        outcome = runner.run(first_step())
    except RuntimeError as exc:  # the guard stopped the loop: the first step was dropped
        runner.get_loop().close()  # its task can never finish: do not wait for it
        pytest.fail(f"the Runner's first step was lost to the network loop ({exc})")
    runner.close()
    assert outcome == "ran"
