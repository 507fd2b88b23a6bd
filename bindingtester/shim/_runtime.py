"""State of the test library inside its host process: the network loop, handles, futures.

"The network thread" is whichever thread calls `fdb_run_network`: it runs one asyncio loop on
which every embedded database and transaction of the library lives. Other threads only post
work to that loop (`call_soon_threadsafe`, FIFO, so calls keep their order, as libfdb_c
marshals them), or wait for a result when the C call is synchronous.

C handles (`FDBFuture*`, `FDBDatabase*`, ...) are addresses of cffi handles; the objects are
kept in `LIVE` by address until destroyed, so a destroyed or foreign pointer is recognised
instead of dereferenced. A `ShimFuture` keeps every buffer it hands out until destroyed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import sys
import threading
from typing import Any, Callable, Optional

# Bound at import from the implementation module, never looked up on `contextvars` at call
# time: see `NetworkLoop`.
try:
    from _contextvars import Context, copy_context
except ImportError:  # pragma: no cover - an implementation without the private module
    from contextvars import Context, copy_context

log = logging.getLogger("found.shim")

ffi: Any = None  # the embedded module's FFI, set by _exports.install
LIVE: dict[int, Any] = {}
counters = {"bad_destroys": 0}


class NetworkLoop(asyncio.SelectorEventLoop):  # type: ignore[misc,valid-type]
    """The network thread's event loop: every callback runs in a context of its own.

    asyncio runs each callback inside a `contextvars.Context`, and a Context can be entered
    by one thread at a time. On Python < 3.11 the Runner backport that pytest-asyncio uses
    replaces `contextvars.copy_context` (and `asyncio.tasks.Task`) process-wide while it
    creates a task, so a handle or task created on any other thread during that window
    carries the test thread's own Context. Run on this thread, it entered that Context;
    when the test loop then stepped its task in it, the step failed ("cannot enter
    context") and was dropped, and the test loop waited forever. Here a given context is
    copied and a missing one is copied with the C function bound at import, so no callback
    of this loop can hold a Context another thread uses. Nothing on the network loop uses
    context variables, so running each callback in a copy changes nothing else.
    """

    def call_soon(self, callback: Any, *args: Any, context: Optional[Context] = None) -> Any:
        return super().call_soon(callback, *args, context=_own(context))

    def call_soon_threadsafe(
        self, callback: Any, *args: Any, context: Optional[Context] = None
    ) -> Any:
        return super().call_soon_threadsafe(callback, *args, context=_own(context))

    def call_at(
        self, when: float, callback: Any, *args: Any, context: Optional[Context] = None
    ) -> Any:
        return super().call_at(when, callback, *args, context=_own(context))


def _own(context: Optional[Context]) -> Context:
    return copy_context() if context is None else context.copy()


class Network:
    """The library's network: one asyncio loop, run by `fdb_run_network`."""

    def __init__(self) -> None:
        self.api_version = 0
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.thread: Optional[threading.Thread] = None
        self.state = "new"  # new -> setup -> running -> stopped
        self.hooks: list[tuple[Any, Any]] = []
        self.lock = threading.Lock()

    def on_network_thread(self) -> bool:
        return self.thread is not None and threading.current_thread() is self.thread

    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` on the network loop, after everything posted before."""
        self.loop.call_soon_threadsafe(fn, *args)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(*args)` on the loop (after earlier posts) and wait for its result."""
        if self.on_network_thread():
            return fn(*args)
        done: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(fn(*args))
            except BaseException as exc:
                done.set_exception(exc)

        self.post(run)
        return done.result()

    def run_coroutine(self, coro: Any, timeout: float = 60.0) -> Any:
        """Run a coroutine on the loop and wait for it (never from the network thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


NETWORK = Network()


def address(ptr: Any) -> int:
    return int(ffi.cast("uintptr_t", ptr))


def register(obj: Any, ctype: str) -> Any:
    """Give `obj` a C handle of type `ctype` and keep it alive until `unregister`."""
    handle = ffi.new_handle(obj)
    obj.handle = handle
    ptr = ffi.cast(ctype, handle)
    obj.ptr = ptr
    LIVE[address(ptr)] = obj
    return ptr


def lookup(ptr: Any) -> Any:
    return LIVE.get(address(ptr))


def unregister(ptr: Any) -> Any:
    obj = LIVE.pop(address(ptr), None)
    if obj is None:
        counters["bad_destroys"] += 1
    return obj


EAGER_TASKS = sys.version_info >= (3, 12)


def spawn(loop: asyncio.AbstractEventLoop, coro: Any) -> asyncio.Task:
    """Start `coro` as a task; eagerly where Python allows (3.12+): its first step runs now."""
    if EAGER_TASKS:
        return asyncio.Task(coro, loop=loop, eager_start=True)
    return loop.create_task(coro)


class ShimFuture:
    """An `FDBFuture`: a result or error, callbacks fired once, buffers kept until destroy."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ready = False
        self.error = 0
        self.value: Any = None
        self.callbacks: list[tuple[Any, Any]] = []
        self.event: Optional[threading.Event] = None
        self.task: Optional[asyncio.Task] = None
        self.gets = 0
        self.releases = 0
        self.handle: Any = None
        self.ptr: Any = None

    def complete(self, error: int, value: Any = None) -> None:
        with self.lock:
            if self.ready:
                return
            self.error = error
            self.value = value
            self.ready = True
            callbacks, self.callbacks = self.callbacks, []
            event = self.event
        if event is not None:
            event.set()
        for callback, param in callbacks:
            fire(callback, self.ptr, param)

    def add_callback(self, callback: Any, param: Any) -> None:
        with self.lock:
            if not self.ready:
                self.callbacks.append((callback, param))
                return
        fire(callback, self.ptr, param)

    def wait(self) -> None:
        with self.lock:
            if self.ready:
                return
            if self.event is None:
                self.event = threading.Event()
            event = self.event
        event.wait()

    def cancel(self) -> None:
        """Not ready: becomes ready with 1101 operation_cancelled, and its work is stopped."""
        if self.ready:
            return
        task = self.task
        if task is not None and not task.done():
            task.cancel()
        self.complete(1101)


def fire(callback: Any, ptr: Any, param: Any) -> None:
    try:
        callback(ptr, param)
    except BaseException:
        log.exception("FDBCallback raised")


def new_future() -> ShimFuture:
    fut = ShimFuture()
    register(fut, "FDBFuture *")
    return fut


def failed_future(code: int) -> Any:
    fut = new_future()
    fut.complete(code)
    return fut.ptr


def completed_future(value: Any) -> Any:
    fut = new_future()
    fut.complete(0, value)
    return fut.ptr


# -- converting Python results into the C shapes the getters hand out -----------------------


def c_bytes(data: bytes) -> tuple[Any, int]:
    """A `uint8_t*` to a copy of `data` (kept alive by the returned cdata) and its length."""
    buf = ffi.new("uint8_t[]", max(len(data), 1))
    if data:
        ffi.memmove(buf, data, len(data))
    return buf, len(data)


def c_keyvalues(pairs: list[tuple[bytes, bytes]], more: bool) -> tuple[Any, int, bool, Any]:
    blob = b"".join(k + v for k, v in pairs)
    base, _ = c_bytes(blob)
    items = []
    offset = 0
    for key, value in pairs:
        klen = len(key)
        vlen = len(value)
        items.append((base + offset, klen, base + offset + klen, vlen))
        offset += klen + vlen
    array = ffi.new("FDBKeyValue[]", items) if items else ffi.NULL
    return array, len(items), more, base


def c_keys(keys: list[bytes]) -> tuple[Any, int, Any]:
    base, _ = c_bytes(b"".join(keys))
    items = []
    offset = 0
    for key in keys:
        items.append((base + offset, len(key)))
        offset += len(key)
    array = ffi.new("FDBKey[]", items) if items else ffi.NULL
    return array, len(items), base


def c_strings(strings: list[bytes]) -> tuple[Any, int, list[Any]]:
    bufs = [ffi.new("char[]", s) for s in strings]
    array = ffi.new("char *[]", bufs) if bufs else ffi.NULL
    return array, len(bufs), bufs
