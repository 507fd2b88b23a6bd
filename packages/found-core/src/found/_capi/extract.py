"""Reading a ready FDBFuture's value, or raising its error, for `futures`.

A libfdb_c getter returns the future's error code when the future failed, so each extractor
needs one C call. The out-parameters are allocated once per thread and reused: cffi releases
the GIL during a call, so threads must not share them, and a thread runs one extractor at a
time. The memory the getters point to belongs to the future; everything is copied out before
the caller destroys it.
"""

from __future__ import annotations

import threading
from typing import Any, Optional

from . import library

_ffi: Any = None
_local = threading.local()


class _Outs:
    __slots__ = ("count", "int64", "keys", "kvs", "length", "more", "present", "ptr", "strings")

    def __init__(self, ffi: Any) -> None:
        self.present = ffi.new("fdb_bool_t *")
        self.ptr = ffi.new("uint8_t **")
        self.length = ffi.new("int *")
        self.int64 = ffi.new("int64_t *")
        self.kvs = ffi.new("FDBKeyValue **")
        self.count = ffi.new("int *")
        self.more = ffi.new("fdb_bool_t *")
        self.keys = ffi.new("FDBKey **")
        self.strings = ffi.new("char ***")


def _outs() -> _Outs:
    outs: Optional[_Outs] = getattr(_local, "outs", None)
    if outs is None:
        outs = _local.outs = _Outs(_ffi)
    return outs


_get_error: Any = None
_get_int64: Any = None
_get_value: Any = None
_get_key: Any = None
_get_keyvalues: Any = None
_get_keys: Any = None
_get_strings: Any = None
_buffer: Any = None


def bind(ffi: Any, lib: Any) -> None:
    """Bind the getters of the loaded library (called once, by `futures`)."""
    global _get_error, _get_int64, _get_value, _get_key, _get_keyvalues, _get_keys
    global _get_strings, _buffer, _ffi
    _ffi = ffi
    _get_error = lib.fdb_future_get_error
    _get_int64 = lib.fdb_future_get_int64
    _get_value = lib.fdb_future_get_value
    _get_key = lib.fdb_future_get_key
    _get_keyvalues = lib.fdb_future_get_keyvalue_array
    _get_keys = lib.fdb_future_get_key_array
    _get_strings = lib.fdb_future_get_string_array
    _buffer = ffi.buffer


def extract_none(fptr: Any) -> None:
    code = _get_error(fptr)
    if code:
        raise library.make_error(code)


def extract_int64(fptr: Any) -> int:
    out = _outs().int64
    code = _get_int64(fptr, out)
    if code:
        raise library.make_error(code)
    return int(out[0])


def extract_value(fptr: Any) -> Optional[bytes]:
    outs = _outs()
    code = _get_value(fptr, outs.present, outs.ptr, outs.length)
    if code:
        raise library.make_error(code)
    if not outs.present[0]:
        return None
    return _buffer(outs.ptr[0], outs.length[0])[:]


def extract_key(fptr: Any) -> bytes:
    outs = _outs()
    code = _get_key(fptr, outs.ptr, outs.length)
    if code:
        raise library.make_error(code)
    return _buffer(outs.ptr[0], outs.length[0])[:]


def extract_keyvalues(fptr: Any) -> tuple[list[tuple[bytes, bytes]], bool]:
    outs = _outs()
    code = _get_keyvalues(fptr, outs.kvs, outs.count, outs.more)
    if code:
        raise library.make_error(code)
    buffer = _buffer
    kvs = outs.kvs[0]
    pairs: list[tuple[bytes, bytes]] = []
    append = pairs.append
    for i in range(outs.count[0]):
        kv = kvs[i]
        append((buffer(kv.key, kv.key_length)[:], buffer(kv.value, kv.value_length)[:]))
    return pairs, bool(outs.more[0])


def extract_keys(fptr: Any) -> list[bytes]:
    outs = _outs()
    code = _get_keys(fptr, outs.keys, outs.count)
    if code:
        raise library.make_error(code)
    keys = outs.keys[0]
    return [_buffer(keys[i].key, keys[i].key_length)[:] for i in range(outs.count[0])]


def extract_strings(fptr: Any) -> list[bytes]:
    outs = _outs()
    code = _get_strings(fptr, outs.strings, outs.count)
    if code:
        raise library.make_error(code)
    strings = outs.strings[0]
    return [_ffi.string(strings[i]) for i in range(outs.count[0])]
