"""The one libfdb_c network thread of the process.

libfdb_c runs all its work on a single thread that sits in `fdb_run_network` until
`fdb_stop_network`. It is set up and started the first time a database is opened; an `atexit`
handler stops it and joins the thread, as the C API requires before the process exits.
Network options must be set before the start; completion hooks are installed between
`fdb_setup_network` and `fdb_run_network`, so they too must be added before the first open.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any, Callable, Optional

from .._errors import error
from . import library

log = logging.getLogger("found.capi")

_lock = threading.Lock()
_thread: Optional[threading.Thread] = None
_stopped = False
_hooks: list[Callable[[], None]] = []
_hook_cdata: list[Any] = []  # cffi callbacks kept alive for the life of the process


def set_option(code: int, value: Optional[bytes]) -> None:
    """`fdb_network_set_option(code, value)`; most network options only work before the start."""
    if value is not None and not isinstance(value, bytes):
        raise TypeError("a network option value must be bytes or None")
    ffi, lib = library.load()
    if value is None:
        library.check(lib.fdb_network_set_option(code, ffi.NULL, 0))
    else:
        library.check(lib.fdb_network_set_option(code, value, len(value)))


def add_completion_hook(callback: Callable[[], None]) -> None:
    """Run `callback()` on the network thread when it finishes (after `fdb_stop_network`).

    Must be called before the network starts, as libfdb_c accepts hooks only then (2009
    network_already_setup otherwise).
    """
    if not callable(callback):
        raise TypeError("the completion hook must be callable")
    with _lock:
        if _thread is not None:
            raise error(2009, "Network can be configured only once (add hooks before opening)")
        _hooks.append(callback)


def _run_hook(callback: Callable[[], None]) -> None:
    try:
        callback()
    except Exception:  # a hook must not unwind into C
        log.exception("network thread completion hook failed")


def _install_hooks(ffi: Any, lib: Any) -> None:
    for callback in _hooks:

        def trampoline(_param: Any, _callback: Callable[[], None] = callback) -> None:
            _run_hook(_callback)

        cdata = ffi.callback("void(*)(void *)", trampoline)
        _hook_cdata.append(cdata)
        library.check(lib.fdb_add_network_thread_completion_hook(cdata, ffi.NULL))


def _run(lib: Any) -> None:
    code = lib.fdb_run_network()
    if code:
        log.error("fdb_run_network returned %s", library.make_error(code))


def ensure_started() -> None:
    """Set up and start the network thread once per process."""
    global _thread
    if _thread is not None:
        if _stopped:
            raise error(2025, "Network can only be started once")
        return
    with _lock:
        if _thread is not None:
            return
        ffi, lib = library.load()
        library.check(lib.fdb_setup_network())
        _install_hooks(ffi, lib)
        thread = threading.Thread(target=_run, args=(lib,), name="fdb-network", daemon=True)
        thread.start()
        _thread = thread
        atexit.register(stop)
        log.debug("libfdb_c network thread started (%s)", library.library_path())


def is_network_thread() -> bool:
    """True when called on the network thread (where blocking on a future would deadlock)."""
    return _thread is not None and threading.current_thread() is _thread


def stop() -> None:
    """Stop the network and join its thread; idempotent. Called at interpreter exit."""
    global _stopped
    with _lock:
        if _thread is None or _stopped:
            return
        _stopped = True
        _, lib = library.load()
        code = lib.fdb_stop_network()
    if code:
        log.error("fdb_stop_network failed: %s", library.make_error(code))
        return
    if not is_network_thread():
        _thread.join()
