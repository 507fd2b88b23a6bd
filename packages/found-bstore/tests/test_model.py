"""bstore against an in-memory model: random puts and deletes, in one or many transactions."""

from __future__ import annotations

import hashlib
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import found
from found.ext import bstore
from found.ext.bstore import _layout

CHUNK = _layout.CHUNK_SIZE
try:
    import zstandard  # noqa: F401

    COMPRESSIONS = [None, "zstd"]
except ImportError:  # the zstd extra is optional: test what is installed
    COMPRESSIONS = [None]
POOL = [b"", b"tiny", bytes(range(256)) * 500, b"\x01" * (CHUNK + 1)]
OPS = st.lists(
    st.tuples(st.sampled_from(["put", "upload", "delete"]), st.integers(0, len(POOL) - 1)),
    max_size=12,
)

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(ops=OPS, compression=st.sampled_from(COMPRESSIONS), batched=st.booleans())
async def test_matches_the_model(db, ops, compression, batched) -> None:
    store = bstore.make("model", ("test-bstore-model", uuid.uuid4()), compression)
    refs = {}  # model: uid -> reference count
    uids = [hashlib.blake2b(blob).digest() for blob in POOL]

    async def apply(tx, op, i):
        if op == "put":
            return await bstore.get_or_create(tx, store, POOL[i])
        try:
            return await bstore.delete(tx, store, uids[i])
        except bstore.BStoreException:
            return None

    async def apply_all(tx, batch):
        return [await apply(tx, op, i) for op, i in batch]

    results = []
    if batched:
        plain = [(op, i) for op, i in ops if op != "upload"]
        results = await found.transactional(db, apply_all, plain)
        ops = plain
    else:
        for op, i in ops:
            if op == "upload":
                results.append(await bstore.upload(db, store, POOL[i], batch_bytes=CHUNK))
            else:
                results.append(await found.transactional(db, apply, op, i))

    for (op, i), result in zip(ops, results):
        uid = uids[i]
        if op in ("put", "upload"):
            refs[uid] = refs.get(uid, 0) + 1
            assert result == uid
        elif uid in refs:
            refs[uid] -= 1
            assert result == refs[uid]
            if not refs[uid]:
                del refs[uid]
        else:
            assert result is None

    async def check(tx):
        for blob, uid in zip(POOL, uids):
            info = await bstore.stat(tx, store, uid)
            if uid in refs:
                assert info is not None and info.references == refs[uid]
                assert await bstore.get(tx, store, uid) == blob
                assert await bstore.verify(tx, store, uid)
            else:
                assert info is None
        begin = found.pack((*store.prefix, _layout.CHUNK))
        chunks = [k async for k, _ in found.query(tx, begin, found.next_prefix(begin))]
        expected = sum(-(-len(b) // CHUNK) for b, u in zip(POOL, uids) if u in refs)
        assert len(chunks) == expected  # nothing left behind by deletes or uploads

    await found.transactional(db, check)
