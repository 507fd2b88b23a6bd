"""The FoundationDB tuple layer: order-preserving keys from Python values.

Byte-identical to `fdb.tuple` of FoundationDB 7.3. Invariants the encoding keeps:

- Every element starts with a one-byte type code and ends by itself, so a packed tuple is the
  concatenation of its packed elements and `pack(a) + pack(b) == pack(a + b)`.
- Comparing packed bytes (memcmp) orders tuples as `compare` does: element by element, a
  prefix before its extensions, different types by type code (None < bytes < str < nested <
  int < SingleFloat < float < False < True < UUID < Versionstamp), ints numerically across all
  sizes, floats in IEEE total order (-nan < -inf < -0.0 < 0.0 < inf < nan).
- Bytes and str are terminated by 0x00, and each 0x00 inside them is written 0x00 0xff; 0xff is
  never a type code, so the terminator is the first 0x00 not followed by 0xff. Inside a nested
  tuple (0x05 ... 0x00) None is written 0x00 0xff for the same reason.
- Integers use the fewest bytes (0x0c..0x1c for up to 8 bytes, negatives in one's complement);
  like fdb.tuple, magnitudes of 2**64 - 1 and above use the length-prefixed forms 0x1d / 0x0b,
  up to 255 bytes.
- Floats are big-endian IEEE with the sign bit flipped, or every bit flipped when negative.

Decoding accepts everything `fdb.tuple.unpack` reads (including non-minimal integers) and
rejects malformed input with a `ValueError` naming the byte offset. Unsupported Python types
raise `TypeError`. Speed comes from dispatching on the exact type, building integers and
floats with one `to_bytes` or `struct` call, escaping with `bytes.replace`, finding
terminators with `bytes.find`, decoding nested tuples without recursion and joining once; on
CPython, `pack` runs the top level of the tuple inline. On CPython, keys of a shape seen
before (same type codes) decode by one regex match in a generated decoder chosen by the key's
first type code (`found._tuple_shapes`, `found._tuple_table`).
"""

from __future__ import annotations

import builtins
import re
import struct
import sys
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union
from uuid import UUID

from ._tuple_shapes import (
    _FLIP_ALL,
    _FLIP_HIGH,
    _SAFE_UNKNOWN,
    _UUID_SLOTS,
    EMPTY_DISPATCH,
    Dispatch,
    _double,
    _set_int,
    _set_safe,
    _unpack_double,
    new_uuid,
)
from ._tuple_table import TABLE as _SHAPES
from ._versionstamp import (
    SingleFloat,
    Versionstamp,
    _is_ctypes,
    _make_stamp,
    _single_from_bits,
)

__all__ = [
    "SingleFloat",
    "Versionstamp",
    "compare",
    "has_incomplete_versionstamp",
    "pack",
    "pack_with_versionstamp",
    "range",
    "unpack",
]

TupleLike = Union[Tuple[Any, ...], List[Any]]

_BIG = (1 << 64) - 1  # magnitudes from here on use the big-integer codes, as fdb.tuple does
_MASK64 = (1 << 64) - 1
_SIGN64 = 1 << 63
_MASKS = tuple((1 << (8 * n)) - 1 for n in (0, 1, 2, 3, 4, 5, 6, 7, 8))
_POS_HEAD = tuple((0x14 + n) << (8 * n) for n in (0, 1, 2, 3, 4, 5, 6, 7, 8))
_NEG_HEAD = tuple((0x14 - n) << (8 * n) for n in (0, 1, 2, 3, 4, 5, 6, 7, 8))
_F64 = struct.Struct(">d")
_U64 = struct.Struct(">Q")
_U32_LE = struct.Struct("<I")
_STAMP = struct.Struct(">B10sH")


# ----------------------------------------------------------------------------- encoding


