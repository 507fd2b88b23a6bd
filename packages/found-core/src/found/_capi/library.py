"""Finding and loading libfdb_c, and turning its error codes into exceptions.

The library is located once per process: the path in the environment variable
`FOUND_LIBFDB_C` if set, else the platform's default name (`libfdb_c.so`, `libfdb_c.dylib`,
`fdb_c.dll`) resolved by the dynamic linker. Loading selects API version 730 at once, because
every other entry point of libfdb_c is routed through that selection.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Optional

from cffi import FFI

from .._errors import BaseFoundException, FoundException, error
from ._cdef import API_VERSION, CDEF, PACKED_CDEF

ENV_VAR = "FOUND_LIBFDB_C"

_INSTALL_HINT = (
    "Install the FoundationDB 7.3 client package (https://github.com/apple/foundationdb/releases, "
    "e.g. foundationdb-clients_7.3.x_amd64.deb), or point the environment variable "
    f"{ENV_VAR} at libfdb_c; or use the embedded engine: found.open(directory=...)."
)


class LibraryUnavailableError(BaseFoundException, OSError):
    """libfdb_c could not be loaded (not installed, wrong path, or too old for API 730)."""


def default_library_name() -> str:
    """The name the dynamic linker is asked for on this platform."""
    if sys.platform == "darwin":
        return "libfdb_c.dylib"
    if sys.platform.startswith("win"):
        return "fdb_c.dll"
    return "libfdb_c.so"


def library_path() -> str:
    """The path or name that will be loaded: `$FOUND_LIBFDB_C` or the platform default."""
    return os.environ.get(ENV_VAR) or default_library_name()


_lock = threading.Lock()
_loaded: Optional[tuple[FFI, Any]] = None
_messages: dict[int, str] = {}


def load() -> tuple[FFI, Any]:
    """Load libfdb_c and select API version 730; cached. Raises `LibraryUnavailableError`."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        ffi = FFI()
        ffi.cdef(PACKED_CDEF, pack=4)
        ffi.cdef(CDEF)
        path = library_path()
        try:
            lib = ffi.dlopen(path)
        except OSError as exc:
            raise LibraryUnavailableError(
                f"cannot load the FoundationDB client library {path!r}: {exc}. {_INSTALL_HINT}"
            ) from None
        try:
            code = lib.fdb_select_api_version_impl(API_VERSION, API_VERSION)
        except AttributeError as exc:
            raise LibraryUnavailableError(
                f"{path!r} is not libfdb_c: {exc}. {_INSTALL_HINT}"
            ) from None
        if code == 2203:
            max_version = lib.fdb_get_max_api_version()
            raise LibraryUnavailableError(
                f"{path!r} supports API version {max_version} at most; found needs "
                f"{API_VERSION} (FoundationDB 7.3). {_INSTALL_HINT}"
            )
        if code not in (0, 2201):
            raise _make_error(ffi, lib, code)
        _loaded = (ffi, lib)
        return _loaded


def available() -> bool:
    """True when libfdb_c loads and accepts API version 730."""
    try:
        load()
    except (LibraryUnavailableError, FoundException):
        return False
    return True


def _make_error(ffi: FFI, lib: Any, code: int) -> FoundException:
    message = _messages.get(code)
    if message is None:
        message = ffi.string(lib.fdb_get_error(code)).decode("utf-8", "replace")
        _messages[code] = message
    return error(code, message)


def make_error(code: int) -> FoundException:
    """The exception for a libfdb_c error code, with the message `fdb_get_error` gives."""
    ffi, lib = load()
    return _make_error(ffi, lib, code)


def check(code: int) -> None:
    """Raise the error for a non-zero `fdb_error_t`."""
    if code:
        raise make_error(code)


def client_version() -> str:
    """The version string of the loaded libfdb_c (`fdb_get_client_version`)."""
    ffi, lib = load()
    return ffi.string(lib.fdb_get_client_version()).decode("utf-8", "replace")
