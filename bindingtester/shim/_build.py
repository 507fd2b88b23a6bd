"""Building the libfdb_c-compatible test library with cffi's embedding mode.

The library is tied to the interpreter that builds it (it links that interpreter's libpython, or
libpypy3-c), so it is built once per interpreter, at test time, and cached under
`$FOUND_SHIM_CACHE` (default: `<repo>/.nox/shim`) in a folder keyed by
`sys.implementation.cache_tag` and a hash of the shim's sources, the C declarations it takes
from the driver (`found._capi._cdef`) and the interpreter's path.
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

from found._capi import _cdef

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MODULE = "_found_fdb_shim"
LIBRARY_NAME = "libfdb_c.so"

#: The test library's own type beyond the driver's (tenants, bound by the official binding).
EXTRA_TYPES = "typedef struct FDBTenant FDBTenant;\n"

TYPES_CDEF = _cdef.TYPES_CDEF + EXTRA_TYPES

#: The C source the compiler sees: the driver's typedefs and structs, the structs under the
#: 4-byte packing of `fdb_c_types.h`.
C_TYPES = (
    "#include <stdint.h>\n"
    + TYPES_CDEF
    + "#pragma pack(push, 4)\n"
    + _cdef.PACKED_CDEF
    + "#pragma pack(pop)\n"
)

# API mode takes the packed layout from the compiler (`C_TYPES`): the driver's structs, each
# declared open ("...;") so that cffi asks the compiler for offsets and size.
STRUCTS_CDEF = _cdef.PACKED_CDEF.replace("} FDBKey", "...; } FDBKey")
if STRUCTS_CDEF.count("...;") != 2:  # the driver's struct text changed shape: fail loudly
    raise RuntimeError("cannot derive the test library's struct declarations from _cdef")

#: Exported beyond what found's driver calls: what `fdb.api_version(730)` also binds, and two
#: counters the driver's tests read (`found_shim_*`).
EXTRA_EXPORTS = """
fdb_error_t fdb_future_get_uint64(FDBFuture *f, uint64_t *out);
fdb_error_t fdb_database_open_tenant(FDBDatabase *d, const uint8_t *tenant_name,
                                     int tenant_name_length, FDBTenant **out_tenant);
FDBFuture *fdb_database_get_client_status(FDBDatabase *d);
void fdb_tenant_destroy(FDBTenant *t);
FDBFuture *fdb_tenant_get_id(FDBTenant *t);
fdb_error_t fdb_tenant_create_transaction(FDBTenant *t, FDBTransaction **out_transaction);

int found_shim_live_futures(void);
int found_shim_bad_destroys(void);
"""

#: Every entry point the test library exports: the driver's declarations, one source of truth.
EXPORTS = _cdef.FUNCTIONS_CDEF + EXTRA_EXPORTS

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
    for text in (C_TYPES, TYPES_CDEF, STRUCTS_CDEF, EXPORTS):  # the driver's declarations too
        digest.update(text.encode())
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
