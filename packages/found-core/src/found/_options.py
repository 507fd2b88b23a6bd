"""FoundationDB option, mutation, streaming-mode and predicate codes (API 730).

Every code of `fdb.options` that a 7.3 client accepts is an `IntEnum` member here, named in
UPPER_SNAKE as in the official binding (`TransactionOption.TIMEOUT == 500`). Options also carry
their parameter kind so they can be set by name with a Python value: `encode_option` turns
`("timeout", 1000)` into `(500, b"\\xe8\\x03\\0\\0\\0\\0\\0\\0")`, the form backends take.
The 0.13 module-level constants (`FDB_TR_OPTION_*`, `STREAMING_MODE_*`, ...) live in
`found._constants`; the option codes themselves in `found._option_codes`.
"""

from __future__ import annotations

import enum
import struct
from typing import Union

from ._errors import error
from ._option_codes import _PARAMS, DatabaseOption, NetworkOption, ParamKind, TransactionOption

__all__ = [
    "PARAM_KINDS",
    "ConflictRangeType",
    "DatabaseOption",
    "ErrorPredicate",
    "MutationType",
    "NetworkOption",
    "OptionValue",
    "ParamKind",
    "StreamingMode",
    "TransactionOption",
    "encode_option",
    "encode_value",
    "param_kind",
    "resolve_option",
]


class StreamingMode(enum.IntEnum):
    """How eagerly a range read fetches pages (`FDBStreamingMode`)."""

    WANT_ALL = -2
    ITERATOR = -1
    EXACT = 0
    SMALL = 1
    MEDIUM = 2
    LARGE = 3
    SERIAL = 4


class MutationType(enum.IntEnum):
    """Atomic operation codes (`FDBMutationType`); AND/OR/XOR are the deprecated aliases."""

    ADD = 2
    BIT_AND = 6
    AND = 6
    BIT_OR = 7
    OR = 7
    BIT_XOR = 8
    XOR = 8
    APPEND_IF_FITS = 9
    MAX = 12
    MIN = 13
    SET_VERSIONSTAMPED_KEY = 14
    SET_VERSIONSTAMPED_VALUE = 15
    BYTE_MIN = 16
    BYTE_MAX = 17
    COMPARE_AND_CLEAR = 20


class ConflictRangeType(enum.IntEnum):
    """Kind of a manually added conflict range."""

    READ = 0
    WRITE = 1


class ErrorPredicate(enum.IntEnum):
    """Predicates of `fdb_error_predicate`."""

    RETRYABLE = 50000
    MAYBE_COMMITTED = 50001
    RETRYABLE_NOT_COMMITTED = 50002


PARAM_KINDS: dict[type[enum.IntEnum], dict[int, ParamKind]] = {
    enum_type: {
        int(member): next(
            (kind for kind, codes in _PARAMS[enum_type].items() if member in codes),
            ParamKind.NONE,
        )
        for member in enum_type
    }
    for enum_type in _PARAMS
}

OptionValue = Union[None, int, str, bytes]


def param_kind(enum_type: type[enum.IntEnum], code: int) -> ParamKind | None:
    """The parameter kind of option `code` in `enum_type`, or None for an unknown code."""
    return PARAM_KINDS[enum_type].get(int(code))


def resolve_option(enum_type: type[enum.IntEnum], option: int | str) -> int:
    """The integer code of `option`, given as a code, an enum member, or a case-insensitive
    name (`"timeout"`, `"TIMEOUT"`, `"read-your-writes-disable"`). Unknown names raise
    FoundationDB error 2007 invalid_option; unknown integer codes are left to the backend."""
    if isinstance(option, bool):
        raise TypeError(f"option must be an int code or a name, not {type(option).__name__}")
    if isinstance(option, int):
        return int(option)
    if isinstance(option, str):
        key = option.strip().upper().replace("-", "_").replace(" ", "_")
        member = enum_type.__members__.get(key)
        if member is None:
            raise error(2007, f"Option not valid in this context: {option!r}")
        return int(member)
    raise TypeError(f"option must be an int code or a name, not {type(option).__name__}")


def encode_value(kind: ParamKind | None, value: OptionValue) -> bytes | None:
    """Encode a Python option value as libfdb_c expects it.

    `int` becomes an 8-byte little-endian int64, `str` UTF-8 bytes, `bytes` itself, and None
    no parameter. With `kind` known, a mismatching Python type raises TypeError and a value for
    an option that takes none raises 2006 invalid_option_value. With `kind` None (raw code),
    the value is encoded from its Python type alone, as 0.13 did with bytes."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("option value must be int, str or bytes, not bool")
    if kind is ParamKind.NONE:
        raise error(2006, "Option does not take a parameter")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, int):
        if kind in (ParamKind.STRING, ParamKind.BYTES):
            raise TypeError(f"option value must be str or bytes for a {kind.value} option")
        if not -(2**63) <= value < 2**63:
            raise error(2006, "Option value out of the int64 range")
        return struct.pack("<q", value)
    if isinstance(value, str):
        if kind is ParamKind.INT:
            raise TypeError("option value must be an int for an integer option")
        return value.encode("utf-8")
    raise TypeError(f"option value must be int, str or bytes, not {type(value).__name__}")


def encode_option(
    enum_type: type[enum.IntEnum], option: int | str, value: OptionValue = None
) -> tuple[int, bytes | None]:
    """Resolve `option` and encode `value` for it: `(code, parameter bytes or None)`."""
    code = resolve_option(enum_type, option)
    return code, encode_value(param_kind(enum_type, code), value)