def _encode_int(v: int) -> bytes:
    if v > 0:
        if v < _BIG:
            n = (v.bit_length() + 7) >> 3
            return (_POS_HEAD[n] | v).to_bytes(n + 1, "big")
        n = (v.bit_length() + 7) >> 3
        if n > 255:
            raise ValueError(f"integer too large for the tuple layer ({n} bytes, at most 255)")
        return bytes((0x1D, n)) + v.to_bytes(n, "big")
    if v == 0:
        return b"\x14"
    if v > -_BIG:
        n = (v.bit_length() + 7) >> 3
        return (_NEG_HEAD[n] | (_MASKS[n] + v)).to_bytes(n + 1, "big")
    n = (v.bit_length() + 7) >> 3
    if n > 255:
        raise ValueError(f"integer too large for the tuple layer ({n} bytes, at most 255)")
    return bytes((0x0B, n ^ 0xFF)) + (v + (1 << (8 * n)) - 1).to_bytes(n, "big")


def _encode_double(v: float) -> bytes:
    bits = _U64.unpack(_F64.pack(v))[0]
    bits = bits ^ _MASK64 if bits & _SIGN64 else bits | _SIGN64
    return ((0x21 << 64) | bits).to_bytes(9, "big")


def _encode_single(v: SingleFloat) -> bytes:
    bits = v._bits
    bits = bits ^ 0xFFFFFFFF if bits & 0x80000000 else bits | 0x80000000
    return ((0x20 << 32) | bits).to_bytes(5, "big")


def _encode_uuid(v: UUID) -> bytes:
    return (_UUID_HEAD | v.int).to_bytes(17, "big")


def _encode_stamp(v: Versionstamp) -> bytes:
    tr_version, user_version = v.tr_version, v.user_version
    if tr_version is None:
        raise ValueError(
            "incomplete Versionstamp in pack(); use pack_with_versionstamp() for such keys"
        )
    # The attributes are assignable; struct would pad a short version with zeros silently.
    if not isinstance(tr_version, bytes) or len(tr_version) != 10:
        raise ValueError(f"invalid Versionstamp transaction version {tr_version!r}")
    if not isinstance(user_version, int) or not 0 <= user_version <= 0xFFFF:
        raise ValueError(f"invalid Versionstamp user version {user_version!r}")
    return _STAMP.pack(0x33, tr_version, user_version)


def _encode_bool(v: bool) -> bytes:
    return b"\x27" if v else b"\x26"


_ENCODERS: Dict[type, Callable[[Any], bytes]] = {
    float: _encode_double,
    bool: _encode_bool,
    UUID: _encode_uuid,
    SingleFloat: _encode_single,
    Versionstamp: _encode_stamp,
}


def _encode_fallback(v: Any, nested: bool) -> bytes:
    """Subclasses of supported types and ctypes numbers, checked in fdb.tuple's order."""
    if isinstance(v, bytes):
        return b"\x01" + v.replace(b"\x00", b"\x00\xff") + b"\x00"
    if isinstance(v, str):
        return b"\x02" + v.encode().replace(b"\x00", b"\x00\xff") + b"\x00"
    if isinstance(v, int):
        return _encode_int(int(v))
    if isinstance(v, SingleFloat):
        return _encode_single(v)
    if _is_ctypes(v, "c_float"):
        return _encode_single(SingleFloat(v))
    if _is_ctypes(v, "c_double"):
        return _encode_double(v.value)
    if isinstance(v, float):
        return _encode_double(float(v))
    if isinstance(v, UUID):
        return _encode_uuid(v)
    if isinstance(v, Versionstamp):
        return _encode_stamp(v)
    if isinstance(v, (tuple, list)):
        parts = [b"\x05"]
        _encode_into(v, parts.append, True)
        parts.append(b"\x00")
        return b"".join(parts)
    raise TypeError(f"the tuple layer cannot encode {type(v).__qualname__!r} values")


