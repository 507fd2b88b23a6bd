"""Encoding and decoding single tuple elements of nstore keys, with a fast path for strings.

A string without NUL is the commonest element; it is packed or read straight from its bytes
here, cheaper than a call into the tuple layer, which handles everything else (and names the
offset of a malformed key). The results are exactly `found.pack`'s and `found.unpack`'s. A
whole tail of several elements is left to `found.unpack`: its learned key shapes decode one
in a single regex match, faster than any loop here (measured: 7.5k instructions for a
two-element tail, 10k for a loop over its elements).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import found

Pairs = list[tuple[bytes, bytes]]


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
