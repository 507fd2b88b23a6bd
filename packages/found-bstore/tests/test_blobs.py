"""bstore inside one transaction: sizes, uids, streaming, references, compression, damage."""

from __future__ import annotations

import hashlib
import importlib
import random
import threading
import uuid

import pytest

import found
from found.ext import bstore
from found.ext.bstore import _codec, _layout

CHUNK = _layout.CHUNK_SIZE
try:
    import zstandard  # noqa: F401

    COMPRESSIONS = [None, "zstd"]
except ImportError:  # the zstd extra is optional: test what is installed
    COMPRESSIONS = [None]


def fresh(compression=None) -> bstore.BStore:
    return bstore.make("blobs", ("test-bstore", uuid.uuid4()), compression)


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


async def keys_under(db, store) -> list:
    begin = found.pack(store.prefix)

    async def body(tx):
        return [key async for key, _ in found.query(tx, begin, found.next_prefix(begin))]

    return await found.transactional(db, body)


async def put(db, store, blob) -> bytes:
    return await found.transactional(db, bstore.get_or_create, store, blob)


async def fetch(db, store, uid) -> bytes:
    return await found.transactional(db, bstore.get, store, uid)


@pytest.mark.parametrize(
    "size", [0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7, 2_000_000]
)
async def test_roundtrip_sizes(db, size) -> None:
    store = fresh()
    blob = payload(size, seed=size)
    uid = await put(db, store, blob)
    assert uid == hashlib.blake2b(blob).digest()
    assert await fetch(db, store, uid) == blob
    info = await found.transactional(db, bstore.stat, store, uid)
    assert info == bstore.BlobInfo(size, -(-size // CHUNK), 1)
    assert await found.transactional(db, bstore.verify, store, uid)


async def test_read_streams_one_chunk_at_a_time(db) -> None:
    store = fresh()
    blob = payload(2 * CHUNK + 10)
    uid = await put(db, store, blob)

    async def body(tx):
        return [chunk async for chunk in bstore.read(tx, store, uid)]

    chunks = await found.transactional(db, body)
    assert [len(c) for c in chunks] == [CHUNK, CHUNK, 10]
    assert b"".join(chunks) == blob


async def test_same_content_same_uid_everywhere(db) -> None:
    blob = b"the same bytes"
    stores = [fresh(), *(fresh(compression) for compression in COMPRESSIONS)]
    uids = {await put(db, store, blob) for store in stores}
    assert uids == {hashlib.blake2b(blob).digest()}
    assert len(next(iter(uids))) == bstore.UID_SIZE


async def test_bytes_like_inputs(db) -> None:
    store = fresh()
    blob = payload(5000)
    for form in (bytearray(blob), memoryview(blob), memoryview(bytearray(blob)).cast("B")):
        assert await fetch(db, store, await put(db, store, form)) == blob
    with pytest.raises(TypeError):
        await put(db, store, "text is not a blob")
    with pytest.raises(TypeError):
        await put(db, store, [1, 2, 3])


async def test_missing_and_bad_uids(db) -> None:
    store = fresh()
    missing = hashlib.blake2b(b"never stored").digest()
    with pytest.raises(bstore.BStoreException):
        await fetch(db, store, missing)
    with pytest.raises(bstore.BStoreException):
        await found.transactional(db, bstore.delete, store, missing)
    assert await found.transactional(db, bstore.stat, store, missing) is None
    with pytest.raises(TypeError):
        await fetch(db, store, uuid.uuid4())
    with pytest.raises(ValueError):
        await fetch(db, store, b"short")


async def test_references_keep_shared_blobs(db) -> None:
    store = fresh()
    blob = payload(CHUNK * 2)
    uid = await put(db, store, blob)
    assert await put(db, store, blob) == uid
    assert (await found.transactional(db, bstore.stat, store, uid)).references == 2
    assert await found.transactional(db, bstore.delete, store, uid) == 1
    assert await fetch(db, store, uid) == blob
    assert await found.transactional(db, bstore.delete, store, uid) == 0
    with pytest.raises(bstore.BStoreException):
        await fetch(db, store, uid)
    assert await keys_under(db, store) == []


async def test_too_large_for_one_transaction(db) -> None:
    store = fresh()
    blob = payload(10_100_000)
    with pytest.raises(found.FoundException) as caught:
        await put(db, store, blob)
    assert caught.value.code == 2101
    assert "upload" in str(caught.value)
    assert await keys_under(db, store) == []


async def test_zstd_compresses_and_reads_back(db) -> None:
    pytest.importorskip("zstandard")
    store = fresh("zstd")
    text = b"".join(b"line %d of a very repetitive log\n" % (i % 50) for i in range(40_000))
    noise = payload(CHUNK + 5)  # incompressible: stored raw, chunk by chunk
    for blob in (text, noise, b""):
        uid = await put(db, store, blob)
        assert await fetch(db, store, uid) == blob
        assert await found.transactional(db, bstore.verify, store, uid)
        # a store without compression reads it too: each chunk names its codec
        assert await fetch(db, store._replace(compression=None), uid) == blob
    begin = found.pack((*store.prefix, _layout.CHUNK))

    async def stored(tx):
        return sum([len(v) async for _, v in found.query(tx, begin, found.next_prefix(begin))])

    assert await found.transactional(db, stored) < len(text) // 10 + len(noise) + 10


async def test_zstd_missing_is_a_clear_error(monkeypatch) -> None:
    real = importlib.import_module

    def fake(name, *args):
        if name == "zstandard":
            raise ImportError("No module named 'zstandard'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", fake)
    monkeypatch.setattr(_codec, "_local", threading.local())  # no cached zstd objects
    with pytest.raises(bstore.BStoreException, match="pip install"):
        bstore.make("z", ("test-bstore",), "zstd")
    with pytest.raises(bstore.BStoreException, match="zstandard"):
        _codec.decode(_codec.ZSTD + b"frame")
    # without compression nothing needs zstandard
    assert _codec.decode(_codec.encode(b"plain", None)) == b"plain"


def test_make_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        bstore.make("x", ("p",), "gzip")
    with pytest.raises(TypeError):
        bstore.make("x", "prefix")
    with pytest.raises(TypeError):
        bstore.make(1, ("p",))


async def test_verify_and_read_detect_damage(db) -> None:
    store = fresh()
    blob = payload(3 * CHUNK)
    uid = await put(db, store, blob)
    _, _, sid = await found.transactional(db, _read_meta, store, uid)

    async def overwrite(tx):
        await found.set(tx, _layout.chunk_key(store, sid, 1), _codec.RAW + b"tampered")

    await found.transactional(db, overwrite)
    assert not await found.transactional(db, bstore.verify, store, uid)

    async def drop(tx):
        await found.clear(tx, _layout.chunk_key(store, sid, 1))

    await found.transactional(db, drop)
    assert not await found.transactional(db, bstore.verify, store, uid)
    with pytest.raises(bstore.BStoreException, match="chunk 1 missing"):
        await fetch(db, store, uid)

    async def unknown_codec(tx):
        await found.set(tx, _layout.chunk_key(store, sid, 1), b"\x07junk")

    await found.transactional(db, unknown_codec)
    with pytest.raises(bstore.BStoreException, match="codec"):
        await fetch(db, store, uid)


async def _read_meta(tx, store, uid):
    return _layout.decode_meta(await found.get(tx, _layout.meta_key(store, uid)))


async def test_many_blobs_in_one_transaction(db) -> None:
    store = fresh()
    blobs = [payload(n, seed=n) for n in range(0, 3000, 100)]

    async def body(tx):
        return [await bstore.get_or_create(tx, store, blob) for blob in blobs + blobs]

    uids = await found.transactional(db, body)
    assert uids[: len(blobs)] == uids[len(blobs) :]
    for uid, blob in zip(uids, blobs):
        assert await fetch(db, store, uid) == blob
        assert (await found.transactional(db, bstore.stat, store, uid)).references == 2