def _encode_into(items: Sequence[Any], append: Callable[[bytes], None], nested: bool) -> None:
    """Append the encoding of each element of `items`; the hot loop of `pack`.

    Common types are tested first, by exact type, with their encodings inlined: on CPython a
    function call costs as much as encoding a short string.
    """
    for v in items:
        tp = type(v)
        if tp is str:
            if "\x00" in v:
                append(b"\x02" + v.encode().replace(b"\x00", b"\x00\xff") + b"\x00")
            else:
                # Cheaper than bytes concatenation on CPython, and than an f-string on PyPy.
                append(("\x02" + v + "\x00").encode())
        elif tp is int:
            if 0 <= v < 256:
                append(_ONE_BYTE[v])
            elif 0 < v < 65536:
                append((0x160000 | v).to_bytes(3, "big"))
            elif 0 < v < 16777216:
                append((0x17000000 | v).to_bytes(4, "big"))
            elif -256 < v < 0:
                append(_ONE_BYTE_NEG[-v])
            else:
                append(_encode_int(v))
        elif tp is bytes:
            append(b"\x01" + v.replace(b"\x00", b"\x00\xff") + b"\x00")
        elif tp is tuple or tp is list:
            append(b"\x05")
            _encode_into(v, append, True)
            append(b"\x00")
        elif v is None:
            append(b"\x00\xff" if nested else b"\x00")
        elif tp is UUID:
            append((_UUID_HEAD | v.int).to_bytes(17, "big"))
        else:
            encode = _ENCODERS.get(tp)
            append(encode(v) if encode is not None else _encode_fallback(v, nested))


_ONE_BYTE = (b"\x14", *(bytes((0x15, n)) for n in builtins.range(1, 256)))
_ONE_BYTE_NEG = (b"\x14", *(bytes((0x13, 255 - n)) for n in builtins.range(1, 256)))
_UUID_HEAD = 0x30 << 128
_CPYTHON = sys.implementation.name == "cpython"
# Code and payload of 2- and 3-byte integers in one call (cheaper than int.to_bytes).
_PACK_2 = struct.Struct(">BH").pack
_PACK_3 = struct.Struct(">I").pack


def _check_args(t: Any, prefix: Optional[bytes], who: str) -> bytes:
    if not isinstance(t, (tuple, list)):
        raise TypeError(f"{who}() expects a tuple, not {type(t).__name__}")
    if prefix is None:
        return b""
    if isinstance(prefix, bytes):
        return prefix
    if isinstance(prefix, (bytearray, memoryview)):
        return bytes(prefix)
    raise TypeError(f"{who}() prefix must be bytes, not {type(prefix).__name__}")


if _CPYTHON:

    def pack(t: TupleLike, prefix: bytes = b"") -> bytes:
        """Encode the tuple `t` as an order-preserving key, after `prefix`.

        >>> pack(("user", 42))
        b'\\x02user\\x00\\x15*'
        """
        if type(t) is not tuple or type(prefix) is not bytes:
            prefix = _check_args(t, prefix, "pack")
        out = [prefix]
        append = out.append
        # The top level is `_encode_into` inlined (nested=False), with the encodings CPython
        # runs fastest: a call saved per key.
        try:
            for v in t:
                tp = type(v)
                if tp is str:
                    if "\x00" in v:
                        append(b"\x02" + v.encode().replace(b"\x00", b"\x00\xff") + b"\x00")
                    else:
                        append(f"\x02{v}\x00".encode())
                elif tp is int:
                    if v >= 0:  # nested tests: fewer comparisons than chained ranges
                        if v < 256:
                            append(_ONE_BYTE[v])
                        elif v < 65536:
                            append(_PACK_2(0x16, v))
                        elif v < 16777216:
                            append(_PACK_3(0x17000000 | v))
                        else:
                            append(_encode_int(v))
                    elif v > -256:
                        append(_ONE_BYTE_NEG[-v])
                    else:
                        append(_encode_int(v))
                elif tp is bytes:
                    append(b"\x01")
                    append(v.replace(b"\x00", b"\x00\xff"))
                    append(b"\x00")
                elif tp is tuple or tp is list:
                    append(b"\x05")
                    _encode_into(v, append, True)
                    append(b"\x00")
                elif v is None:
                    append(b"\x00")
                elif tp is UUID:
                    append((_UUID_HEAD | v.int).to_bytes(17, "big"))
                else:
                    encode = _ENCODERS.get(tp)
                    append(encode(v) if encode is not None else _encode_fallback(v, False))
        except RecursionError:
            raise ValueError("tuple nested too deeply (or containing itself) to pack") from None
        return b"".join(out)

