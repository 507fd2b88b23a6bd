"""Value types of the tuple layer that have no plain Python equivalent.

`Versionstamp` is FoundationDB's 12-byte commit stamp (10-byte transaction version written by the
cluster at commit, plus a 2-byte user version chosen by the client); an *incomplete* one has no
transaction version yet and is written as ten 0xff bytes, to be filled in by a versionstamped
mutation. `SingleFloat` marks a number to be stored as an IEEE 754 binary32 (type code 0x20)
instead of the binary64 a Python float becomes.

Both follow `fdb.tuple` of FoundationDB 7.3: same constructor arguments and validation, same
ordering (the tuple layer's byte order), same hashing of versionstamps. Neither defines
`__bool__`, so, as with `fdb.tuple` on Python 3, every instance is truthy.
"""

from __future__ import annotations

import math
import struct
import sys
from typing import Any, Optional, Union

__all__ = ["SingleFloat", "Versionstamp"]

_TR_VERSION_LEN = 10
_INCOMPLETE = b"\xff" * _TR_VERSION_LEN
_MAX_USER_VERSION = 0xFFFF
_STAMP = struct.Struct(">10sH")
_F32 = struct.Struct(">f")
_U32 = struct.Struct(">I")


class Versionstamp:
    """A FoundationDB versionstamp: 10-byte transaction version and 16-bit user version.

    ``Versionstamp()`` or ``Versionstamp.incomplete(n)`` is a placeholder the cluster fills in at
    commit (use it with `pack_with_versionstamp`); ``Versionstamp(tr_version, n)`` is complete.
    Complete stamps sort before incomplete ones; complete stamps sort by transaction version
    then user version, incomplete ones by user version.
    """

    __slots__ = ("tr_version", "user_version")
    LENGTH = 12

    def __init__(self, tr_version: Optional[bytes] = None, user_version: int = 0) -> None:
        if tr_version is not None:
            if not isinstance(tr_version, bytes):
                raise TypeError(
                    "Versionstamp transaction version must be bytes, "
                    f"not {type(tr_version).__name__}"
                )
            if len(tr_version) != _TR_VERSION_LEN:
                raise ValueError(
                    f"Versionstamp transaction version must be 10 bytes, got {len(tr_version)}"
                )
        if not isinstance(user_version, int):
            raise TypeError(
                f"Versionstamp user version must be an int, not {type(user_version).__name__}"
            )
        if not 0 <= user_version <= _MAX_USER_VERSION:
            raise ValueError(f"Versionstamp user version {user_version} is not in 0..65535")
        self.tr_version = tr_version
        self.user_version = user_version

    @classmethod
    def incomplete(cls, user_version: int = 0) -> Versionstamp:
        """Return a placeholder stamp with the given user version."""
        return cls(None, user_version)

    @classmethod
    def from_bytes(cls, data: bytes, start: int = 0) -> Versionstamp:
        """Read 12 bytes at `start`; ten 0xff bytes mean an incomplete stamp."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"cannot read a Versionstamp from {type(data).__name__}")
        if start < 0 or len(data) - start < cls.LENGTH:
            raise ValueError(
                f"Versionstamp needs 12 bytes at offset {start}, "
                f"only {max(0, len(data) - start)} available"
            )
        tr_version, user_version = _STAMP.unpack_from(data, start)
        return _make_stamp(None if tr_version == _INCOMPLETE else tr_version, user_version)

    def to_bytes(self) -> bytes:
        """Return the 12-byte form; an incomplete stamp has ten 0xff bytes in front."""
        tr_version = self.tr_version
        return _STAMP.pack(_INCOMPLETE if tr_version is None else tr_version, self.user_version)

    def is_complete(self) -> bool:
        """True when the transaction version is known."""
        return self.tr_version is not None

    def completed(self, new_tr_version: bytes) -> Versionstamp:
        """Return a complete copy of an incomplete stamp with `new_tr_version` filled in."""
        if self.tr_version is not None:
            raise RuntimeError("Versionstamp already completed")
        return Versionstamp(new_tr_version, self.user_version)

    def _order_key(self) -> tuple[int, bytes, int]:
        tr_version = self.tr_version
        if tr_version is None:
            return (1, b"", self.user_version)
        return (0, tr_version, self.user_version)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Versionstamp):
            return self.tr_version == other.tr_version and self.user_version == other.user_version
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: Versionstamp) -> bool:
        if isinstance(other, Versionstamp):
            return self._order_key() < other._order_key()
        return NotImplemented

    def __le__(self, other: Versionstamp) -> bool:
        if isinstance(other, Versionstamp):
            return self._order_key() <= other._order_key()
        return NotImplemented

    def __gt__(self, other: Versionstamp) -> bool:
        if isinstance(other, Versionstamp):
            return self._order_key() > other._order_key()
        return NotImplemented

    def __ge__(self, other: Versionstamp) -> bool:
        if isinstance(other, Versionstamp):
            return self._order_key() >= other._order_key()
        return NotImplemented

    def __hash__(self) -> int:
        if self.tr_version is None:
            return hash(self.user_version)
        return hash(self.tr_version) * 37 ^ hash(self.user_version)

    def __repr__(self) -> str:
        return f"Versionstamp(tr_version={self.tr_version!r}, user_version={self.user_version})"


def _make_stamp(tr_version: Optional[bytes], user_version: int) -> Versionstamp:
    """Build a stamp from already validated parts (the decoder's fast path)."""
    stamp = object.__new__(Versionstamp)
    stamp.tr_version = tr_version
    stamp.user_version = user_version
    return stamp


def _is_ctypes(value: object, name: str) -> bool:
    """True if `value` is a ctypes `name` instance; never imports ctypes (slow on PyPy)."""
    ctypes = sys.modules.get("ctypes")
    return ctypes is not None and isinstance(value, getattr(ctypes, name))


def _f32_bits(value: float) -> int:
    """Round `value` to binary32 as a C cast does (overflow gives an infinity), return its bits."""
    try:
        return _U32.unpack(_F32.pack(value))[0]
    except OverflowError:
        return 0xFF800000 if value < 0 else 0x7F800000


class SingleFloat:
    """A number stored as a 32-bit IEEE float (tuple type code 0x20).

    The value is rounded to binary32 on construction. Instances compare by the tuple layer's
    order (-0.0 < 0.0; NaNs by their bits) and never equal a plain float. The exact 32 bits are
    kept, so a NaN payload read from a key is written back unchanged.
    """

    __slots__ = ("_bits", "_value")

    def __init__(self, value: Union[float, int, Any]) -> None:
        self._set(value)

    def _set(self, value: Union[float, int, Any]) -> None:
        if isinstance(value, (float, int)):
            bits = _f32_bits(float(value))
        elif _is_ctypes(value, "c_float"):
            bits = _f32_bits(value.value)
        else:
            raise TypeError(f"SingleFloat needs a float or an int, not {type(value).__name__}")
        self._bits = bits
        self._value = _F32.unpack(_U32.pack(bits))[0]

    @property
    def value(self) -> float:
        """The number as a Python float (exactly representable in binary32)."""
        return self._value

    @value.setter
    def value(self, new: float) -> None:
        self._set(new)

    def _order_key(self) -> int:
        bits = self._bits
        return bits ^ 0xFFFFFFFF if bits & 0x80000000 else bits | 0x80000000

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SingleFloat):
            return self._bits == other._bits
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: SingleFloat) -> bool:
        if isinstance(other, SingleFloat):
            return self._order_key() < other._order_key()
        return NotImplemented

    def __le__(self, other: SingleFloat) -> bool:
        if isinstance(other, SingleFloat):
            return self._order_key() <= other._order_key()
        return NotImplemented

    def __gt__(self, other: SingleFloat) -> bool:
        if isinstance(other, SingleFloat):
            return self._order_key() > other._order_key()
        return NotImplemented

    def __ge__(self, other: SingleFloat) -> bool:
        if isinstance(other, SingleFloat):
            return self._order_key() >= other._order_key()
        return NotImplemented

    def __hash__(self) -> int:
        if math.isnan(self._value):
            return hash(("SingleFloat", self._bits))
        # Rotate the float's hash so that hash(SingleFloat(x)) != hash(x), as fdb.tuple does.
        h = hash(self._value)
        if h >= 0:
            return (h >> 16) + ((h & 0xFFFF) << 16)
        return ((h >> 16) + 1) - ((-h & 0xFFFF) << 16)

    def __float__(self) -> float:
        return self._value

    def __repr__(self) -> str:
        return f"SingleFloat({self._value!r})"

    def __str__(self) -> str:
        return str(self._value)


def _single_from_bits(bits: int) -> SingleFloat:
    """Build a SingleFloat from raw binary32 bits (the decoder's path, keeps NaN payloads)."""
    single = object.__new__(SingleFloat)
    single._bits = bits
    single._value = _F32.unpack(_U32.pack(bits))[0]
    return single
