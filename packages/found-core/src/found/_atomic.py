"""FoundationDB's atomic operations as pure functions over byte strings.

`apply_atomic(op, existing, param)` computes the value a key holds after the mutation `op`
(a `MutationType` code) is applied to its current value `existing` (`None` when the key is
absent). It returns `None` when the key ends up cleared (COMPARE_AND_CLEAR). The embedded
engine calls it at commit time and the transaction calls it to show pending atomic operations
to its own reads, so both always agree with what a FoundationDB storage server would store
(API version >= 510 semantics: AND and MIN on a missing key store the parameter).

The module also holds the versionstamp helpers shared by the transaction and the engine:
the 4-byte little-endian offset suffix of SET_VERSIONSTAMPED_KEY / _VALUE parameters is
validated and stripped here, and the 10-byte stamp is spliced in at commit.
"""

from __future__ import annotations

import struct
from typing import Callable, Optional

VALUE_SIZE_LIMIT = 100_000

ADD = 2
BIT_AND = 6
BIT_OR = 7
BIT_XOR = 8
APPEND_IF_FITS = 9
MAX = 12
MIN = 13
SET_VERSIONSTAMPED_KEY = 14
SET_VERSIONSTAMPED_VALUE = 15
BYTE_MIN = 16
BYTE_MAX = 17
MIN_V2 = 18
AND_V2 = 19
COMPARE_AND_CLEAR = 20

#: Every mutation code accepted by `atomic_op` (the two versionstamp operations included).
ATOMIC_CODES = frozenset(
    {
        ADD,
        BIT_AND,
        BIT_OR,
        BIT_XOR,
        APPEND_IF_FITS,
        MAX,
        MIN,
        SET_VERSIONSTAMPED_KEY,
        SET_VERSIONSTAMPED_VALUE,
        BYTE_MIN,
        BYTE_MAX,
        MIN_V2,
        AND_V2,
        COMPARE_AND_CLEAR,
    }
)

VERSIONSTAMP_CODES = frozenset({SET_VERSIONSTAMPED_KEY, SET_VERSIONSTAMPED_VALUE})


def _resize(data: bytes, size: int) -> bytes:
    """Truncate or zero-extend `data` to `size` bytes (little-endian integer semantics)."""
    if len(data) >= size:
        return data[:size]
    return data + bytes(size - len(data))


def _to_int(data: bytes) -> int:
    return int.from_bytes(data, "little")


def _from_int(number: int, size: int) -> bytes:
    return (number % (1 << (8 * size))).to_bytes(size, "little") if size else b""


def _add(existing: Optional[bytes], param: bytes) -> bytes:
    if not existing:
        return param
    size = len(param)
    return _from_int(_to_int(_resize(existing, size)) + _to_int(param), size)


def _bitwise(combine: Callable[[int, int], int], missing_is_param: bool) -> Callable[..., bytes]:
    def apply(existing: Optional[bytes], param: bytes) -> bytes:
        if existing is None or (not existing and missing_is_param):
            return param
        size = len(param)
        return _from_int(combine(_to_int(_resize(existing, size)), _to_int(param)), size)

    return apply


def _append_if_fits(existing: Optional[bytes], param: bytes) -> bytes:
    if not existing:
        return param
    if len(existing) + len(param) > VALUE_SIZE_LIMIT:
        return existing
    return existing + param


def _max(existing: Optional[bytes], param: bytes) -> bytes:
    if not existing:
        return param
    size = len(param)
    resized = _resize(existing, size)
    return param if _to_int(param) >= _to_int(resized) else resized


def _min(existing: Optional[bytes], param: bytes) -> bytes:
    if existing is None:
        return param
    size = len(param)
    resized = _resize(existing, size)
    return param if _to_int(param) <= _to_int(resized) else resized


def _byte_min(existing: Optional[bytes], param: bytes) -> bytes:
    if existing is None:
        return param
    return existing if existing < param else param


def _byte_max(existing: Optional[bytes], param: bytes) -> bytes:
    if existing is None:
        return param
    return existing if existing > param else param


def _compare_and_clear(existing: Optional[bytes], param: bytes) -> Optional[bytes]:
    if existing is None or existing == param:
        return None
    return existing


_OPERATIONS: dict[int, Callable[[Optional[bytes], bytes], Optional[bytes]]] = {
    ADD: _add,
    BIT_AND: _bitwise(lambda a, b: a & b, missing_is_param=False),
    AND_V2: _bitwise(lambda a, b: a & b, missing_is_param=False),
    BIT_OR: _bitwise(lambda a, b: a | b, missing_is_param=True),
    BIT_XOR: _bitwise(lambda a, b: a ^ b, missing_is_param=True),
    APPEND_IF_FITS: _append_if_fits,
    MAX: _max,
    MIN: _min,
    MIN_V2: _min,
    BYTE_MIN: _byte_min,
    BYTE_MAX: _byte_max,
    COMPARE_AND_CLEAR: _compare_and_clear,
}


def apply_atomic(op: int, existing: Optional[bytes], param: bytes) -> Optional[bytes]:
    """The value after applying mutation `op` with `param` to `existing` (None = absent).

    Returns None when the key is left absent (COMPARE_AND_CLEAR matched, or was applied to a
    missing key). Raises ValueError for a code that is not a value-transforming atomic op
    (the versionstamp operations are resolved at commit, not here).
    """
    try:
        operation = _OPERATIONS[op]
    except KeyError:
        raise ValueError(f"mutation type {op} is not an atomic value operation") from None
    return operation(existing, param)


# -- versionstamps ---------------------------------------------------------------------------

STAMP_SIZE = 10
_OFFSET = struct.Struct("<i")


def split_stamp_offset(data: bytes) -> Optional[tuple[bytes, int]]:
    """Strip the trailing little-endian int32 offset from a versionstamped key or value.

    Returns (body, offset), or None when the input is too short or the offset does not leave
    room for the 10-byte stamp inside the body (FoundationDB then fails with 2000).
    """
    if len(data) < _OFFSET.size:
        return None
    body = data[: -_OFFSET.size]
    (offset,) = _OFFSET.unpack(data[-_OFFSET.size :])
    if offset < 0 or offset + STAMP_SIZE > len(body):
        return None
    return body, offset


def place_stamp(data: bytes, stamp: bytes) -> bytes:
    """Fill the stamp into a validated versionstamped key or value (offset suffix included)."""
    split = split_stamp_offset(data)
    if split is None:
        raise ValueError("invalid versionstamp offset")
    body, offset = split
    return body[:offset] + stamp + body[offset + STAMP_SIZE :]


def make_versionstamp(version: int, batch_index: int = 0) -> bytes:
    """The 10-byte versionstamp: 8-byte big-endian commit version, 2-byte big-endian index."""
    return struct.pack(">QH", version, batch_index)