else:  # PyPy's JIT does best with the plain loop and the encodings of `_encode_into`

    def pack(t: TupleLike, prefix: bytes = b"") -> bytes:
        """Encode the tuple `t` as an order-preserving key, after `prefix`.

        >>> pack(("user", 42))
        b'\\x02user\\x00\\x15*'
        """
        if type(t) is not tuple or type(prefix) is not bytes:
            prefix = _check_args(t, prefix, "pack")
        out = [prefix]
        try:
            _encode_into(t, out.append, False)
        except RecursionError:
            raise ValueError("tuple nested too deeply (or containing itself) to pack") from None
        return b"".join(out)


def has_incomplete_versionstamp(t: TupleLike) -> bool:
    """True if `t` holds an incomplete `Versionstamp` at any depth."""
    for item in t:
        if isinstance(item, Versionstamp):
            if item.tr_version is None:
                return True
        elif isinstance(item, (tuple, list)) and has_incomplete_versionstamp(item):
            return True
    return False


def _encode_stamped(items: TupleLike, out: List[bytes], length: int, nested: bool) -> int:
    """Encode `items` into `out` (already `length` bytes long); return the offset of the
    incomplete versionstamp's 10 placeholder bytes, or -1 when there is none."""
    offset = -1
    for v in items:
        if isinstance(v, Versionstamp) and v.tr_version is None:
            if offset >= 0:
                raise ValueError("more than one incomplete Versionstamp in the tuple")
            offset = length + 1
            chunk = b"\x33" + v.to_bytes()
        elif isinstance(v, (tuple, list)) and has_incomplete_versionstamp(v):
            if offset >= 0:
                raise ValueError("more than one incomplete Versionstamp in the tuple")
            parts = [b"\x05"]
            offset = _encode_stamped(v, parts, length + 1, True)
            parts.append(b"\x00")
            chunk = b"".join(parts)
        else:
            parts = []
            _encode_into((v,), parts.append, nested)
            chunk = b"".join(parts)
        out.append(chunk)
        length += len(chunk)
    return offset


def pack_with_versionstamp(t: TupleLike, prefix: bytes = b"") -> bytes:
    """Encode `t`, which must hold exactly one incomplete `Versionstamp`, for a versionstamped
    key or value: the key bytes followed by the 4-byte little-endian offset of the stamp's
    10 placeholder bytes (counted from the start, prefix included)."""
    head = _check_args(t, prefix, "pack_with_versionstamp")
    out = [head]
    try:
        offset = _encode_stamped(t, out, len(head), False)
    except RecursionError:
        raise ValueError("tuple nested too deeply (or containing itself) to pack") from None
    if offset < 0:
        raise ValueError("pack_with_versionstamp() needs an incomplete Versionstamp in the tuple")
    out.append(_U32_LE.pack(offset))
    return b"".join(out)


def range(t: TupleLike, prefix: bytes = b"") -> slice:
    """Return ``slice(start, stop)`` covering every key of a tuple that strictly extends `t`
    (`pack(t)` itself excluded), as `fdb.tuple.range` does."""
    key = pack(t, prefix)
    return slice(key + b"\x00", key + b"\xff")


# ----------------------------------------------------------------------------- decoding


def _malformed(pos: int, what: str) -> ValueError:
    return ValueError(f"malformed tuple at byte offset {pos}: {what}")


