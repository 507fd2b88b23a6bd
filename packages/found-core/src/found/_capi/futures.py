"""FDBFuture → asyncio: one C callback for every future, one completion helper.

Life of a future (semantics reference §2): libfdb_c calls the callback registered with
`fdb_future_set_callback` exactly once, either at once on the calling thread (the future was
already ready) or later on the network thread. The callback only finds the waiting entry and
hands it to the waiter's event loop through that loop's inbox (one wakeup for every future
completed before the loop gets to them); `_complete`, always on that loop, reads the result
(or error), resolves the asyncio future unless it is already done (its awaiting task was
cancelled), and destroys the FDBFuture. So every FDBFuture is destroyed exactly once, after
its callback, and never touched afterwards. Cancelling the asyncio future calls
`fdb_future_cancel`, which makes the C future ready with 1101 and brings the callback (and the
destroy) soon after. `wait` awaits a `Waiter` (see `waiter`), which the drain resolves and
whose task it resumes in the same loop turn; `to_asyncio` gives callers an `asyncio.Future`.
A future already ready when registered (libfdb_c then runs its callback inside
`fdb_future_set_callback`, on the calling thread) is completed there, before the await, which
then does not suspend. Reads (`read`) ask `fdb_future_is_ready` first: libfdb_c answers many
at once (read-your-writes cache, a known read version), and a ready one is simply read and
destroyed (`take`), with no callback; commits and `on_error` never are, and skip the check.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from functools import partial
from typing import Any, Callable, TypeVar

from . import extract, library
from .extract import (  # noqa: F401  (re-exported: the transaction picks them from here)
    extract_int64,
    extract_key,
    extract_keys,
    extract_keyvalues,
    extract_none,
    extract_strings,
    extract_value,
)
from .waiter import Waiter

log = logging.getLogger("found.capi")

T = TypeVar("T")
Extract = Callable[[Any], Any]

_ffi: Any = None  # bound by _bind() on first use, with the hot entry points below
_lib: Any = None
_destroy: Any = None
_set_callback: Any = None
_VOID_P: Any = None  # ctypes resolved once (a string type costs a lookup per cast)
_UINTPTR_T: Any = None
_cancel: Any = None
_is_ready: Any = None
_pending: dict[int, _Pending] = {}
_ids = itertools.count(1)
_callback: Any = None


class _Pending:
    """A C future awaited by an asyncio future on `inbox.loop`."""

    __slots__ = ("afut", "extract", "finished", "fptr", "inbox", "thread_id")

    def __init__(self, fptr: Any, afut: asyncio.Future, extract: Extract, inbox: _Inbox) -> None:
        self.fptr = fptr
        self.afut = afut
        self.extract = extract
        self.inbox = inbox
        self.thread_id = threading.get_ident()
        self.finished = False


class _Inbox:
    """Completed futures waiting for one event loop: one wakeup serves all that arrive
    before the loop runs the drain (`call_soon_threadsafe` writes to the loop's self-pipe,
    so batching saves a system call and a thread switch per future under load)."""

    __slots__ = ("entries", "lock", "loop", "scheduled", "waking")

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.entries: list[Any] = []  # _Pending or Waiter
        self.lock = threading.Lock()
        self.scheduled = False
        self.waking = False  # True while the drain resolves a Waiter (it wakes it itself)

    def post(self, entry: Any) -> None:
        """From any thread: queue `entry`, waking the loop unless a drain is already due."""
        with self.lock:
            self.entries.append(entry)
            if self.scheduled:
                return
            self.scheduled = True
        try:
            self.loop.call_soon_threadsafe(self.drain)
        except RuntimeError:  # the loop is closed: nobody waits any more, just release
            with self.lock:  # (and let the next completion find that out too)
                entries, self.entries = self.entries, []
                self.scheduled = False
            for orphan in entries:
                orphan.finished = True
                _destroy(orphan.fptr)

    def drain(self) -> None:
        """On the loop: complete everything queued so far."""
        with self.lock:
            entries, self.entries = self.entries, []
            self.scheduled = False
        self._finish(entries)

    def _finish(self, entries: list[Any]) -> None:
        for index, entry in enumerate(entries):
            self.waking = True
            try:
                _complete(entry)
            finally:
                self.waking = False
            if type(entry) is Waiter:
                try:
                    entry.wake()  # its task's next step, now (see `waiter`)
                except BaseException:  # KeyboardInterrupt or SystemExit out of a task step
                    rest = entries[index + 1 :]
                    if rest:
                        self.loop.call_soon(self._finish, rest)
                    raise


_inboxes: dict[Any, _Inbox] = {}


def _inbox_of(loop: Any) -> _Inbox:
    inbox = _inboxes.get(loop)
    if inbox is None:
        for old in [key for key in _inboxes if key.is_closed()]:  # forget closed loops
            _inboxes.pop(old, None)
        inbox = _inboxes[loop] = _Inbox(loop)
    return inbox


def _bind() -> None:
    global _ffi, _lib, _callback, _destroy, _set_callback, _cancel, _is_ready
    global _VOID_P, _UINTPTR_T
    ffi, lib = library.load()
    _VOID_P = ffi.typeof("void *")
    _UINTPTR_T = ffi.typeof("uintptr_t")
    _callback = ffi.callback("FDBCallback", _on_ready)
    _destroy = lib.fdb_future_destroy
    _set_callback = lib.fdb_future_set_callback
    _cancel = lib.fdb_future_cancel
    _is_ready = lib.fdb_future_is_ready
    extract.bind(ffi, lib)
    _ffi, _lib = ffi, lib


def _on_ready(_fptr: Any, param: Any) -> None:
    """The C callback: runs on the network thread or inside `fdb_future_set_callback`."""
    try:
        entry = _pending.pop(int(_ffi.cast(_UINTPTR_T, param)))
        if threading.get_ident() == entry.thread_id:
            _complete(entry)
        else:
            entry.inbox.post(entry)
    except BaseException:  # nothing may unwind into libfdb_c
        log.exception("FDBFuture callback failed")


def _complete(entry: Any) -> None:
    """The one completion helper, on the waiter's loop: resolve unless done, then destroy.

    Each extractor reads the future's error through its getter (a getter returns the
    future's error code), so a failed future raises from `extract`."""
    if entry.finished:
        return
    entry.finished = True
    fptr = entry.fptr
    afut = entry.afut
    try:
        if not afut.done():
            afut.set_result(entry.extract(fptr))
    except BaseException as exc:  # an error of the future, or of the extractor
        if not afut.done():
            afut.set_exception(exc)
    finally:
        _destroy(fptr)


