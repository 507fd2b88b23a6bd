"""Uploading blobs larger than one transaction, published atomically at the end.

An upload picks a fresh storage id, records it as pending, writes the chunks in a series of
transactions of about `batch_bytes` each (hashing as it goes), and finishes with one small
transaction that writes the metadata under the content's uid: before that commit nothing is
visible, after it the whole blob is. If the content was already stored, the finishing
transaction drops the staged chunks and adds a reference instead.

Chunks of an upload that never finished (its process died) stay under their pending marker
until `collect_uploads` removes them.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import found

from . import _codec
from ._layout import (
    CHUNK_SIZE,
    ONE,
    BStore,
    BStoreException,
    chunk_key,
    chunk_range,
    encode_meta,
    meta_key,
    pending_key,
    pending_range,
    refs_key,
)

log = logging.getLogger(__name__)


async def _pieces(source: Any) -> AsyncIterator[Any]:
    """The bytes-like pieces of `source`, whatever shape it comes in."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield source
    elif hasattr(source, "read"):
        while True:
            piece = source.read(CHUNK_SIZE)
            if inspect.isawaitable(piece):
                piece = await piece
            if not piece:
                return
            yield piece
    elif hasattr(source, "__aiter__"):
        async for piece in source:
            yield piece
    elif hasattr(source, "__iter__") and not isinstance(source, str):
        for piece in source:
            yield piece
    else:
        raise TypeError(
            "upload source must be bytes-like, a binary file object, or an (async) iterable "
            f"of bytes-like pieces, not {type(source).__name__}"
        )


async def _raw_chunks(source: Any) -> AsyncIterator[bytes]:
    """Re-cut the pieces of `source` into chunks of exactly CHUNK_SIZE bytes (last one less)."""
    buffer = bytearray()
    async for piece in _pieces(source):
        buffer += _codec.as_view(piece)
        while len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)


async def _begin(tx: Any, store: BStore, sid: bytes) -> None:
    await found.set(tx, pending_key(store, sid), found.pack((time.time(),)))


async def _stage(tx: Any, store: BStore, sid: bytes, batch: list[tuple[int, bytes]]) -> None:
    if await found.get(tx, pending_key(store, sid)) is None:
        raise BStoreException("upload abandoned: its staged chunks were collected")
    for index, value in batch:
        await found.set(tx, chunk_key(store, sid, index), value)


async def _finish(tx: Any, store: BStore, sid: bytes, uid: bytes, size: int, count: int) -> None:
    marker = pending_key(store, sid)
    key = meta_key(store, uid)
    pending = await found.get(tx, marker)
    meta = await found.get(tx, key)
    if pending is None:
        # Either this very transaction already committed (a retry after an unknown commit
        # result) or the staging was collected; the content is there in the first case only.
        if meta is not None:
            return
        raise BStoreException("upload abandoned: its staged chunks were collected")
    await found.clear(tx, marker)
    if meta is not None:
        begin, end = chunk_range(store, sid)
        await found.clear(tx, begin, end)
        await found.add(tx, refs_key(store, uid), ONE)
        return
    await found.set(tx, key, encode_meta(size, count, sid))
    await found.set(tx, refs_key(store, uid), ONE)


async def _abort(tx: Any, store: BStore, sid: bytes) -> None:
    if await found.get(tx, pending_key(store, sid)) is None:
        return
    begin, end = chunk_range(store, sid)
    await found.clear(tx, begin, end)
    await found.clear(tx, pending_key(store, sid))


async def upload(db: Any, store: BStore, source: Any, *, batch_bytes: int = 4_000_000) -> bytes:
    """Store the content of `source` across several transactions and return its uid.

    `source` is bytes-like, a binary file object (``read(n)``, plain or awaitable), or an
    iterable or async iterable of bytes-like pieces. The blob becomes visible atomically when
    the last transaction commits; on failure or cancellation the staged chunks are removed.
    Uploading content that is already stored adds a reference, as `get_or_create` does.
    """
    if batch_bytes < 1:
        raise ValueError("batch_bytes must be positive")
    sid = uuid.uuid4().bytes
    await found.transactional(db, _begin, store, sid)
    hasher = hashlib.blake2b()
    size = count = pending_bytes = 0
    batch: list[tuple[int, bytes]] = []
    try:
        async for raw in _raw_chunks(source):
            hasher.update(raw)
            size += len(raw)
            value = _codec.encode(raw, store.compression)
            batch.append((count, value))
            count += 1
            pending_bytes += len(value)
            if pending_bytes >= batch_bytes:
                await found.transactional(db, _stage, store, sid, batch)
                batch, pending_bytes = [], 0
        if batch:
            await found.transactional(db, _stage, store, sid, batch)
        uid = hasher.digest()
        await found.transactional(db, _finish, store, sid, uid, size, count)
    except BaseException:
        try:
            await found.transactional(db, _abort, store, sid)
        except Exception:  # leave it to collect_uploads; the original error matters more
            log.warning("bstore %r: could not remove staged upload %s", store.name, sid.hex())
        raise
    return uid


async def collect_uploads(tx: Any, store: BStore, older_than: float = 3600.0) -> int:
    """Remove uploads that started more than `older_than` seconds ago and never finished.

    Returns how many were removed. An upload still running when collected fails with
    BStoreException at its next step, so pick `older_than` above your longest upload.
    """
    limit = time.time() - older_than
    begin, end = pending_range(store)
    removed = 0
    async for key, value in found.query(tx, begin, end):
        (started,) = found.unpack(value)
        if started > limit:
            continue
        sid = found.unpack(key)[-1]
        chunks_begin, chunks_end = chunk_range(store, sid)
        await found.clear(tx, chunks_begin, chunks_end)
        await found.clear(tx, key)
        removed += 1
    return removed
