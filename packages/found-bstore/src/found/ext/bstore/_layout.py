"""The store handle and its key layout.

Every key lives under the caller's prefix, flat: ``pack(prefix) + pack((tag, ...))``, which is
``pack((*prefix, tag, ...))`` for a tuple prefix, so a scan of the keyspace by hand reads
naturally. The prefix may also be a ``found.Subspace`` or a directory: keys then start with its
``.key()`` and the store lives inside it.

* ``(*prefix, 1, uid)`` -> ``pack((size, chunk_count, sid))``: the blob's metadata; its presence
  is what makes ``uid`` visible. ``uid`` is the 64-byte blake2b digest of the content.
* ``(*prefix, 2, sid, index)`` -> one chunk (a codec tag byte, then the payload). ``sid`` is a
  random 16-byte storage id, so an upload can stage chunks across transactions and publish them
  with one metadata write.
* ``(*prefix, 3, uid)`` -> reference count, 8-byte little-endian (FoundationDB ``ADD`` format).
* ``(*prefix, 4, sid)`` -> ``pack((started_at,))``: an upload in progress (see ``upload``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, NamedTuple, Optional, Union

import found

META = 1
CHUNK = 2
REFS = 3
PENDING = 4

#: Size of the uid (blake2b's full digest): what ``b2sum`` prints, so uids can be computed
#: outside of found and agree across databases.
UID_SIZE = 64

#: Raw bytes per chunk: with the one-byte codec tag, a chunk value is at most 100,000 bytes,
#: FoundationDB's value size limit.
CHUNK_SIZE = 99_999

#: FoundationDB's default and maximum transaction size (semantics reference, error 2101).
TRANSACTION_LIMIT = 10_000_000

COMPRESSIONS = (None, "zstd")


class BStoreException(found.BaseFoundException):
    """A bstore failure: unknown uid, damaged blob, missing codec, abandoned upload."""


class BStore(NamedTuple):
    """Handle over one blob store; build it with `make`. `raw` is the bytes every key starts
    with: the packed tuple prefix, or the subspace's `.key()`."""

    name: str
    prefix: Any
    compression: Optional[str]
    raw: bytes


def make(
    name: str, prefix: Union[Sequence[Any], found.Subspace], compression: Optional[str] = None
) -> BStore:
    """Return a handle over the blob store called `name`, stored under `prefix`: a tuple (or
    list), or a `found.Subspace` / `DirectorySubspace` to keep the store inside it.

    `compression` is ``None`` (store chunks as they are) or ``"zstd"`` (compress each chunk with
    zstandard, which must then be installed: ``pip install found-bstore[zstd]``). Reading never
    depends on this setting: each chunk records how it was stored.
    """
    if not isinstance(name, str):
        raise TypeError(f"bstore name must be a str, not {type(name).__name__}")
    raw = found.key_prefix(prefix, what="bstore prefix")
    if compression not in COMPRESSIONS:
        raise ValueError(f"compression must be one of {COMPRESSIONS!r}, not {compression!r}")
    if compression == "zstd":
        from ._codec import zstandard

        zstandard()  # fail now, with a clear message, rather than at the first write
    if isinstance(prefix, list):
        prefix = tuple(prefix)
    return BStore(name, prefix, compression, raw)


def digest(data: bytes | memoryview) -> bytes:
    """The uid of `data`: its blake2b digest."""
    return hashlib.blake2b(data).digest()


def check_uid(uid: Any) -> bytes:
    """Return `uid` as bytes, or raise TypeError / ValueError for anything that cannot be one."""
    if not isinstance(uid, (bytes, bytearray, memoryview)):
        raise TypeError(f"bstore uid must be bytes, not {type(uid).__name__}")
    uid = bytes(uid)
    if len(uid) != UID_SIZE:
        raise ValueError(f"bstore uid must be {UID_SIZE} bytes (a blake2b digest), not {len(uid)}")
    return uid


def meta_key(store: BStore, uid: bytes) -> bytes:
    """Key of blob `uid`'s metadata (its presence makes the blob visible)."""
    return found.pack((META, uid), store.raw)


def refs_key(store: BStore, uid: bytes) -> bytes:
    """Key of blob `uid`'s reference count."""
    return found.pack((REFS, uid), store.raw)


def pending_key(store: BStore, sid: bytes) -> bytes:
    """Key marking the upload staging storage id `sid` as in progress."""
    return found.pack((PENDING, sid), store.raw)


def pending_range(store: BStore) -> tuple[bytes, bytes]:
    """Range of every in-progress upload marker."""
    begin = found.pack((PENDING,), store.raw)
    return begin, found.next_prefix(begin)


def chunk_key(store: BStore, sid: bytes, index: int) -> bytes:
    """Key of chunk `index` of the content stored under `sid`."""
    return found.pack((CHUNK, sid, index), store.raw)


def chunk_range(store: BStore, sid: bytes) -> tuple[bytes, bytes]:
    """Range of every chunk stored under `sid`."""
    begin = found.pack((CHUNK, sid), store.raw)
    return begin, found.next_prefix(begin)


def encode_meta(size: int, count: int, sid: bytes) -> bytes:
    """A blob's metadata value: its size, chunk count and storage id, tuple-packed."""
    return found.pack((size, count, sid))


def decode_meta(value: bytes) -> tuple[int, int, bytes]:
    """`(size, chunk_count, sid)` from a metadata value written by `encode_meta`."""
    size, count, sid = found.unpack(value)
    return size, count, sid


def encode_count(count: int) -> bytes:
    """`count` as an 8-byte little-endian integer, the operand format of the atomic ADD."""
    return count.to_bytes(8, "little", signed=True)


def decode_count(value: Optional[bytes]) -> int:
    """The reference count stored in `value`; 0 when the key is absent (None)."""
    return 0 if value is None else int.from_bytes(value, "little", signed=True)


ONE = encode_count(1)
