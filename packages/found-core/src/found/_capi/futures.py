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
destroy) soon after. `wait` skips all of this for a future that is ready when it is awaited.
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

log = logging.getLogger("found.capi")

T = TypeVar("T")
Extract = Callable[[Any], Any]

_ffi: Any = None  # bound by _bind() on first use, with the hot entry points below
_lib: Any = None
_is_ready: Any = None
_destroy: Any = None
_set_callback: Any = None
_VOID_P: Any = None  # ctypes resolved once (a string type costs a lookup per cast)
_UINTPTR_T: Any = None
_cancel: Any = None
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

    __slots__ = ("entries", "lock", "loop", "scheduled")

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.entries: list[_Pending] = []
        self.lock = threading.Lock()
        self.scheduled = False

    def post(self, entry: _Pending) -> None:
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
        for entry in entries:
            _complete(entry)


_inboxes: dict[Any, _Inbox] = {}


def _inbox_of(loop: Any) -> _Inbox:
    inbox = _inboxes.get(loop)
    if inbox is None:
        for old in [key for key in _inboxes if key.is_closed()]:  # forget closed loops
            _inboxes.pop(old, None)
        inbox = _inboxes[loop] = _Inbox(loop)
    return inbox


def _bind() -> None:
    global _ffi, _lib, _callback, _is_ready, _destroy, _set_callback, _cancel
    global _VOID_P, _UINTPTR_T
    ffi, lib = library.load()
    _VOID_P = ffi.typeof("void *")
    _UINTPTR_T = ffi.typeof("uintptr_t")
    _callback = ffi.callback("FDBCallback", _on_ready)
    _is_ready = lib.fdb_future_is_ready
    _destroy = lib.fdb_future_destroy
    _set_callback = lib.fdb_future_set_callback
    _cancel = lib.fdb_future_cancel
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


def _complete(entry: _Pending) -> None:
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


def _watch(fptr: Any, extract: Extract) -> tuple[asyncio.Future[Any], Any]:
    """Register the callback of `fptr` (owned from here on) for a new future on the running
    loop: (that future, its entry, or None when registering failed and it holds the error)."""
    if _lib is None:
        _bind()
    loop = asyncio.get_running_loop()
    afut = loop.create_future()
    entry = _Pending(fptr, afut, extract, _inbox_of(loop))
    key = next(_ids)
    _pending[key] = entry
    code = _set_callback(fptr, _callback, _ffi.cast(_VOID_P, key))
    if code:
        _pending.pop(key, None)
        entry.finished = True
        _destroy(fptr)
        afut.set_exception(library.make_error(code))
        return afut, None
    return afut, entry


def to_asyncio(fptr: Any, extract: Extract) -> asyncio.Future[Any]:
    """An asyncio future (on the running loop) resolved from the FDBFuture `fptr`, which it
    owns; cancelling that future cancels `fptr`. For futures handed to callers (watches)."""
    afut, entry = _watch(fptr, extract)
    if entry is not None:
        afut.add_done_callback(partial(_cancel_if_cancelled, entry))
    return afut


async def wait_callback(fptr: Any, extract: Extract) -> Any:
    """`wait` for a future that was not ready: through its callback. A cancelled await
    cancels `fptr` (its callback then destroys it)."""
    afut, entry = _watch(fptr, extract)
    try:
        return await afut
    except asyncio.CancelledError:
        if entry is not None and not entry.finished:
            _cancel(fptr)
        raise


async def wait(fptr: Any, extract: Extract) -> Any:
    """Await the FDBFuture `fptr` and return `extract(fptr)`; takes ownership of `fptr`."""
    if _lib is None:
        _bind()
    if _is_ready(fptr):  # fast path: no callback, no loop round trip
        try:
            return extract(fptr)
        finally:
            _destroy(fptr)
    return await wait_callback(fptr, extract)


def pending_count() -> int:
    """Futures whose callback has not fired yet (for tests and leak checks)."""
    return len(_pending)
