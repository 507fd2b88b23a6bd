"""`Waiter`: what a task awaits for one FDBFuture, woken in the same loop turn as the result.

An `asyncio.Future` hands its result to the awaiting task through `loop.call_soon`, so a
completion drained from the inbox (one loop turn) resumes the task only in the next turn: one
more pass through the selector (a system call that also releases the GIL) per awaited C call.
A `Waiter` is the minimal future that `asyncio.Task` accepts (the duck type it checks for:
`_asyncio_future_blocking`, `get_loop`, `add_done_callback`, `result`, `cancel`): it keeps
the task's wakeup and, when the inbox drain resolves it, the drain runs that wakeup at once
(`wake`). Resolved anywhere else, or cancelled, it schedules its callbacks with `call_soon`
as a Future does. A Waiter is awaited once, by the task that created it, and never handed
out; futures given to callers (watches, versionstamps) stay `asyncio.Future`s.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Generator, Optional

_PENDING = 0
_FINISHED = 1
_FAILED = 2
_CANCELLED = 3


class Waiter:
    """A one-shot future for the FDBFuture `fptr`, also its entry in the pending table."""

    __slots__ = (
        "_asyncio_future_blocking",
        "_callbacks",
        "_loop",
        "_state",
        "_value",
        "afut",
        "extract",
        "finished",
        "fptr",
        "inbox",
        "thread_id",
    )

    def __init__(self, fptr: Any, extract: Any, inbox: Any, thread_id: int) -> None:
        self._asyncio_future_blocking = False
        self._callbacks: list[tuple[Callable[..., Any], Any]] = []
        self._loop = inbox.loop
        self._state = _PENDING
        self._value: Any = None
        self.afut = self  # the completion helper resolves `entry.afut`
        self.fptr = fptr
        self.extract = extract
        self.inbox = inbox
        self.thread_id = thread_id
        self.finished = False

    # -- the future protocol asyncio.Task uses ---------------------------------------------

    def get_loop(self) -> Any:
        return self._loop

    def done(self) -> bool:
        return self._state != _PENDING

    def cancelled(self) -> bool:
        return self._state == _CANCELLED

    def result(self) -> Any:
        state = self._state
        if state == _FINISHED:
            return self._value
        if state == _FAILED:
            raise self._value
        if state == _CANCELLED:
            raise asyncio.CancelledError(*(() if self._value is None else (self._value,)))
        raise asyncio.InvalidStateError("Result is not ready.")

    def exception(self) -> Optional[BaseException]:
        if self._state == _FAILED:
            return self._value
        self.result()  # raises for cancelled and pending
        return None

    def add_done_callback(self, fn: Callable[..., Any], *, context: Any = None) -> None:
        if self._state == _PENDING:
            self._callbacks.append((fn, context))
        else:
            self._loop.call_soon(fn, self, context=context)

    def remove_done_callback(self, fn: Callable[..., Any]) -> int:
        kept = [entry for entry in self._callbacks if entry[0] != fn]
        removed = len(self._callbacks) - len(kept)
        self._callbacks = kept
        return removed

    def cancel(self, msg: Any = None) -> bool:
        if self._state != _PENDING:
            return False
        self._state = _CANCELLED
        self._value = msg
        self._schedule()
        return True

    def set_result(self, value: Any) -> None:
        self._state = _FINISHED
        self._value = value
        if not self.inbox.waking:
            self._schedule()

    def set_exception(self, exc: BaseException) -> None:
        self._state = _FAILED
        self._value = exc
        if not self.inbox.waking:
            self._schedule()

    def __await__(self) -> Generator[Any, None, Any]:
        if self._state == _PENDING:
            self._asyncio_future_blocking = True
            yield self
        return self.result()

    __iter__ = __await__

    # -- waking --------------------------------------------------------------------------

    def _schedule(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for fn, context in callbacks:
            self._loop.call_soon(fn, self, context=context)

    def wake(self) -> None:
        """In the inbox drain, on the loop and outside any task: run the wakeups now."""
        callbacks, self._callbacks = self._callbacks, []
        for fn, context in callbacks:
            if context is None:
                fn(self)
            else:
                context.run(fn, self)
