"""Building the libfdb_c-compatible test library with cffi's embedding mode.

The library is tied to the interpreter that builds it (it links that interpreter's libpython, or
libpypy3-c), so it is built once per interpreter, at test time, and cached under
`$FOUND_SHIM_CACHE` (default: `<repo>/.nox/shim`) in a folder keyed by
`sys.implementation.cache_tag` and a hash of the shim's sources and the interpreter's path.
It is named `libfdb_c.so`, so the official binding finds it through `LD_LIBRARY_PATH` and the
driver through `FOUND_LIBFDB_C`. Its exported functions are implemented in `_exports`.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MODULE = "_found_fdb_shim"
LIBRARY_NAME = "libfdb_c.so"

C_TYPES = """
#include <stdint.h>
typedef int fdb_error_t;
typedef int fdb_bool_t;
typedef struct FDBFuture FDBFuture;
typedef struct FDBDatabase FDBDatabase;
typedef struct FDBTenant FDBTenant;
typedef struct FDBTransaction FDBTransaction;
typedef void (*FDBCallback)(FDBFuture *future, void *callback_parameter);
#pragma pack(push, 4)
typedef struct FDBKey { const uint8_t *key; int key_length; } FDBKey;
typedef struct FDBKeyValue {
    const uint8_t *key; int key_length; const uint8_t *value; int value_length;
} FDBKeyValue;
#pragma pack(pop)
"""

# API mode takes the packed layout from the C compiler (`C_TYPES`), hence "...;".
STRUCTS_CDEF = """
typedef struct FDBKey { const uint8_t *key; int key_length; ...; } FDBKey;
typedef struct FDBKeyValue {
    const uint8_t *key; int key_length; const uint8_t *value; int value_length; ...;
} FDBKeyValue;
"""

TYPES_CDEF = """
typedef int fdb_error_t;
typedef int fdb_bool_t;
typedef struct FDBFuture FDBFuture;
typedef struct FDBDatabase FDBDatabase;
typedef struct FDBTenant FDBTenant;
typedef struct FDBTransaction FDBTransaction;
typedef void (*FDBCallback)(FDBFuture *future, void *callback_parameter);
"""

# Every symbol `fdb.api_version(730)` binds, plus what found's driver calls, plus two counters
# the driver's tests read (`found_shim_*`).
EXPORTS = """
const char *fdb_get_error(fdb_error_t code);
fdb_bool_t fdb_error_predicate(int predicate_test, fdb_error_t code);
fdb_error_t fdb_select_api_version_impl(int runtime_version, int header_version);
int fdb_get_max_api_version(void);
const char *fdb_get_client_version(void);
fdb_error_t fdb_network_set_option(int option, const uint8_t *value, int value_length);
fdb_error_t fdb_setup_network(void);
fdb_error_t fdb_run_network(void);
fdb_error_t fdb_stop_network(void);
fdb_error_t fdb_add_network_thread_completion_hook(void (*hook)(void *), void *hook_parameter);

void fdb_future_cancel(FDBFuture *f);
void fdb_future_release_memory(FDBFuture *f);
void fdb_future_destroy(FDBFuture *f);
fdb_error_t fdb_future_block_until_ready(FDBFuture *f);
fdb_bool_t fdb_future_is_ready(FDBFuture *f);
fdb_error_t fdb_future_set_callback(FDBFuture *f, FDBCallback callback, void *callback_parameter);
fdb_error_t fdb_future_get_error(FDBFuture *f);
fdb_error_t fdb_future_get_int64(FDBFuture *f, int64_t *out);
fdb_error_t fdb_future_get_uint64(FDBFuture *f, uint64_t *out);
fdb_error_t fdb_future_get_key(FDBFuture *f, const uint8_t **out_key, int *out_key_length);
fdb_error_t fdb_future_get_value(FDBFuture *f, fdb_bool_t *out_present,
                                 const uint8_t **out_value, int *out_value_length);