_TERMINATOR = re.compile(b"\x00(?!\xff)")  # first 0x00 that is not an escaped one
_new_object = object.__new__


def _decode_string(data: bytes, pos: int) -> Tuple[Union[bytes, str], int]:
    """Decode a byte (0x01) or text (0x02) string holding escaped NULs, or a broken one."""
    match = _TERMINATOR.search(data, pos + 1)
    if match is None:
        raise _malformed(pos, "byte or text string has no terminating 0x00")
    stop = match.start()
    raw = data[pos + 1 : stop].replace(b"\x00\xff", b"\x00")
    if data[pos] == 0x01:
        return raw, stop + 1
    try:
        return raw.decode(), stop + 1
    except UnicodeDecodeError as exc:
        raise _malformed(pos, f"text is not UTF-8 ({exc.reason})") from None


def _decode_other(data: bytes, pos: int) -> Tuple[Any, int]:
    """Decode the rarer element types (or raise) at `pos`; return the value and next offset."""
    code = data[pos]
    size = _FIXED_SIZES.get(code)
    if size is None:
        if code != 0x1D and code != 0x0B:
            raise _malformed(pos, f"unknown type code 0x{code:02x}")
        if pos + 1 >= len(data):
            raise _malformed(pos, "big integer has no length byte")
        size = data[pos + 1] if code == 0x1D else data[pos + 1] ^ 0xFF
        stop = pos + 2 + size
        if stop > len(data):
            raise _malformed(pos, f"big integer needs {size} bytes, {len(data) - pos - 2} left")
        value = int.from_bytes(data[pos + 2 : stop], "big")
        return (value if code == 0x1D else value - (1 << (8 * size)) + 1), stop
    stop = pos + 1 + size
    if stop > len(data):
        raise _malformed(pos, f"type 0x{code:02x} needs {size} bytes, {len(data) - pos - 1} left")
    if code == 0x30:
        return new_uuid(int.from_bytes(data[pos + 1 : stop], "big")), stop
    if code == 0x21:
        return _double(data[pos + 1 : stop]), stop
    if code == 0x20:
        bits = int.from_bytes(data[pos + 1 : stop], "big")
        bits = bits ^ 0x80000000 if bits & 0x80000000 else bits ^ 0xFFFFFFFF
        return _single_from_bits(bits), stop
    if code == 0x33:
        _, tr_version, user_version = _STAMP.unpack_from(data, pos)
        if tr_version == b"\xff" * 10:
            return _make_stamp(None, user_version), stop
        return _make_stamp(tr_version, user_version), stop
    return code == 0x27, stop  # 0x26 False, 0x27 True


# Payload sizes of the fixed-size codes that unpack() leaves to _decode_other().
_FIXED_SIZES = {0x20: 4, 0x21: 8, 0x26: 0, 0x27: 0, 0x30: 16, 0x33: 12}


def unpack(key: bytes, prefix_len: int = 0) -> Tuple[Any, ...]:
    """Decode the tuple packed in `key` after its first `prefix_len` bytes.

    Raises `ValueError` naming the byte offset when `key` is not a valid packed tuple.
    Keys of a shape seen before are decoded by one regex match (see `found._tuple_shapes`);
    the others element by element, nested tuples with an explicit stack, so deep nesting
    cannot overflow.

    >>> unpack(b'\\x02user\\x00\\x15*')
    ('user', 42)
    """
    if type(key) is not bytes:
        key = _check_key(key)
    if prefix_len is not _ZERO:  # 0 is a cached object on CPython, compared by value on PyPy
        _check_prefix_len(prefix_len, len(key))
        if prefix_len == len(key):
            return ()
    elif not key:
        return ()
    fast = _dispatch[key[prefix_len]]
    if fast is not None:
        try:
            value = fast(key, prefix_len)
        except UnicodeDecodeError:
            value = None  # the general decoder names the offset
        if value is not None:
            return value
    return _miss(key, prefix_len)


