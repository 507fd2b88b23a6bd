"""The test library's C API itself, called raw (cffi ABI mode) in a fresh process: API version
rules, network life cycle errors, future getters and error predicates, as libfdb_c 7.3 has them."""

from __future__ import annotations

import json

PROGRAM = r"""
import json, sys, threading
from cffi import FFI
from found._capi._cdef import CDEF, PACKED_CDEF
from bindingtester.shim import cluster_file_for

ffi = FFI()
ffi.cdef(PACKED_CDEF, pack=4)
ffi.cdef(CDEF)
lib = ffi.dlopen(sys.argv[1])
out = {}
out["api_invalid"] = lib.fdb_select_api_version_impl(731, 730)
out["api_too_new"] = lib.fdb_select_api_version_impl(740, 740)
out["api_ok"] = lib.fdb_select_api_version_impl(730, 730)
out["api_again_same"] = lib.fdb_select_api_version_impl(730, 730)
out["api_again_other"] = lib.fdb_select_api_version_impl(710, 730)
out["max_api"] = lib.fdb_get_max_api_version()
out["message_1020"] = ffi.string(lib.fdb_get_error(1020)).decode()
out["same_pointer"] = lib.fdb_get_error(1020) == lib.fdb_get_error(1020)
out["predicates"] = [lib.fdb_error_predicate(p, c) for p in (50000, 50001, 50002, 1)
                     for c in (1020, 1021, 1007, 2004)]
out["run_before_setup"] = lib.fdb_run_network()
db_out = ffi.new("FDBDatabase **")
out["db_before_setup"] = lib.fdb_create_database(ffi.NULL, db_out)
out["unknown_network_option"] = lib.fdb_network_set_option(4242, ffi.NULL, 0)
out["setup"] = lib.fdb_setup_network()
out["setup_again"] = lib.fdb_setup_network()
thread = threading.Thread(target=lib.fdb_run_network)
thread.start()
out["bad_cluster_file"] = lib.fdb_create_database(sys.argv[3].encode(), db_out)
out["create"] = lib.fdb_create_database(cluster_file_for(sys.argv[2]).encode(), db_out)
db = db_out[0]
tr_out = ffi.new("FDBTransaction **")
lib.fdb_database_create_transaction(db, tr_out)
tr = tr_out[0]
lib.fdb_transaction_set(tr, b"k", 1, b"value", 5)
f = lib.fdb_transaction_get(tr, b"k", 1, 0)
out["block"] = lib.fdb_future_block_until_ready(f)
out["ready"] = lib.fdb_future_is_ready(f)
present, value, length = ffi.new("fdb_bool_t *"), ffi.new("uint8_t **"), ffi.new("int *")
out["get_value"] = lib.fdb_future_get_value(f, present, value, length)
out["value"] = ffi.buffer(value[0], length[0])[:].decode()
lib.fdb_future_release_memory(f)
out["after_release"] = lib.fdb_future_get_value(f, present, value, length)
number = ffi.new("int64_t *")
lib.fdb_future_destroy(f)
w = lib.fdb_transaction_watch(tr, b"w", 1)
out["watch_not_ready"] = lib.fdb_future_get_error(w)
out["get_not_ready"] = lib.fdb_future_get_int64(w, number)
lib.fdb_future_cancel(w)
lib.fdb_future_block_until_ready(w)
out["cancelled"] = lib.fdb_future_get_error(w)
lib.fdb_future_destroy(w)
out["conflict_inverted"] = lib.fdb_transaction_add_conflict_range(tr, b"b", 1, b"a", 1, 0)
out["conflict_bad_type"] = lib.fdb_transaction_add_conflict_range(tr, b"a", 1, b"b", 1, 7)
out["option_unknown"] = lib.fdb_transaction_set_option(tr, 4242, ffi.NULL, 0)
c = lib.fdb_transaction_commit(tr)
lib.fdb_future_block_until_ready(c)
out["commit"] = lib.fdb_future_get_error(c)
lib.fdb_future_destroy(c)
version = ffi.new("int64_t *")
out["committed_version_positive"] = (
    lib.fdb_transaction_get_committed_version(tr, version) == 0 and version[0] > 0)
lib.fdb_transaction_destroy(tr)
lib.fdb_database_destroy(db)
out["stop"] = lib.fdb_stop_network()
thread.join()
out["run_after_stop"] = lib.fdb_run_network()
print(json.dumps(out))
"""


def test_c_api_rules(run_python, shim_path: str, tmp_path) -> None:
    bad = tmp_path / "bad.cluster"
    bad.write_text("description:id@127.0.0.1:4500\n")
    code = PROGRAM.replace("sys.argv[1]", repr(shim_path))
    code = code.replace("sys.argv[2]", repr(str(tmp_path / "db")))
    code = code.replace("sys.argv[3]", repr(str(bad)))
    done = run_python(code, {})
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert out == {
        "api_invalid": 2202,
        "api_too_new": 2203,
        "api_ok": 0,
        "api_again_same": 0,
        "api_again_other": 2201,
        "max_api": 730,
        "message_1020": "Transaction not committed due to conflict with another transaction",
        "same_pointer": True,
        # retryable, maybe_committed, retryable_not_committed, unknown x 1020 1021 1007 2004
        "predicates": [1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0],
        "run_before_setup": 2008,
        "db_before_setup": 2008,
        "unknown_network_option": 2007,
        "setup": 0,
        "setup_again": 2009,
        "bad_cluster_file": 2104,
        "create": 0,
        "block": 0,
        "ready": 1,
        "get_value": 0,
        "value": "value",
        "after_release": 1102,
        "watch_not_ready": 2015,
        "get_not_ready": 2015,
        "cancelled": 1101,
        "conflict_inverted": 2005,
        "conflict_bad_type": 2000,
        "option_unknown": 2007,
        "commit": 0,
        "committed_version_positive": True,
        "stop": 0,
        "run_after_stop": 2025,
    }
