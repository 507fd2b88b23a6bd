"""FDBFuture → asyncio: one C callback for every future, one completion helper.

Life of a future (semantics reference §2): libfdb_c calls the callback registered with
`fdb_future_set_callback` exactly once, either at once on the calling thread (the future was
already ready) or later on the network thread. The callback only finds the waiting entry and
hops to the waiter's event loop; `_complete`, always on that loop, reads the result (or error),
resolves the asyncio future unless it is already done (its awaiting task was cancelled), and
destroys the FDBFuture. So every FDBFuture is destroyed exactly once, after its callback, and
never touched afterwards. Cancelling the asyncio future calls `fdb_future_cancel`, which makes
the C future ready with 1101 and brings the callback (and the destroy) soon after.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from functools import partial
from typing import Any, Callable, TypeVar

from . import library

log = logging.getLogger("found.capi")

T = TypeVar("T")
Extract = Callable[[Any], Any]

_ffi: Any = None  # bound by _bind() on first use
_lib: Any = None
_pending: dict[int, _Pending] = {}
_ids = itertools.count(1)
_callback: Any = None


class _Pending:
    """A C future awaited by an asyncio future on `loop`."""

    __slots__ = ("afut", "extract", "finished", "fptr", "loop", "thread_id")

    def __init__(self, fptr: Any, afut: asyncio.Future, extract: Extract, loop: Any) -> None:
        self.fptr = fptr
        self.afut = afut
        self.extract = extract
        self.loop = loop
        self.thread_id = threading.get_ident()
        self.finished = False


def _bind() -> None:
    global _ffi, _lib, _callback
    ffi, lib = library.load()
    _callback = ffi.callback("FDBCallback", _on_ready)
    _ffi, _lib = ffi, lib


def _on_ready(_fptr: Any, param: Any) -> None:
    """The C callback: runs on the network thread or inside `fdb_future_set_callback`."""
    try:
        entry = _pending.pop(int(_ffi.cast("uintptr_t", param)))
        if threading.get_ident() == entry.thread_id:
            _complete(entry)
            return
        try:
            entry.loop.call_soon_threadsafe(_complete, entry)
        except RuntimeError:  # the loop is closed: nobody waits any more, just release
            entry.finished = True
            _lib.fdb_future_destroy(entry.fptr)
    except BaseException:  # nothing may unwind into libfdb_c
        log.exception("FDBFuture callback failed")


def _complete(entry: _Pending) -> None:
    """The one completion helper, on the waiter's loop: resolve unless done, then destroy."""
    if entry.finished:
        return
    entry.finished = True
    fptr = entry.fptr
    afut = entry.afut
    try:
        if not afut.done():
            code = _lib.fdb_future_get_error(fptr)
            if code:
                afut.set_exception(library.make_error(code))
            else:
                afut.set_result(entry.extract(fptr))
    except BaseException as exc:  # an extract failure still resolves the waiter
        if not afut.done():
            afut.set_exception(exc)
    finally:
        _lib.fdb_future_destroy(fptr)


def _cancel_if_cancelled(entry: _Pending, afut: asyncio.Future) -> None:
    if afut.cancelled() and not entry.finished:
        _lib.fdb_future_cancel(entry.fptr)


def to_asyncio(fptr: Any, extract: Extract) -> asyncio.Future[Any]:
    """An asyncio future (on the running loop) resolved from the FDBFuture `fptr`, which it owns."""
    if _lib is None:
        _bind()
    loop = asyncio.get_running_loop()
    afut = loop.create_future()
    entry = _Pending(fptr, afut, extract, loop)
    key = next(_ids)
    _pending[key] = entry
    afut.add_done_callback(partial(_cancel_if_cancelled, entry))
    code = _lib.fdb_future_set_callback(fptr, _callback, _ffi.cast("void *", key))
    if code:
        _pending.pop(key, None)
        entry.finished = True
        _lib.fdb_future_destroy(fptr)
        afut.set_exception(library.make_error(code))
    return afut


async def wait(fptr: Any, extract: Extract) -> Any:
    """Await the FDBFuture `fptr` and return `extract(fptr)`; takes ownership of `fptr`."""
    if _lib is None:
        _bind()
    if _lib.fdb_future_is_ready(fptr):  # fast path: no callback, no loop round trip
        try:
            library.check(_lib.fdb_future_get_error(fptr))
            return extract(fptr)
        finally:
            _lib.fdb_future_destroy(fptr)
    return await to_asyncio(fptr, extract)


def pending_count() -> int:
    """Futures whose callback has not fired yet (for tests and leak checks)."""
    return len(_pending)


# -- extractors: read a ready future's value; the memory stays owned by the future ------------


def extract_none(_fptr: Any) -> None:
    return None


def extract_int64(fptr: Any) -> int:
    out = _ffi.new("int64_t *")
    library.check(_lib.fdb_future_get_int64(fptr, out))
    return int(out[0])


def extract_value(fptr: Any) -> Any:
    present = _ffi.new("fdb_bool_t *")
    value = _ffi.new("uint8_t **")
    length = _ffi.new("int *")
    library.check(_lib.fdb_future_get_value(fptr, present, value, length))
    if not present[0]:
        return None
    return _ffi.buffer(value[0], length[0])[:]


def extract_key(fptr: Any) -> bytes:
    key = _ffi.new("uint8_t **")
    length = _ffi.new("int *")
    library.check(_lib.fdb_future_get_key(fptr, key, length))
    return _ffi.buffer(key[0], length[0])[:]


def extract_keyvalues(fptr: Any) -> tuple[list[tuple[bytes, bytes]], bool]:
    array = _ffi.new("FDBKeyValue **")
    count = _ffi.new("int *")
    more = _ffi.new("fdb_bool_t *")
    library.check(_lib.fdb_future_get_keyvalue_array(fptr, array, count, more))
    buffer = _ffi.buffer
    kvs = array[0]
    pairs = []
    for i in range(count[0]):
        kv = kvs[i]
        pairs.append((buffer(kv.key, kv.key_length)[:], buffer(kv.value, kv.value_length)[:]))
    return pairs, bool(more[0])


def extract_keys(fptr: Any) -> list[bytes]:
    array = _ffi.new("FDBKey **")
    count = _ffi.new("int *")
    library.check(_lib.fdb_future_get_key_array(fptr, array, count))
    keys = array[0]
    return [_ffi.buffer(keys[i].key, keys[i].key_length)[:] for i in range(count[0])]


def extract_strings(fptr: Any) -> list[bytes]:
    array = _ffi.new("char ***")
    count = _ffi.new("int *")
    library.check(_lib.fdb_future_get_string_array(fptr, array, count))
    strings = array[0]
    return [_ffi.string(strings[i]) for i in range(count[0])]