def _cancel_if_cancelled(entry: _Pending, afut: asyncio.Future) -> None:
    if afut.cancelled() and not entry.finished:
        _cancel(entry.fptr)


def _register(fptr: Any, entry: Any) -> bool:
    """Register the callback of `fptr` for `entry`; on failure resolve it with the error."""
    key = next(_ids)
    _pending[key] = entry
    code = _set_callback(fptr, _callback, _ffi.cast(_VOID_P, key))
    if code:
        _pending.pop(key, None)
        entry.finished = True
        _destroy(fptr)
        entry.afut.set_exception(library.make_error(code))
        return False
    return True


def to_asyncio(fptr: Any, extract: Extract) -> asyncio.Future[Any]:
    """An asyncio future (on the running loop) resolved from the FDBFuture `fptr`, which it
    owns; cancelling that future cancels `fptr`. For futures handed to callers (watches)."""
    if _lib is None:
        _bind()
    loop = asyncio.get_running_loop()
    afut = loop.create_future()
    entry = _Pending(fptr, afut, extract, _inbox_of(loop))
    if _register(fptr, entry):
        afut.add_done_callback(partial(_cancel_if_cancelled, entry))
    return afut


async def wait(fptr: Any, extract: Extract) -> Any:
    """Await the FDBFuture `fptr` and return `extract(fptr)`; takes ownership of `fptr`.
    A cancelled await cancels `fptr` (its callback then destroys it)."""
    if _lib is None:
        _bind()
    waiter = Waiter(fptr, extract, _inbox_of(asyncio.get_running_loop()), threading.get_ident())
    _register(fptr, waiter)
    try:
        return await waiter
    except asyncio.CancelledError:
        if not waiter.finished:
            _cancel(fptr)
        raise


def take(fptr: Any, extract: Extract) -> Any:
    """`extract(fptr)` of a ready FDBFuture, which it destroys (its error raised)."""
    try:
        return extract(fptr)
    finally:
        _destroy(fptr)


async def read(fptr: Any, extract: Extract) -> Any:
    """`wait` for a read: libfdb_c answers many reads before the call returns (its
    read-your-writes cache, a known read version), so ask first whether it is ready; then
    no callback, no `Waiter`, no suspension."""
    if _is_ready(fptr):
        return take(fptr, extract)
    return await wait(fptr, extract)


def pending_count() -> int:
    """Futures whose callback has not fired yet (for tests and leak checks)."""
    return len(_pending)