fdb_error_t fdb_future_get_keyvalue_array(FDBFuture *f, const FDBKeyValue **out_kv,
                                          int *out_count, fdb_bool_t *out_more);
fdb_error_t fdb_future_get_key_array(FDBFuture *f, const FDBKey **out_key_array, int *out_count);
fdb_error_t fdb_future_get_string_array(FDBFuture *f, const char ***out_strings, int *out_count);

fdb_error_t fdb_create_database(const char *cluster_file_path, FDBDatabase **out_database);
void fdb_database_destroy(FDBDatabase *d);
fdb_error_t fdb_database_set_option(FDBDatabase *d, int option, const uint8_t *value,
                                    int value_length);
fdb_error_t fdb_database_create_transaction(FDBDatabase *d, FDBTransaction **out_transaction);
fdb_error_t fdb_database_open_tenant(FDBDatabase *d, const uint8_t *tenant_name,
                                     int tenant_name_length, FDBTenant **out_tenant);
FDBFuture *fdb_database_get_client_status(FDBDatabase *d);
void fdb_tenant_destroy(FDBTenant *t);
FDBFuture *fdb_tenant_get_id(FDBTenant *t);
fdb_error_t fdb_tenant_create_transaction(FDBTenant *t, FDBTransaction **out_transaction);

void fdb_transaction_destroy(FDBTransaction *tr);
void fdb_transaction_cancel(FDBTransaction *tr);
void fdb_transaction_reset(FDBTransaction *tr);
fdb_error_t fdb_transaction_set_option(FDBTransaction *tr, int option, const uint8_t *value,
                                       int value_length);
void fdb_transaction_set_read_version(FDBTransaction *tr, int64_t version);
FDBFuture *fdb_transaction_get_read_version(FDBTransaction *tr);
FDBFuture *fdb_transaction_get(FDBTransaction *tr, const uint8_t *key_name, int key_name_length,
                               fdb_bool_t snapshot);
FDBFuture *fdb_transaction_get_key(FDBTransaction *tr, const uint8_t *key_name,
                                   int key_name_length, fdb_bool_t or_equal, int offset,
                                   fdb_bool_t snapshot);
FDBFuture *fdb_transaction_get_range(FDBTransaction *tr,
                                     const uint8_t *begin_key_name, int begin_key_name_length,
                                     fdb_bool_t begin_or_equal, int begin_offset,
                                     const uint8_t *end_key_name, int end_key_name_length,
                                     fdb_bool_t end_or_equal, int end_offset,
                                     int limit, int target_bytes, int mode, int iteration,
                                     fdb_bool_t snapshot, fdb_bool_t reverse);
FDBFuture *fdb_transaction_get_estimated_range_size_bytes(
    FDBTransaction *tr, const uint8_t *begin_key_name, int begin_key_name_length,
    const uint8_t *end_key_name, int end_key_name_length);
FDBFuture *fdb_transaction_get_range_split_points(
    FDBTransaction *tr, const uint8_t *begin_key_name, int begin_key_name_length,
    const uint8_t *end_key_name, int end_key_name_length, int64_t chunk_size);
FDBFuture *fdb_transaction_get_addresses_for_key(FDBTransaction *tr, const uint8_t *key_name,
                                                 int key_name_length);
void fdb_transaction_set(FDBTransaction *tr, const uint8_t *key_name, int key_name_length,
                         const uint8_t *value, int value_length);
void fdb_transaction_clear(FDBTransaction *tr, const uint8_t *key_name, int key_name_length);
void fdb_transaction_clear_range(FDBTransaction *tr, const uint8_t *begin_key_name,
                                 int begin_key_name_length, const uint8_t *end_key_name,
                                 int end_key_name_length);
void fdb_transaction_atomic_op(FDBTransaction *tr, const uint8_t *key_name, int key_name_length,
                               const uint8_t *param, int param_length, int operation_type);