def unpack_keys(pairs: Iterable[Tuple[bytes, Any]], prefix_len: int) -> List[Tuple[Any, ...]]:
    """`[unpack(key, prefix_len) for key, _ in pairs]`, for a page of range-read rows: one
    call checks `prefix_len` once and runs the learned shapes' decoders in a loop, without a
    call of `unpack` per key (about a quarter of its cost for a short key). Misses, odd keys
    and errors go through `unpack` itself."""
    if type(prefix_len) is not int or prefix_len < 0:
        return [unpack(key, prefix_len) for key, _ in pairs]
    dispatch = _dispatch
    out: List[Tuple[Any, ...]] = []
    append = out.append
    for key, _ in pairs:
        if type(key) is not bytes or len(key) <= prefix_len:
            append(unpack(key, prefix_len))  # empty tails, bytearrays and the errors
            continue
        fast = dispatch[key[prefix_len]]
        if fast is not None:
            try:
                value = fast(key, prefix_len)
            except UnicodeDecodeError:
                value = None  # the general decoder names the offset
            if value is not None:
                append(value)
                continue
        append(_miss(key, prefix_len))
    return out


def _miss(key: bytes, pos: int) -> Tuple[Any, ...]:
    """`unpack`'s general path after its checks and a missed (or absent) shape: decode
    element by element, and let the shape table see some of the misses."""
    global _countdown
    value = _decode(key, pos)
    _countdown -= 1
    if _countdown <= 0:
        _countdown = _SHAPES.learn(key, pos)
    return value


_ZERO = 0
_dispatch = EMPTY_DISPATCH
_countdown = 1 << 62


def _publish(dispatch: Dispatch, countdown: int) -> None:
    """Take the shape table's new state (see `found._tuple_table.ShapeTable.subscribe`)."""
    global _dispatch, _countdown
    _dispatch, _countdown = dispatch, countdown


_SHAPES.subscribe(_publish)


def _decode(key: bytes, pos: int) -> Tuple[Any, ...]:
    """Decode `key` from `pos` element by element: the general path of `unpack`."""
    end = len(key)
    find = key.find
    out: List[Any] = []
    append = out.append
    stack: Optional[List[Tuple[List[Any], int]]] = None
    while pos < end:
        code = key[pos]
        if code == 0x02:
            stop = find(b"\x00", pos + 1)
            if stop > 0 and (stop + 1 == end or key[stop + 1] != 0xFF):
                try:
                    append(key[pos + 1 : stop].decode())
                except UnicodeDecodeError as exc:
                    raise _malformed(pos, f"text is not UTF-8 ({exc.reason})") from None
                pos = stop + 1
            else:
                value, pos = _decode_string(key, pos)
                append(value)
        elif 0x14 <= code <= 0x1C:
            stop = pos + code - 0x13
            if stop > end:
                raise _malformed(pos, f"integer needs {code - 0x14} bytes, {end - pos - 1} left")
            if code == 0x15:
                append(key[pos + 1])
            else:
                append(int.from_bytes(key[pos + 1 : stop], "big"))
            pos = stop
        elif code == 0x01:
            stop = find(b"\x00", pos + 1)
            if stop > 0 and (stop + 1 == end or key[stop + 1] != 0xFF):
                append(key[pos + 1 : stop])
                pos = stop + 1
            else:
                value, pos = _decode_string(key, pos)
                append(value)
        elif code == 0x05:
            if stack is None:
                stack = []
            stack.append((out, pos))
            out = []
            append = out.append
            pos += 1
        elif code == 0x00:
            if not stack:
                append(None)
                pos += 1
            elif pos + 1 < end and key[pos + 1] == 0xFF:
                append(None)
                pos += 2
            else:
                inner = tuple(out)
                out = stack.pop()[0]
                append = out.append
                append(inner)
                pos += 1
        elif 0x0C <= code <= 0x13:
            stop = pos + 0x15 - code
            if stop > end:
                raise _malformed(pos, f"integer needs {0x14 - code} bytes, {end - pos - 1} left")
            append(int.from_bytes(key[pos + 1 : stop], "big") - _MASKS[0x14 - code])
            pos = stop
        elif code == 0x26 or code == 0x27:
            append(code == 0x27)
            pos += 1
        elif code == 0x30 and pos + 17 <= end and _UUID_SLOTS:
            uuid = _new_object(UUID)  # new_uuid(), inlined
            _set_int(uuid, int.from_bytes(key[pos + 1 : pos + 17], "big"))
            _set_safe(uuid, _SAFE_UNKNOWN)
            append(uuid)
            pos += 17
        elif code == 0x21 and pos + 9 <= end:  # _double(), inlined
            if key[pos + 1] & 0x80:
                append(_unpack_double(_FLIP_HIGH[key[pos + 1]] + key[pos + 2 : pos + 9])[0])
            else:
                append(_unpack_double(key[pos + 1 : pos + 9].translate(_FLIP_ALL))[0])
            pos += 9
        else:
            value, pos = _decode_other(key, pos)
            append(value)
    if stack:
        raise _malformed(stack[-1][1], "nested tuple has no terminating 0x00")
    return tuple(out)


