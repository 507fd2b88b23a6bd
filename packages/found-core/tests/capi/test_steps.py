"""The test library runs a call's first step in its queue drain and the rest as a task
(`bindingtester.shim._steps`); writes to a quiet transaction wait in its queue."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import found
from bindingtester.shim._steps import Resume, first_step


async def test_a_coroutine_that_does_not_wait_needs_no_task() -> None:
    done: list[int] = []

    async def answer() -> None:
        done.append(42)

    assert first_step(asyncio.get_running_loop(), answer()) is None
    assert done == [42]


async def test_the_rest_of_a_waiting_coroutine_runs_as_a_task() -> None:
    loop = asyncio.get_running_loop()
    gate = loop.create_future()
    steps: list[str] = []

    async def commit() -> str:
        steps.append("started")
        value = await gate
        steps.append("finished")
        return value

    task = first_step(loop, commit())
    assert steps == ["started"]  # the first step ran at once
    assert task is not None
    gate.set_result("ok")
    assert await task == "ok"
    assert steps == ["started", "finished"]


async def test_a_task_cancelled_before_its_first_step_cancels_the_coroutine() -> None:
    loop = asyncio.get_running_loop()
    gate = loop.create_future()
    seen: list[str] = []

    async def commit() -> None:
        try:
            await gate
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    task = first_step(loop, commit())
    assert task is not None
    task.cancel()  # before the task took its first step
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled"]


async def test_resume_can_also_be_awaited() -> None:
    loop = asyncio.get_running_loop()
    gate = loop.create_future()

    async def later() -> int:
        return await gate + 1

    coro = later()
    resume = Resume(coro, coro.send(None))
    loop.call_soon(gate.set_result, 1)
    assert await resume == 2


async def test_deferred_writes_are_seen_by_every_later_call(db: Any) -> None:
    # Writes to a quiet transaction wait in its queue; each kind of later call runs them first.
    tx = found.make_transaction(db)
    for i in range(5):
        found.set(tx, b"d%d" % i, b"v")
    found.clear(tx, b"d0")
    assert await found.get(tx, b"d1") == b"v"
    assert await found.get(tx, b"d0") is None
    found.set(tx, b"d9", b"w")
    rows = [kv async for kv in found.query(tx, b"d", b"e")]
    assert [k for k, _ in rows] == [b"d1", b"d2", b"d3", b"d4", b"d9"]
    found.set(tx, b"late", b"x")
    await found.commit(tx)
    assert await found.transactional(db, lambda tx: found.get(tx, b"late")) == b"x"
