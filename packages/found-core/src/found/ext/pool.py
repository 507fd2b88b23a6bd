"""Fan blocking work out to a thread (or process) pool from asyncio, 0.13's `pool` helper.

`await pool_for_each_par_map(loop, pool, f, p, iterator)` runs `p(item)` in `pool` for every
item of `iterator` (a sync or async iterable), keeping at most as many calls in flight as the
pool has workers, and calls `f(result)` on the event loop as each call completes (completion
order, not input order). Items are pulled lazily, so a long or endless iterator is fine.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import AsyncGenerator, AsyncIterable, Iterable
from concurrent.futures import Executor
from typing import Any, Callable, TypeVar, Union

__all__ = ["pool_for_each_par_map"]

T = TypeVar("T")
R = TypeVar("R")


async def _aiter(iterable: Union[Iterable[T], AsyncIterable[T]]) -> AsyncGenerator[T, None]:
    if isinstance(iterable, AsyncIterable):
        async for item in iterable:
            yield item
    else:
        for item in iterable:
            yield item


def _width(pool: Executor) -> int:
    workers = getattr(pool, "_max_workers", None)
    if isinstance(workers, int) and workers > 0:
        return workers
    return os.cpu_count() or 1


async def pool_for_each_par_map(
    loop: asyncio.AbstractEventLoop,
    pool: Executor,
    f: Callable[[R], Any],
    p: Callable[[T], R],
    iterator: Union[Iterable[T], AsyncIterable[T]],
) -> None:
    """Apply `p` in `pool` over `iterator`, calling `f` on each result as it completes.

    `f` may be a plain function or a coroutine function. The first exception raised by `p`
    or `f` cancels the calls not yet started and propagates; calls already running in the
    pool finish in the background, as executor work cannot be interrupted."""
    if not isinstance(pool, Executor):
        raise TypeError(f"pool must be a concurrent.futures.Executor, not {type(pool).__name__}")
    if not callable(f) or not callable(p):
        raise TypeError("f and p must be callables")
    width = _width(pool)
    items = _aiter(iterator)
    pending: set[asyncio.Future[R]] = set()
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < width:
                try:
                    item = await items.__anext__()
                except StopAsyncIteration:
                    exhausted = True
                else:
                    pending.add(loop.run_in_executor(pool, p, item))
            if not pending:
                return
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                out = f(future.result())
                if inspect.isawaitable(out):
                    await out
    finally:
        for future in pending:
            future.cancel()
        await items.aclose()
