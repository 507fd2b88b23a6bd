"""bstore across transactions: uploads (up to 50 MB), atomic publication, cleanup, download."""

from __future__ import annotations

import hashlib
import io
import random
import uuid

import pytest

import found
from found.ext import bstore
from found.ext.bstore import _layout, _upload

CHUNK = _layout.CHUNK_SIZE


def fresh(compression=None) -> bstore.BStore:
    return bstore.make("uploads", ("test-bstore-upload", uuid.uuid4()), compression)


async def keys_under(db, store, tag=None) -> list:
    begin = found.pack(store.prefix if tag is None else (*store.prefix, tag))

    async def body(tx):
        return [key async for key, _ in found.query(tx, begin, found.next_prefix(begin))]

    return await found.transactional(db, body)


async def download(db, store, uid, **kwargs) -> bytes:
    return b"".join([chunk async for chunk in bstore.download(db, store, uid, **kwargs)])


async def test_upload_50_megabytes(db) -> None:
    store = fresh()
    blob = random.Random(50).randbytes(50_000_000)
    uid = await bstore.upload(db, store, io.BytesIO(blob))
    assert uid == hashlib.blake2b(blob).digest()
    info = await found.transactional(db, bstore.stat, store, uid)
    assert info == bstore.BlobInfo(50_000_000, -(-50_000_000 // CHUNK), 1)
    hasher = hashlib.blake2b()
    size = 0
    async for chunk in bstore.download(db, store, uid):
        hasher.update(chunk)
        size += len(chunk)
    assert (size, hasher.digest()) == (50_000_000, uid)
    assert await keys_under(db, store, _layout.PENDING) == []


async def _pieces_async(blob, size):
    for start in range(0, len(blob), size):
        yield blob[start : start + size]


class AsyncReader:
    """A file object whose `read` is a coroutine, like aiofiles'."""

    def __init__(self, data: bytes) -> None:
        self._file = io.BytesIO(data)

    async def read(self, size: int) -> bytes:
        return self._file.read(size)


@pytest.mark.parametrize("form", ["bytes", "file", "async-file", "pieces", "async-pieces"])
async def test_upload_sources_match_get_or_create(db, form) -> None:
    store = fresh()
    blob = random.Random(7).randbytes(3 * CHUNK + 12345)
    source = {
        "bytes": lambda: blob,
        "file": lambda: io.BytesIO(blob),
        "async-file": lambda: AsyncReader(blob),
        "pieces": lambda: [blob[i : i + 7777] for i in range(0, len(blob), 7777)],
        "async-pieces": lambda: _pieces_async(blob, 50_001),
    }[form]()
    uid = await bstore.upload(db, store, source, batch_bytes=150_000)
    assert uid == await found.transactional(db, bstore.get_or_create, store, blob)
    assert await found.transactional(db, bstore.get, store, uid) == blob
    assert (await found.transactional(db, bstore.stat, store, uid)).references == 2
    assert await download(db, store, uid, batch_bytes=1) == blob


async def test_upload_of_existing_content_adds_a_reference(db) -> None:
    store = fresh("zstd") if _has_zstd() else fresh()
    blob = b"abc" * 100_000
    first = await bstore.upload(db, store, blob, batch_bytes=100_000)
    second = await bstore.upload(db, store, io.BytesIO(blob), batch_bytes=100_000)
    assert first == second
    assert (await found.transactional(db, bstore.stat, store, first)).references == 2
    # the second upload's staged chunks are gone: only one blob's chunks remain
    _, count, _ = await found.transactional(db, _meta, store, first)
    assert len(await keys_under(db, store, _layout.CHUNK)) == count
    assert await keys_under(db, store, _layout.PENDING) == []


def _has_zstd() -> bool:
    try:
        import zstandard  # noqa: F401
    except ImportError:
        return False
    return True


async def _meta(tx, store, uid):
    return _layout.decode_meta(await found.get(tx, _layout.meta_key(store, uid)))


async def test_upload_is_invisible_until_the_end(db) -> None:
    store = fresh()
    blob = random.Random(3).randbytes(5 * CHUNK)
    uid = hashlib.blake2b(blob).digest()
    seen = []

    async def source():
        for start in range(0, len(blob), CHUNK):
            seen.append(await found.transactional(db, bstore.stat, store, uid))
            yield blob[start : start + CHUNK]

    assert await bstore.upload(db, store, source(), batch_bytes=CHUNK) == uid
    assert seen == [None] * 5
    assert len(await keys_under(db, store, _layout.CHUNK)) == 5  # staged before the end
    assert await found.transactional(db, bstore.get, store, uid) == blob


async def test_failed_upload_leaves_nothing(db) -> None:
    store = fresh()

    async def broken():
        yield b"x" * (3 * CHUNK)
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        await bstore.upload(db, store, broken(), batch_bytes=CHUNK)
    assert await keys_under(db, store) == []


async def test_bad_sources_are_rejected(db) -> None:
    store = fresh()
    with pytest.raises(TypeError):
        await bstore.upload(db, store, "a str is not bytes")
    with pytest.raises(TypeError):
        await bstore.upload(db, store, 42)
    with pytest.raises(TypeError):
        await bstore.upload(db, store, [b"ok", "not ok"])
    with pytest.raises(ValueError):
        await bstore.upload(db, store, b"x", batch_bytes=0)
    assert await keys_under(db, store) == []


async def test_collect_abandoned_uploads(db) -> None:
    store = fresh()
    sid = uuid.uuid4().bytes
    # an upload whose process died after staging two chunks
    await found.transactional(db, _upload._begin, store, sid)
    await found.transactional(db, _upload._stage, store, sid, [(0, b"\x00a"), (1, b"\x00b")])
    live = await bstore.upload(db, store, b"finished")
    assert await found.transactional(db, bstore.collect_uploads, store, 3600.0) == 0
    assert await found.transactional(db, bstore.collect_uploads, store, -1.0) == 1
    assert await keys_under(db, store, _layout.PENDING) == []
    # the collected upload cannot go on; the finished blob is untouched
    with pytest.raises(bstore.BStoreException, match="abandoned"):
        await found.transactional(db, _upload._stage, store, sid, [(2, b"\x00c")])
    with pytest.raises(bstore.BStoreException, match="abandoned"):
        await found.transactional(db, _upload._finish, store, sid, b"\x01" * 64, 2, 2)
    assert await found.transactional(db, bstore.get, store, live) == b"finished"


async def test_download_notices_a_delete(db) -> None:
    store = fresh()
    blob = random.Random(9).randbytes(4 * CHUNK)
    uid = await found.transactional(db, bstore.get_or_create, store, blob)
    stream = bstore.download(db, store, uid, batch_bytes=CHUNK)
    first = await stream.__anext__()
    assert first == blob[:CHUNK]
    await found.transactional(db, bstore.delete, store, uid)
    with pytest.raises(bstore.BStoreException, match="deleted"):
        await stream.__anext__()
