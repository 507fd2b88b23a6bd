"""Chunk encoding: cut content into value-sized pieces, optionally compressed with zstandard.

Each stored chunk is one tag byte followed by the payload: ``RAW`` (the bytes themselves) or
``ZSTD`` (a zstandard frame). A chunk is only stored compressed when that makes it smaller, so
a compressed chunk never exceeds the raw chunk size and every value stays within FoundationDB's
100,000-byte limit. The tag travels with the data, so any store handle can read any chunk.

zstandard is imported lazily: a store without compression works where it is not installed.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from typing import Any, Optional

from ._layout import CHUNK_SIZE, BStoreException

RAW = b"\x00"
ZSTD = b"\x01"

_ZSTD_LEVEL = 3
# zstandard's (de)compressor objects must not be shared between threads: one per thread.
_local = threading.local()


def zstandard() -> Any:
    """The zstandard module, or a BStoreException that says how to install it."""
    try:
        return importlib.import_module("zstandard")
    except ImportError as exc:
        raise BStoreException(
            "this bstore uses zstd compression, which needs the zstandard package: "
            "pip install 'found-bstore[zstd]'"
        ) from exc


def _compress(data: bytes) -> bytes:
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        compressor = _local.compressor = zstandard().ZstdCompressor(level=_ZSTD_LEVEL)
    return compressor.compress(data)


def _decompress(data: bytes) -> bytes:
    decompressor = getattr(_local, "decompressor", None)
    if decompressor is None:
        decompressor = _local.decompressor = zstandard().ZstdDecompressor()
    # Frames written by `ZstdCompressor.compress` record their content size, which bounds
    # the output; a damaged frame raises zstandard.ZstdError.
    return decompressor.decompress(data)


def encode(raw: bytes, compression: Optional[str]) -> bytes:
    """The stored value for one raw chunk (at most CHUNK_SIZE bytes)."""
    if compression == "zstd" and raw:
        packed = _compress(raw)
        if len(packed) < len(raw):
            return ZSTD + packed
    return RAW + raw


def decode(value: bytes) -> bytes:
    """The raw bytes of one stored chunk; BStoreException if it is damaged."""
    tag = value[:1]
    if tag == RAW:
        return value[1:]
    if tag == ZSTD:
        try:
            out = _decompress(value[1:])
        except BStoreException:
            raise
        except Exception as exc:  # zstandard.ZstdError, whose module may be absent here
            raise BStoreException(f"damaged compressed chunk: {exc}") from exc
        if len(out) > CHUNK_SIZE:
            raise BStoreException("damaged compressed chunk: larger than a chunk")
        return out
    raise BStoreException(f"damaged chunk: unknown codec tag {tag!r}")


def cut(data: memoryview) -> Iterator[bytes]:
    """The raw chunks of `data`, each CHUNK_SIZE bytes but the last."""
    for start in range(0, len(data), CHUNK_SIZE):
        yield bytes(data[start : start + CHUNK_SIZE])


def as_view(blob: Any) -> memoryview:
    """`blob` as a flat byte view; TypeError for anything that is not bytes-like."""
    if isinstance(blob, str) or not isinstance(blob, (bytes, bytearray, memoryview)):
        raise TypeError(f"a blob must be bytes-like, not {type(blob).__name__}")
    view = memoryview(blob)
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view
