"""`Space`: a tuple-packed key prefix, the little the harness needs of a subspace (kept here so
the harness depends only on found's tuple layer)."""

from __future__ import annotations

from typing import Any, Tuple

import found

__all__ = ["Space"]


class Space:
    """Keys `prefix + pack(t)`; `space["name"]` is the space one element deeper."""

    __slots__ = ("prefix",)

    def __init__(self, elements: Tuple[Any, ...] = (), raw: bytes = b"") -> None:
        self.prefix = raw + found.pack(elements)

    def __getitem__(self, item: Any) -> Space:
        return Space((item,), self.prefix)

    def key(self) -> bytes:
        return self.prefix

    def pack(self, elements: Tuple[Any, ...] = ()) -> bytes:
        return self.prefix + found.pack(elements)

    def unpack(self, key: bytes) -> Tuple[Any, ...]:
        if not key.startswith(self.prefix):
            raise ValueError(f"{key!r} is not in the space {self.prefix!r}")
        return found.unpack(key[len(self.prefix) :])

    def range(self) -> slice:
        return slice(self.prefix + b"\x00", self.prefix + b"\xff")
