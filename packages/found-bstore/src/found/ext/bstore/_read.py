"""Reading blobs: streaming inside a transaction, whole, across transactions, and verified.

`read` yields chunks as the range read pages them in, so memory stays at one page; `get`
joins them once (linear, unlike 0.13's repeated concatenation). `download` reads a blob too big
for one transaction's five seconds in a series of short transactions; it stays consistent
because stored content never changes under a uid, and each step checks the blob still exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any, NamedTuple, Optional

import found

from . import _codec
from ._layout import (
    BStore,
    BStoreException,
    check_uid,
    chunk_key,
    chunk_range,
    decode_count,
    decode_meta,
    meta_key,
    refs_key,
)


class BlobInfo(NamedTuple):
    """What `stat` reports: content size in bytes, stored chunk count, references."""

    size: int
    chunks: int
    references: int


async def _meta(tx: Any, store: BStore, uid: bytes) -> tuple[int, int, bytes]:
    value = await found.get(tx, meta_key(store, uid))
    if value is None:
        raise BStoreException(f"no such blob in {store.name!r}: uid={uid.hex()}")
    return decode_meta(value)


async def stat(tx: Any, store: BStore, uid: bytes) -> Optional[BlobInfo]:
    """Size, chunk count and reference count of `uid`, or None when it is not stored."""
    uid = check_uid(uid)
    value = await found.get(tx, meta_key(store, uid))
    if value is None:
        return None
    size, count, _ = decode_meta(value)
    refs = decode_count(await found.get(tx, refs_key(store, uid)))
    return BlobInfo(size, count, refs)


def _index(store: BStore, key: bytes) -> int:
    return found.unpack(key, len(store.raw))[2]


async def _chunks(
    tx: Any, store: BStore, sid: bytes, start: int, stop: int, whole: bool = False
) -> AsyncIterator[bytes]:
    """Decoded chunks `start` .. `stop - 1` of storage id `sid`, checked to be contiguous.

    `whole` asks for every chunk in one page (EXACT mode: the caller keeps them all
    anyway); otherwise pages start small and grow, so an early stop reads little.
    """
    begin = chunk_key(store, sid, start)
    _, end = chunk_range(store, sid)
    expected = start
    mode = found.STREAMING_MODE_EXACT if whole else found.STREAMING_MODE_ITERATOR
    async for key, value in found.query(tx, begin, end, limit=stop - start, mode=mode):
        if _index(store, key) != expected:
            raise BStoreException(f"damaged blob in {store.name!r}: chunk {expected} missing")
        yield _codec.decode(value)
        expected += 1
    if expected != stop:
        raise BStoreException(f"damaged blob in {store.name!r}: chunk {expected} missing")


async def read(tx: Any, store: BStore, uid: bytes) -> AsyncIterator[bytes]:
    """Yield the content of `uid` chunk by chunk (BStoreException if it is not stored)."""
    uid = check_uid(uid)
    _, count, sid = await _meta(tx, store, uid)
    if count:
        async for chunk in _chunks(tx, store, sid, 0, count):
            yield chunk


async def get(tx: Any, store: BStore, uid: bytes) -> bytes:
    """Return the whole content of `uid` (BStoreException if it is not stored)."""
    uid = check_uid(uid)
    _, count, sid = await _meta(tx, store, uid)
    if not count:
        return b""
    return b"".join([chunk async for chunk in _chunks(tx, store, sid, 0, count, whole=True)])


async def verify(tx: Any, store: BStore, uid: bytes) -> bool:
    """Re-read and re-hash `uid`: True when the content still hashes to its uid.

    False when a chunk is missing, damaged, or the bytes or size differ from what was stored;
    BStoreException when `uid` is not in the store at all.
    """
    uid = check_uid(uid)
    size, count, sid = await _meta(tx, store, uid)
    hasher = hashlib.blake2b()
    total = 0
    try:
        if count:
            async for chunk in _chunks(tx, store, sid, 0, count):
                hasher.update(chunk)
                total += len(chunk)
    except BStoreException:
        return False
    # Chunks past `count` would mean a damaged layout too.
    begin = chunk_key(store, sid, count)
    _, end = chunk_range(store, sid)
    extra = [kv async for kv in found.query(tx, begin, end, limit=1)]
    return not extra and total == size and hasher.digest() == uid


async def _download_step(
    tx: Any, store: BStore, uid: bytes, sid: bytes, start: int, stop: int
) -> list[bytes]:
    value = await found.get(tx, meta_key(store, uid))
    if value is None or decode_meta(value)[2] != sid:
        raise BStoreException(f"blob {uid.hex()} was deleted during the download")
    return [chunk async for chunk in _chunks(tx, store, sid, start, stop, whole=True)]


async def download(
    db: Any, store: BStore, uid: bytes, *, batch_bytes: int = 4_000_000
) -> AsyncIterator[bytes]:
    """Yield the content of `uid` chunk by chunk, reading it in several transactions.

    For blobs too large to read within one transaction's time limit. Each transaction reads
    about `batch_bytes` of chunks. BStoreException if the blob is missing or deleted meanwhile.
    """
    uid = check_uid(uid)
    if batch_bytes < 1:
        raise ValueError("batch_bytes must be positive")
    _, count, sid = await found.transactional(db, _meta, store, uid)
    step = max(1, batch_bytes // 100_000)
    for start in range(0, count, step):
        stop = min(count, start + step)
        chunks = await found.transactional(db, _download_step, store, uid, sid, start, stop)
        for chunk in chunks:
            yield chunk
