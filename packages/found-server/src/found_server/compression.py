"""Response compression: zstandard when the client accepts `zstd`, else gzip, else none.

Small bodies are sent as they are (compressing them costs more than it saves).
"""

from __future__ import annotations

import gzip
from typing import Optional

import zstandard

#: Bodies shorter than this are not compressed.
MIN_SIZE = 512
_ZSTD = zstandard.ZstdCompressor(level=3)


def _accepted(header: str) -> dict[str, float]:
    """Codings of an Accept-Encoding header with their q values."""
    out: dict[str, float] = {}
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        if not name:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out[name.lower()] = q
    return out


def choose(accept_encoding: Optional[str]) -> Optional[str]:
    """The coding to use for a client sending `accept_encoding`: "zstd", "gzip" or None."""
    if not accept_encoding:
        return None
    accepted = _accepted(accept_encoding)
    star = accepted.get("*", 0.0)
    for coding in ("zstd", "gzip"):
        if accepted.get(coding, star) > 0:
            return coding
    return None


def compress(body: bytes, coding: Optional[str]) -> tuple[bytes, Optional[str]]:
    """`body` compressed with `coding` (when worth it), and the Content-Encoding to send."""
    if coding is None or len(body) < MIN_SIZE:
        return body, None
    if coding == "zstd":
        # a new compressor per call would allocate its context again; the module one is
        # safe to share between tasks of one thread (a call runs to completion).
        return _ZSTD.compress(body), "zstd"
    return gzip.compress(body, compresslevel=6, mtime=0), "gzip"
