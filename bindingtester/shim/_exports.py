"""The exported C functions of the test library: global, network and future calls.

`install(ffi)` runs once, from the library's embedding init code, and defines every export with
`ffi.def_extern`; the database, tenant and transaction calls are in `_exports_db`. Nothing may
raise into C: each export catches and returns an error code (or an error future).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from found._errors import error_message
from found._options import PARAM_KINDS, NetworkOption

from . import _exports_db
from . import _runtime as rt

log = logging.getLogger("found.shim")

API_VERSION = 730
CLIENT_VERSION = b"7.3.0 (found embedded test library)"
MAYBE_COMMITTED = frozenset({1021, 1039})
RETRYABLE_NOT_COMMITTED = frozenset({1020, 1007, 1009, 1038, 1078, 1042, 1051, 1037, 1213, 1223})
_strings: dict[Any, Any] = {}


def _static_string(key: Any, text: bytes) -> Any:
    """A `char*` that stays valid for the life of the process (fdb_get_error's contract)."""
    buf = _strings.get(key)
    if buf is None:
        buf = _strings.setdefault(key, rt.ffi.new("char[]", text))
    return buf


def install(ffi: Any) -> None:
    """Define every export on the embedded module's `ffi`."""
    rt.ffi = ffi
    net = rt.NETWORK

    @ffi.def_extern()
    def fdb_get_error(code: int) -> Any:
        message = "Success" if code == 0 else error_message(code)
        return _static_string(code, message.encode())

    @ffi.def_extern()
    def fdb_error_predicate(predicate: int, code: int) -> int:
        if predicate == 50000:
            return int(code in MAYBE_COMMITTED or code in RETRYABLE_NOT_COMMITTED)
        if predicate == 50001:
            return int(code in MAYBE_COMMITTED)
        if predicate == 50002:
            return int(code in RETRYABLE_NOT_COMMITTED)
        return 0

    @ffi.def_extern()
    def fdb_select_api_version_impl(runtime_version: int, header_version: int) -> int:
        if runtime_version > header_version:
            return 2202
        if header_version > API_VERSION or runtime_version < 13:
            return 2203
        with net.lock:
            if net.api_version and net.api_version != runtime_version:
                return 2201
            net.api_version = runtime_version
        return 0

    @ffi.def_extern()
    def fdb_get_max_api_version() -> int:
        return API_VERSION

    @ffi.def_extern()
    def fdb_get_client_version() -> Any:
        return _static_string("client_version", CLIENT_VERSION)

    @ffi.def_extern(error=4100)
    def fdb_network_set_option(code: int, value: Any, length: int) -> int:
        if code not in PARAM_KINDS[NetworkOption]:
            return 2007
        return 0  # accepted; the embedded engine has no network to tune

    @ffi.def_extern(error=4100)
    def fdb_setup_network() -> int:
        with net.lock:
            if net.state != "new":
                return 2009
            net.loop = rt.NetworkLoop()
            net.state = "setup"
        return 0

    @ffi.def_extern(error=4100)
    def fdb_add_network_thread_completion_hook(hook: Any, param: Any) -> int:
        with net.lock:
            if net.state != "setup":
                return 2008 if net.state == "new" else 2009
            net.hooks.append((hook, param))
        return 0

    @ffi.def_extern(error=4100)
    def fdb_run_network() -> int:
        with net.lock:
            if net.state == "new":
                return 2008
            if net.state != "setup":
                return 2025
            net.state = "running"
            net.thread = threading.current_thread()
        loop = net.loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            net.state = "stopped"
            for hook, param in net.hooks:
                _call_hook(hook, param)
        return 0

    def _call_hook(hook: Any, param: Any) -> None:
        try:
            hook(param)
        except BaseException:
            log.exception("network thread completion hook raised")

    @ffi.def_extern(error=4100)
    def fdb_stop_network() -> int:
        if net.state == "new":
            return 2008
        if net.state in ("setup", "running") and net.loop is not None:
            net.post(lambda: rt.spawn(net.loop, _shutdown()))
        return 0

    async def _shutdown() -> None:
        try:
            await asyncio.wait_for(_exports_db.close_all(), 30)
        except Exception:
            log.exception("closing embedded databases at network stop failed")
        net.loop.stop()

    _install_futures(ffi)
    _exports_db.install(ffi)


def _install_futures(ffi: Any) -> None:
    net = rt.NETWORK

    def fut_of(ptr: Any) -> Any:
        fut = rt.lookup(ptr)
        return fut if isinstance(fut, rt.ShimFuture) else None

    @ffi.def_extern()
    def fdb_future_cancel(ptr: Any) -> None:
        fut = fut_of(ptr)
        if fut is not None and not fut.ready:
            net.post(fut.cancel)

    @ffi.def_extern()
    def fdb_future_release_memory(ptr: Any) -> None:
        fut = fut_of(ptr)
        if fut is not None and fut.ready and not fut.error:
            fut.releases += 1

    @ffi.def_extern()
    def fdb_future_destroy(ptr: Any) -> None:
        try:
            fut = rt.unregister(ptr)
            if fut is not None and not fut.ready and net.loop is not None:
                net.post(fut.cancel)
        except BaseException:  # late in interpreter shutdown: nothing left to release
            pass

    @ffi.def_extern(error=4100)
    def fdb_future_block_until_ready(ptr: Any) -> int:
        fut = fut_of(ptr)
        if fut is None:
            return 2000
        if not fut.ready and net.on_network_thread():
            return 2026
        fut.wait()
        return 0

    @ffi.def_extern()
    def fdb_future_is_ready(ptr: Any) -> int:
        fut = fut_of(ptr)
        return int(fut is not None and fut.ready)

    @ffi.def_extern(error=4100)
    def fdb_future_set_callback(ptr: Any, callback: Any, param: Any) -> int:
        fut = fut_of(ptr)
        if fut is None:
            return 2000
        fut.add_callback(callback, param)
        return 0

    @ffi.def_extern(error=4100)
    def fdb_future_get_error(ptr: Any) -> int:
        fut = fut_of(ptr)
        if fut is None:
            return 2000
        return fut.error if fut.ready else 2015

    def value_of(ptr: Any) -> tuple[int, Any]:
        fut = fut_of(ptr)
        if fut is None:
            return 2000, None
        if not fut.ready:
            return 2015, None
        if fut.error:
            return fut.error, None
        if fut.releases and fut.releases >= fut.gets:
            return 1102, None
        fut.gets += 1
        return 0, fut.value

    @ffi.def_extern(error=4100)
    def fdb_future_get_int64(ptr: Any, out: Any) -> int:
        code, value = value_of(ptr)
        if not code:
            out[0] = value
        return code

    @ffi.def_extern(error=4100)
    def fdb_future_get_uint64(ptr: Any, out: Any) -> int:
        code, value = value_of(ptr)
        if not code:
            out[0] = value
        return code

    @ffi.def_extern(error=4100)
    def fdb_future_get_key(ptr: Any, out_key: Any, out_length: Any) -> int:
        code, value = value_of(ptr)
        if not code:
            out_key[0], out_length[0] = value
        return code

    @ffi.def_extern(error=4100)
    def fdb_future_get_value(ptr: Any, out_present: Any, out_value: Any, out_length: Any) -> int:
        code, value = value_of(ptr)
        if not code:
            out_present[0], out_value[0], out_length[0] = value
        return code

    @ffi.def_extern(error=4100)
    def fdb_future_get_keyvalue_array(ptr: Any, out_kv: Any, out_count: Any, out_more: Any) -> int:
        code, value = value_of(ptr)
        if not code:
            out_kv[0], out_count[0], out_more[0] = value[0], value[1], value[2]
        return code

    @ffi.def_extern(error=4100)
    def fdb_future_get_key_array(ptr: Any, out_keys: Any, out_count: Any) -> int:
        code, value = value_of(ptr)
        if not code:
            out_keys[0], out_count[0] = value[0], value[1]
        return code

    @ffi.def_extern(error=4100)
    def fdb_future_get_string_array(ptr: Any, out_strings: Any, out_count: Any) -> int:
        code, value = value_of(ptr)
        if not code:
            out_strings[0], out_count[0] = value[0], value[1]
        return code

    @ffi.def_extern()
    def found_shim_live_futures() -> int:
        return sum(1 for obj in list(rt.LIVE.values()) if isinstance(obj, rt.ShimFuture))

    @ffi.def_extern()
    def found_shim_bad_destroys() -> int:
        return rt.counters["bad_destroys"]