fdb_error_t fdb_transaction_add_conflict_range(FDBTransaction *tr,
                                               const uint8_t *begin_key_name,
                                               int begin_key_name_length,
                                               const uint8_t *end_key_name,
                                               int end_key_name_length, int type);
FDBFuture *fdb_transaction_watch(FDBTransaction *tr, const uint8_t *key_name,
                                 int key_name_length);
FDBFuture *fdb_transaction_commit(FDBTransaction *tr);
fdb_error_t fdb_transaction_get_committed_version(FDBTransaction *tr, int64_t *out_version);
FDBFuture *fdb_transaction_get_versionstamp(FDBTransaction *tr);
FDBFuture *fdb_transaction_get_approximate_size(FDBTransaction *tr);
FDBFuture *fdb_transaction_on_error(FDBTransaction *tr, fdb_error_t error);

int found_shim_live_futures(void);
int found_shim_bad_destroys(void);
"""

INIT_CODE = """
import sys
_root = {root!r}
if _root not in sys.path:
    sys.path.append(_root)
from {module} import ffi
from bindingtester.shim import _exports
_exports.install(ffi)
"""


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(HERE.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(sys.executable.encode() + sys.version.encode() + str(REPO).encode())
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    """Where built libraries are kept: `$FOUND_SHIM_CACHE` or `<repo>/.nox/shim`."""
    return Path(os.environ.get("FOUND_SHIM_CACHE") or REPO / ".nox" / "shim")


def library_dir() -> Path:
    """The folder holding this interpreter's `libfdb_c.so` (put it on LD_LIBRARY_PATH)."""
    return cache_root() / f"{sys.implementation.cache_tag}-{_sources_digest()}"


def _pypy_link_dir(work: Path) -> list[str]:
    """PyPy: cffi links `-lpypy3-c`, Debian ships `libpypy3.9-c.so`; bridge with a symlink."""
    if sys.implementation.name != "pypy":
        return []
    for folder in (sysconfig.get_config_var("LIBDIR"), "/usr/lib/x86_64-linux-gnu", "/usr/lib"):
        for candidate in glob.glob(os.path.join(folder or "", "libpypy3*-c.so")):
            link = work / "libpypy3-c.so"
            if not link.exists():
                os.symlink(candidate, link)
            return [str(work)]
    return []


def build_library() -> Path:
    """Build (or reuse) the test library for the running interpreter; return its path."""
    target_dir = library_dir()
    target = target_dir / LIBRARY_NAME
    if target.exists():
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    with open(target_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        _compile(target_dir, target)
    return target


def _compile(target_dir: Path, target: Path) -> None:
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(TYPES_CDEF)
    ffi.cdef(STRUCTS_CDEF)
    ffi.embedding_api(EXPORTS)
    link_dirs = _pypy_link_dir(target_dir)
    libdir = sysconfig.get_config_var("LIBDIR")
    rpaths = [*link_dirs, *([libdir] if libdir else [])]
    ffi.set_source(
        MODULE,
        C_TYPES,
        library_dirs=link_dirs,
        extra_link_args=[f"-Wl,-rpath,{p}" for p in rpaths],
    )
    ffi.embedding_init_code(INIT_CODE.format(root=str(REPO), module=MODULE))
    work = Path(tempfile.mkdtemp(prefix="shim-build-", dir=target_dir))
    old_library_path = os.environ.get("LIBRARY_PATH")
    if link_dirs:
        os.environ["LIBRARY_PATH"] = os.pathsep.join([*link_dirs, old_library_path or ""])
    try:
        built = ffi.compile(tmpdir=str(work), target=LIBRARY_NAME, verbose=False)
        os.replace(built, target)
    finally:
        if link_dirs:
            if old_library_path is None:
                os.environ.pop("LIBRARY_PATH", None)
            else:
                os.environ["LIBRARY_PATH"] = old_library_path
        shutil.rmtree(work, ignore_errors=True)
