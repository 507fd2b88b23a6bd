"""The exported C functions of the test library: databases, tenants, transactions.

Each transaction call is handed to the `ShimTransaction` on the network loop in call order.
Keys and values are copied out of the caller's memory before the call returns, as libfdb_c does.
Tenants are not provided by the embedded engine: opening one succeeds (libfdb_c does not check
existence there) and using it fails with 2136 tenants_disabled.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from found._errors import FoundException
from found._options import PARAM_KINDS, TransactionOption

from . import _databases
from . import _runtime as rt
from ._databases import SharedDatabase
from ._objects import ShimDatabase, ShimTransaction

log = logging.getLogger("found.shim")

close_all = _databases.close_all
TENANTS_DISABLED = 2136
TRANSACTION_OPTIONS = frozenset(PARAM_KINDS[TransactionOption])


def _value(result: Any) -> Any:
    if result is None:
        return 0, rt.ffi.NULL, 0
    buf, length = rt.c_bytes(result)
    return 1, buf, length


def _key(result: bytes) -> Any:
    return rt.c_bytes(result)


def _keyvalues(result: Any) -> Any:
    pairs, more = result
    return rt.c_keyvalues(pairs, bool(more))


def _int(result: Any) -> int:
    return int(result)


def _none(_result: Any) -> None:
    return None


class ShimTenant:
    """An `FDBTenant` handle (tenants are disabled in the embedded engine)."""

    def __init__(self, name: bytes) -> None:
        self.name = name
        self.handle: Any = None
        self.ptr: Any = None


def install(ffi: Any) -> None:
    """Define the database, tenant and transaction exports."""
    net = rt.NETWORK

    def data(ptr: Any, length: int) -> bytes:
        return ffi.buffer(ptr, length)[:] if length > 0 else b""

    def option_value(value: Any, length: int) -> Any:
        return None if value == ffi.NULL else data(value, length)

    def tr_of(ptr: Any) -> ShimTransaction:
        return rt.lookup(ptr)

    # -- databases and tenants ------------------------------------------------------------

    @ffi.def_extern(error=4100)
    def fdb_create_database(path: Any, out: Any) -> int:
        if net.state == "new":
            return 2008
        if net.on_network_thread():
            return 2026
        try:
            cluster_file = _databases.resolve_cluster_file(
                ffi.string(path).decode() if path != ffi.NULL else None
            )
            directory = _databases.database_directory(cluster_file)
            shared = net.run_coroutine(SharedDatabase.acquire(directory))
        except FoundException as exc:
            return exc.code
        except Exception:
            log.exception("opening the embedded database failed")
            return 4100
        out[0] = rt.register(ShimDatabase(shared), "FDBDatabase *")
        return 0

    @ffi.def_extern()
    def fdb_database_destroy(ptr: Any) -> None:
        try:
            db = rt.unregister(ptr)
            if isinstance(db, ShimDatabase) and net.loop is not None:
                net.post(db.shared.release)
        except BaseException:  # late in interpreter shutdown: nothing left to release
            pass

    @ffi.def_extern(error=4100)
    def fdb_database_set_option(ptr: Any, code: int, value: Any, length: int) -> int:
        db = rt.lookup(ptr)
        if not isinstance(db, ShimDatabase):
            return 2000
        param = option_value(value, length)
        try:
            net.call(db.shared.edb.set_option, code, param)
        except FoundException as exc:
            return exc.code
        return 0

    @ffi.def_extern(error=4100)
    def fdb_database_create_transaction(ptr: Any, out: Any) -> int:
        db = rt.lookup(ptr)
        if not isinstance(db, ShimDatabase):
            return 2000
        out[0] = rt.register(db.create_transaction(), "FDBTransaction *")
        return 0

    @ffi.def_extern(error=4100)
    def fdb_database_open_tenant(ptr: Any, name: Any, length: int, out: Any) -> int:
        out[0] = rt.register(ShimTenant(data(name, length)), "FDBTenant *")
        return 0

    @ffi.def_extern()
    def fdb_database_get_client_status(ptr: Any) -> Any:
        status = {"Healthy": True, "InitializationState": "created", "Client": "found-shim"}
        return rt.completed_future(rt.c_bytes(json.dumps(status).encode()))

    @ffi.def_extern()
    def fdb_tenant_destroy(ptr: Any) -> None:
        try:
            rt.unregister(ptr)
        except BaseException:  # late in interpreter shutdown
            pass

    @ffi.def_extern()
    def fdb_tenant_get_id(ptr: Any) -> Any:
        return rt.failed_future(TENANTS_DISABLED)

    @ffi.def_extern(error=4100)
    def fdb_tenant_create_transaction(ptr: Any, out: Any) -> int:
        return TENANTS_DISABLED

    # -- transactions: void calls -------------------------------------------------------

    @ffi.def_extern()
    def fdb_transaction_destroy(ptr: Any) -> None:
        try:
            tr = rt.unregister(ptr)
            if isinstance(tr, ShimTransaction):
                tr.destroy()
        except BaseException:  # late in interpreter shutdown: nothing left to release
            pass

    @ffi.def_extern()
    def fdb_transaction_cancel(ptr: Any) -> None:
        tr_of(ptr).post("cancel")

    @ffi.def_extern()
    def fdb_transaction_reset(ptr: Any) -> None:
        tr_of(ptr).post("reset")

    @ffi.def_extern()
    def fdb_transaction_set_read_version(ptr: Any, version: int) -> None:
        tr_of(ptr).post("set_read_version", version)

    @ffi.def_extern()
    def fdb_transaction_set(ptr: Any, key: Any, klen: int, value: Any, vlen: int) -> None:
        tr_of(ptr).post("set", data(key, klen), data(value, vlen))

    @ffi.def_extern()
    def fdb_transaction_clear(ptr: Any, key: Any, klen: int) -> None:
        tr_of(ptr).post("clear", data(key, klen))

    @ffi.def_extern()
    def fdb_transaction_clear_range(ptr: Any, begin: Any, blen: int, end: Any, elen: int) -> None:
        tr_of(ptr).post("clear_range", data(begin, blen), data(end, elen))

    @ffi.def_extern()
    def fdb_transaction_atomic_op(
        ptr: Any, key: Any, klen: int, param: Any, plen: int, op: int
    ) -> None:
        tr_of(ptr).post("atomic_op", data(key, klen), data(param, plen), op)

    # -- transactions: synchronous calls with a result --------------------------------------

    @ffi.def_extern(error=4100)
    def fdb_transaction_set_option(ptr: Any, code: int, value: Any, length: int) -> int:
        # As in libfdb_c: only an unknown code fails at once; value errors are deferred.
        if code not in TRANSACTION_OPTIONS:
            return 2007
        tr_of(ptr).post("set_option", code, option_value(value, length))
        return 0

    @ffi.def_extern(error=4100)
    def fdb_transaction_add_conflict_range(
        ptr: Any, begin: Any, blen: int, end: Any, elen: int, kind: int
    ) -> int:
        tr = tr_of(ptr)
        code, _ = tr.call("add_conflict_range", data(begin, blen), data(end, elen), kind)
        return code

    @ffi.def_extern(error=4100)
    def fdb_transaction_get_committed_version(ptr: Any, out: Any) -> int:
        code, version = tr_of(ptr).call("get_committed_version")
        if not code:
            out[0] = version
        return code

    # -- transactions: future-returning calls ---------------------------------------------

    def start(ptr: Any, method: str, args: tuple, convert: Any) -> Any:
        tr = tr_of(ptr)
        if not isinstance(tr, ShimTransaction):
            return rt.failed_future(1025)
        return tr.start(method, args, convert)

    @ffi.def_extern()
    def fdb_transaction_get_read_version(ptr: Any) -> Any:
        return start(ptr, "get_read_version", (), _int)

    @ffi.def_extern()
    def fdb_transaction_get(ptr: Any, key: Any, klen: int, snapshot: int) -> Any:
        return start(ptr, "get", (data(key, klen), bool(snapshot)), _value)

    @ffi.def_extern()
    def fdb_transaction_get_key(
        ptr: Any, key: Any, klen: int, or_equal: int, offset: int, snapshot: int
    ) -> Any:
        args = (data(key, klen), bool(or_equal), offset, bool(snapshot))
        return start(ptr, "get_key", args, _key)

    @ffi.def_extern()
    def fdb_transaction_get_range(
        ptr: Any, bkey: Any, blen: int, b_or_equal: int, b_offset: int,
        ekey: Any, elen: int, e_or_equal: int, e_offset: int,
        limit: int, target_bytes: int, mode: int, iteration: int, snapshot: int, reverse: int,
    ) -> Any:  # fmt: skip
        args = (
            data(bkey, blen), bool(b_or_equal), b_offset,
            data(ekey, elen), bool(e_or_equal), e_offset,
            limit, target_bytes, mode, iteration, bool(snapshot), bool(reverse),
        )  # fmt: skip
        return start(ptr, "get_range", args, _keyvalues)

    @ffi.def_extern()
    def fdb_transaction_get_estimated_range_size_bytes(
        ptr: Any, begin: Any, blen: int, end: Any, elen: int
    ) -> Any:
        args = (data(begin, blen), data(end, elen))
        return start(ptr, "get_estimated_range_size_bytes", args, _int)

    @ffi.def_extern()
    def fdb_transaction_get_range_split_points(
        ptr: Any, begin: Any, blen: int, end: Any, elen: int, chunk_size: int
    ) -> Any:
        args = (data(begin, blen), data(end, elen), chunk_size)
        return start(ptr, "get_range_split_points", args, rt.c_keys)

    @ffi.def_extern()
    def fdb_transaction_get_addresses_for_key(ptr: Any, key: Any, klen: int) -> Any:
        return start(ptr, "get_addresses_for_key", (data(key, klen),), rt.c_strings)

    @ffi.def_extern()
    def fdb_transaction_watch(ptr: Any, key: Any, klen: int) -> Any:
        return start(ptr, "watch", (data(key, klen),), _none)

    @ffi.def_extern()
    def fdb_transaction_commit(ptr: Any) -> Any:
        return start(ptr, "commit", (), _none)

    @ffi.def_extern()
    def fdb_transaction_get_versionstamp(ptr: Any) -> Any:
        return start(ptr, "get_versionstamp", (), _key)

    @ffi.def_extern()
    def fdb_transaction_get_approximate_size(ptr: Any) -> Any:
        return start(ptr, "get_approximate_size", (), _int)

    @ffi.def_extern()
    def fdb_transaction_on_error(ptr: Any, code: int) -> Any:
        return start(ptr, "on_error", (code,), _none)
