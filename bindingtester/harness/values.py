"""Seeded random values for generated programs: ints up to 2040 bits, byte and unicode
strings, floats of both widths with their special values, UUIDs, booleans, versionstamps and
nested tuples, plus range and selector parameters.

Everything comes from one `random.Random`, and unicode text is drawn from fixed code point
ranges (no `unicodedata` lookups), so a seed gives the same program on every interpreter.
"""

from __future__ import annotations

import math
import random
import uuid
from typing import Any, List, Tuple

import found

__all__ = ["TYPES", "RandomValues"]

TYPES = (
    "null",
    "bytes",
    "string",
    "int",
    "uuid",
    "bool",
    "float",
    "double",
    "tuple",
    "versionstamp",
)

#: Code point ranges unicode strings are drawn from: ASCII, Latin, Greek/Cyrillic, CJK,
#: emoji and other astral characters, right-to-left scripts, combining marks.
UNICODE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x4FF),
    (0x590, 0x6FF),
    (0x300, 0x36F),
    (0x4E00, 0x9FFF),
    (0x1F300, 0x1FAFF),
    (0x10000, 0x1007F),
)


class RandomValues:
    """Random program parameters from one seeded generator."""

    def __init__(
        self, rng: random.Random, max_int_bits: int = 2040, types: Tuple[str, ...] = TYPES
    ):
        self.rng = rng
        self.max_int_bits = max_int_bits
        self.types = types

    def int_(self) -> int:
        bits = self.rng.randint(0, self.max_int_bits)  # small numbers come up more often
        top = (1 << bits) - 1
        return self.rng.randint(-top - 1, top)

    def bytes_(self, length: int) -> bytes:
        if length == 0:
            return b""
        rng = self.rng
        return bytes([rng.randint(0, 254)] + [rng.randint(0, 255) for _ in range(length - 1)])

    def text(self, length: int) -> str:
        chars = []
        for _ in range(length):
            low, high = self.rng.choice(UNICODE_RANGES)
            chars.append(chr(self.rng.randint(low, high)))
        return "".join(chars)

    def float_(self, exponent_bits: int) -> float:
        rng = self.rng
        if rng.random() < 0.05:
            return rng.choice([-math.nan, -math.inf, -0.0, 0.0, math.inf, math.nan])
        sign = -1.0 if rng.random() < 0.5 else 1.0
        exponent = rng.randint(-(1 << (exponent_bits - 1)) - 10, (1 << (exponent_bits - 1)) - 1)
        try:
            value = sign * math.ldexp(rng.random(), exponent)
        except OverflowError:
            value = sign * math.inf
        if rng.random() < 0.05 and not math.isinf(value):
            value = float(int(value))
        return value

    def single(self) -> found.SingleFloat:
        value = self.float_(8)
        try:
            return found.SingleFloat(value)
        except OverflowError:
            return found.SingleFloat(math.copysign(math.inf, value))

    def versionstamp(self, incomplete: bool = False) -> found.Versionstamp:
        user = self.rng.randint(0, 0xFFFF)
        if incomplete:
            return found.Versionstamp(None, user)
        return found.Versionstamp(self.bytes_(10), user)

    def item(self, kind: str, depth: int) -> Any:
        rng = self.rng
        if kind == "null":
            return None
        if kind == "bytes":
            return self.bytes_(rng.randint(0, 100))
        if kind == "string":
            return self.text(rng.randint(0, 100))
        if kind == "int":
            return self.int_()
        if kind == "uuid":
            return uuid.UUID(bytes=bytes(rng.randint(0, 255) for _ in range(16)))
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "float":
            return self.single()
        if kind == "double":
            return self.float_(11)
        if kind == "versionstamp":
            return self.versionstamp()
        if kind == "tuple":
            return self.tuple_(5, depth + 1) if depth < 3 else ()
        raise ValueError(f"unknown type {kind!r}")

    def tuple_(self, max_size: int, depth: int = 0, incomplete: bool = False) -> tuple:
        """A tuple of 1..max_size random items; with `incomplete`, each item has a small
        chance to be an incomplete versionstamp (so 0, 1 or several of them)."""
        items: List[Any] = []
        for _ in range(self.rng.randint(1, max_size)):
            if incomplete and self.rng.random() < 0.1:
                items.append(self.versionstamp(incomplete=True))
            else:
                items.append(self.item(self.rng.choice(self.types), depth))
        return tuple(items)

    def tuple_list(self, max_size: int, max_count: int) -> List[tuple]:
        return [self.tuple_(max_size) for _ in range(self.rng.randint(1, max_count))]

    def range_params(self) -> Tuple[int, int, int]:
        """(limit, reverse, streaming mode): mostly small limits, sometimes none or huge."""
        rng = self.rng
        if rng.random() < 0.75:
            limit = rng.randint(1, 1000)
        elif rng.random() < 0.75:
            limit = 0
        else:
            limit = rng.randint(10**8, (1 << 31) - 1)
        return limit, rng.randint(0, 1), rng.randint(-2, 4)

    def selector_params(self) -> Tuple[int, int]:
        """(or_equal, offset): offsets mostly within 20 keys, sometimes 1000."""
        rng = self.rng
        offset = rng.randint(-20, 20) if rng.random() < 0.9 else rng.randint(-1000, 1000)
        return rng.randint(0, 1), offset
