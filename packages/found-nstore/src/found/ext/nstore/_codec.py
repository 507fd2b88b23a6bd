"""Decoding and encoding the tuple elements of nstore keys, with fast paths for the usual ones.

Keys hold tuple-layer elements (`found.pack`). Most are strings without NUL and small
non-negative integers; these are read or written straight from their bytes here, a few
times cheaper than the general tuple layer, which handles everything else (and names the
offset of a malformed key). The results are exactly `found.unpack`'s and `found.pack`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import found

Pairs = list[tuple[bytes, bytes]]


def tail(key: bytes, skip: int) -> Sequence[Any]:
    """`found.unpack(key, skip)`: the elements packed in `key` after `skip` bytes. Strings
    without NUL (0x02, UTF-8, 0x00) and integers 0 to 2**64 - 1 (0x14 to 0x1c, big-endian)
    are read in a loop here; any other element sends the whole key to the tuple layer."""
    out: list[Any] = []
    append = out.append
    pos, end = skip, len(key)
    while pos < end:
        code = key[pos]
        if code == 0x02:
            stop = key.find(b"\x00", pos + 1)
            if stop < 0 or key[stop + 1 : stop + 2] == b"\xff":  # unterminated, or NUL inside
                return found.unpack(key, skip)
            try:
                append(key[pos + 1 : stop].decode())
            except UnicodeDecodeError:
                return found.unpack(key, skip)  # names the offset
            pos = stop + 1
        elif 0x14 <= code <= 0x1C and pos + code - 0x13 <= end:
            pos += 1
            append(int.from_bytes(key[pos : pos + code - 0x14], "big"))
            pos += code - 0x14
        else:
            return found.unpack(key, skip)
    return out


def lasts(pairs: Pairs, skip: int) -> list[Any]:
    """The one element packed in each key of `pairs` after `skip` bytes. A string without
    NUL (type code 0x02, the only 0x00 is its terminator, the key's last byte) is decoded
    straight from its bytes, four times cheaper than the general decoder, which does
    everything else."""
    out: list[Any] = []
    append = out.append
    for key, _ in pairs:
        if key[skip] == 0x02 and key.find(b"\x00", skip + 1) == len(key) - 1:
            try:
                append(key[skip + 1 : -1].decode())
                continue
            except UnicodeDecodeError:
                pass  # the tuple layer names the offset
        append(found.unpack(key, skip)[0])
    return out


def pack_one(value: Any) -> bytes:
    """`found.pack((value,))`; a string without NUL is encoded straight (type code 0x02, its
    UTF-8 bytes, the 0x00 terminator), the tuple layer does everything else."""
    if type(value) is str and "\x00" not in value:
        try:
            return b"\x02" + value.encode() + b"\x00"
        except UnicodeEncodeError:
            pass  # a lone surrogate: the tuple layer's error
    return found.pack((value,))


def differ(items: Sequence[Any], checks: list[tuple[int, int]]) -> bool:
    """Whether two positions that must hold one value hold different ones (tuple equality:
    `1`, `1.0` and `True` differ)."""
    pack = found.pack
    return any(pack((items[a],)) != pack((items[b],)) for a, b in checks)
