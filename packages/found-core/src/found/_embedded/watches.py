"""Watches of one embedded transaction (semantics reference §9, §15.16).

A watch remembers the value its transaction could read when it was created. Until the
transaction commits only the transaction's own later writes can fire it: a set to another
value, a clear of a present value, or any atomic operation. Once the commit succeeds the
remaining watches are handed to the engine, which fires them when the stored value differs;
each counts against the database's `max_watches` (1032 over it) until it fires, fails or is
cancelled. A reset, retry, cancel or destroy before commit fails them with 1025; a failed
commit fails them with its error.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from .._errors import FoundException, error

_Pending = tuple[bytes, Optional[bytes], "asyncio.Future[None]"]


def _fire(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _fail(future: asyncio.Future[None], exc: FoundException) -> None:
    if not future.done():
        future.set_exception(exc)
        future.exception()  # an abandoned watch must not log "never retrieved"


def running_loop(what: str) -> asyncio.AbstractEventLoop:
    """The running event loop, which the future of `what` (a watch, a versionstamp) belongs
    to. Outside a running loop this fails, as the C API driver does: never create a loop
    nobody would run or close (`get_event_loop()` does that on Python 3.9)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(f"{what} needs a running event loop: call it from async code") from None


class Watches:
    """The not-yet-committed watches of a transaction."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending: list[_Pending] = []

    def add(self, key: bytes, reference: Optional[bytes], future: asyncio.Future[None]) -> None:
        self.pending.append((key, reference, future))

    def on_set(self, key: bytes, value: Optional[bytes]) -> None:
        """The transaction wrote `value` (None = cleared) to `key`."""
        for wkey, reference, future in self.pending:
            if wkey == key and reference != value:
                _fire(future)

    def on_atomic(self, key: bytes) -> None:
        for wkey, _, future in self.pending:
            if wkey == key:
                _fire(future)

    def on_clear_range(self, begin: bytes, end: bytes) -> None:
        for wkey, reference, future in self.pending:
            if begin <= wkey < end and reference is not None:
                _fire(future)

    def fail_all(self, code: int) -> None:
        """Fail every pending watch (reset, cancel, failed commit) and forget them."""
        for _, _, future in self.pending:
            _fail(future, error(code))
        self.pending = []

    def activate(self, database: Any) -> None:
        """After a successful commit: hand the still-pending watches to the engine."""
        pending, self.pending = self.pending, []
        for key, reference, future in pending:
            if future.done():
                continue
            if database.outstanding_watches >= database.max_watches:
                _fail(future, error(1032))
                continue
            _register(database, key, reference, future)


def _register(
    database: Any, key: bytes, reference: Optional[bytes], future: asyncio.Future[None]
) -> None:
    inner = database.engine.watch(key, reference)
    database.outstanding_watches += 1

    def release(_: asyncio.Future[None]) -> None:
        database.outstanding_watches -= 1
        if not inner.done():
            inner.cancel()

    def forward(done: asyncio.Future[None]) -> None:
        if future.done():
            return
        if done.cancelled():
            _fail(future, error(1101))
        elif done.exception() is not None:
            exc = done.exception()
            future.set_exception(exc if isinstance(exc, FoundException) else error(4100))
        else:
            future.set_result(None)

    future.add_done_callback(release)
    inner.add_done_callback(forward)
