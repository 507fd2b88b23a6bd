"""Running a coroutine's first step at once, on the network loop, and the rest as a task.

The test library answers most calls without waiting (an embedded read is a SQLite lookup),
so a future-returning call runs its coroutine's first step inside the queue drain: no task,
no extra loop turn. Only a coroutine that waits (a commit, a watch) becomes a task, driven
from where it stopped (`Resume`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Generator
from typing import Any, Optional


def first_step(loop: asyncio.AbstractEventLoop, coro: Any) -> Optional[asyncio.Task]:
    """Run `coro` up to its first wait; None when it finished, else the task running the rest."""
    try:
        yielded = coro.send(None)
    except StopIteration:
        return None
    return loop.create_task(Resume(coro, yielded))


class Resume(Coroutine):  # type: ignore[type-arg]
    """The rest of a coroutine whose first step already ran, as a coroutine a task drives.

    The task's first `send` hands it what that step yielded (the future it waits on); later
    sends and throws go to the coroutine. A task cancelled before its first step throws into
    the coroutine too, so the started engine call sees the cancellation.
    """

    __slots__ = ("_coro", "_first")

    def __init__(self, coro: Any, yielded: Any) -> None:
        self._coro = coro
        self._first: Any = [yielded]

    def send(self, value: Any) -> Any:
        first = self._first
        if first is not None:
            self._first = None
            return first[0]
        return self._coro.send(value)

    def throw(self, exc: Any, *rest: Any) -> Any:
        self._first = None
        return self._coro.throw(exc, *rest)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, Any, Any]:
        message: Any = None
        error: Optional[BaseException] = None
        while True:
            try:
                yielded = self.send(message) if error is None else self.throw(error)
            except StopIteration as stop:
                return stop.value
            message = error = None
            try:
                message = yield yielded
            except BaseException as exc:  # thrown in by whoever drives this
                error = exc
