"""`found.ext.pool.pool_for_each_par_map`: results of a thread pool fed back to the loop."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from found.ext.pool import pool_for_each_par_map


def _square(x: int) -> int:
    return x * x


async def test_every_item_is_mapped_and_seen() -> None:
    loop = asyncio.get_running_loop()
    out: list[int] = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        await pool_for_each_par_map(loop, pool, out.append, _square, range(50))
    assert sorted(out) == [x * x for x in range(50)]


async def test_async_iterator_and_async_callback() -> None:
    loop = asyncio.get_running_loop()
    out: list[int] = []

    async def items() -> Any:
        for i in range(10):
            yield i

    async def collect(value: int) -> None:
        await asyncio.sleep(0)
        out.append(value)

    with ThreadPoolExecutor(max_workers=2) as pool:
        await pool_for_each_par_map(loop, pool, collect, _square, items())
    assert sorted(out) == [x * x for x in range(10)]


async def test_in_flight_calls_never_exceed_the_pool_width() -> None:
    loop = asyncio.get_running_loop()
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}
    release = threading.Event()

    def work(x: int) -> int:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
            if state["now"] == 4:
                release.set()  # the pool is full: let everything run from now on
        release.wait()
        with lock:
            state["now"] -= 1
        return x

    out: list[int] = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        await pool_for_each_par_map(loop, pool, out.append, work, range(20))
    assert sorted(out) == list(range(20))
    assert state["peak"] == 4


async def test_errors_propagate() -> None:
    loop = asyncio.get_running_loop()

    def fail(x: int) -> int:
        if x == 3:
            raise ZeroDivisionError("three")
        return x

    with ThreadPoolExecutor(max_workers=2) as pool:
        with pytest.raises(ZeroDivisionError, match="three"):
            await pool_for_each_par_map(loop, pool, lambda v: None, fail, range(10))
        with pytest.raises(TypeError, match="pool"):
            await pool_for_each_par_map(loop, "pool", print, fail, range(3))  # type: ignore[arg-type]
