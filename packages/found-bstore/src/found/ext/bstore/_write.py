"""Writing and deleting blobs inside one transaction, with reference counting.

Storing content that is already there only adds a reference (an atomic ``ADD`` on the count,
which takes no read conflict, so concurrent writers of the same popular blob do not collide);
`delete` drops one reference and removes the content with the last one, so a blob shared by
several owners survives until every owner has let it go.
"""

from __future__ import annotations

import uuid
from typing import Any

import found

from . import _codec
from ._layout import (
    ONE,
    TRANSACTION_LIMIT,
    BStore,
    BStoreException,
    check_uid,
    chunk_key,
    chunk_range,
    decode_count,
    decode_meta,
    digest,
    encode_count,
    encode_meta,
    meta_key,
    refs_key,
)

#: FoundationDB error ``transaction_too_large``.
TRANSACTION_TOO_LARGE = 2101


def _commit_cost(key: bytes, value: bytes) -> int:
    # What one `set` adds to the commit size (semantics reference §4): the mutation (key and
    # value) and its write-conflict range [key, key + b"\x00").
    return 3 * len(key) + 1 + len(value)


async def get_or_create(tx: Any, store: BStore, blob: Any) -> bytes:
    """Store `blob` (bytes-like) if new and return its uid, the blake2b digest of the content.

    Storing content that already exists adds a reference to it instead (see `delete`). The
    whole blob is written in this transaction, so it must fit FoundationDB's 10,000,000-byte
    transaction limit: a larger one raises ``FoundException`` 2101 before anything is written;
    use `upload` for those.
    """
    data = _codec.as_view(blob)
    uid = digest(data)
    key = meta_key(store, uid)
    if await found.get(tx, key) is not None:
        await found.add(tx, refs_key(store, uid), ONE)
        return uid
    sid = uuid.uuid4().bytes
    writes: list[tuple] = []
    for index, raw in enumerate(_codec.cut(data)):
        writes.append((chunk_key(store, sid, index), _codec.encode(raw, store.compression)))
    writes.append((key, encode_meta(len(data), len(writes), sid)))
    writes.append((refs_key(store, uid), ONE))
    cost = sum(_commit_cost(k, v) for k, v in writes)
    if cost > TRANSACTION_LIMIT:
        raise found.FoundException(
            TRANSACTION_TOO_LARGE,
            f"a blob of {len(data)} bytes needs about {cost} bytes of commit, over the "
            f"{TRANSACTION_LIMIT}-byte transaction limit: use bstore.upload(db, store, source)",
        )
    for k, v in writes:
        await found.set(tx, k, v)
    return uid


async def delete(tx: Any, store: BStore, uid: bytes) -> int:
    """Drop one reference to `uid` and return how many remain.

    At zero the content is removed (metadata, chunks and count). Raises BStoreException when
    `uid` is not in the store.
    """
    uid = check_uid(uid)
    key = meta_key(store, uid)
    meta = await found.get(tx, key)
    if meta is None:
        raise BStoreException(f"no such blob in {store.name!r}: uid={uid.hex()}")
    refs = refs_key(store, uid)
    count = decode_count(await found.get(tx, refs))
    if count > 1:
        await found.set(tx, refs, encode_count(count - 1))
        return count - 1
    _, _, sid = decode_meta(meta)
    begin, end = chunk_range(store, sid)
    await found.clear(tx, begin, end)
    await found.clear(tx, key)
    await found.clear(tx, refs)
    return 0