def _check_key(key: Any) -> bytes:
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise TypeError(f"unpack() expects bytes, not {type(key).__name__}")


def _check_prefix_len(prefix_len: Any, size: int) -> None:
    if type(prefix_len) is int and 0 <= prefix_len <= size:
        return
    if not isinstance(prefix_len, int) or isinstance(prefix_len, bool):
        raise TypeError(f"unpack() prefix_len must be an int, not {type(prefix_len).__name__}")
    if not 0 <= prefix_len <= size:
        raise ValueError(f"unpack() prefix_len {prefix_len} is outside the {size}-byte key")


# ----------------------------------------------------------------------------- ordering


def _rank(v: Any) -> int:
    """The type code that decides how `v` orders against values of other types."""
    if v is None:
        return 0x00
    for kind, code in _RANKS:
        if isinstance(v, kind):
            return code
    if _is_ctypes(v, "c_float"):
        return 0x20
    if _is_ctypes(v, "c_double"):
        return 0x21
    raise TypeError(f"the tuple layer cannot compare {type(v).__qualname__!r} values")


_RANKS = (
    (bytes, 0x01),
    (str, 0x02),
    (bool, 0x26),
    (int, 0x14),
    (SingleFloat, 0x20),
    (float, 0x21),
    (UUID, 0x30),
    (Versionstamp, 0x33),
    ((tuple, list), 0x05),
)


def _compare_values(a: Any, b: Any) -> int:
    rank_a, rank_b = _rank(a), _rank(b)
    if rank_a != rank_b:
        return -1 if rank_a < rank_b else 1
    if rank_a == 0x05:
        return compare(a, b)
    if rank_a == 0x02:
        a, b = a.encode(), b.encode()
    elif rank_a == 0x20 or rank_a == 0x21:
        a, b = _encode_fallback(a, True), _encode_fallback(b, True)
    elif rank_a == 0x00:
        return 0
    return -1 if a < b else (1 if b < a else 0)


def compare(t1: TupleLike, t2: TupleLike) -> int:
    """Return -1, 0 or 1 as `t1` sorts before, with or after `t2` in the tuple order.

    Agrees with comparing packed keys, and also handles what `pack` refuses (incomplete
    versionstamps).
    """
    if not isinstance(t1, (tuple, list)) or not isinstance(t2, (tuple, list)):
        raise TypeError(f"compare() expects tuples, not {type(t1).__name__}, {type(t2).__name__}")
    for a, b in zip(t1, t2):
        result = _compare_values(a, b)
        if result:
            return result
    return (len(t1) > len(t2)) - (len(t1) < len(t2))
