"""The store handle, its key layout and the atomic counters.

Keys, under the caller's prefix, flat like every found layer's (`pack(prefix) + pack(rest)`,
or `subspace.key() + pack(rest)` when the prefix is a `found.Subspace` or a directory):

* ``(*prefix, 0, "documents")``, ``(*prefix, 0, "length")`` -> document count and total length
  of all documents (in tokens), 8-byte little-endian counters changed with atomic ``ADD``;
* ``(*prefix, 1, term, docuid)`` -> ``tf`` and ``doclen`` as little-endian uint32 and uint64
  (`POSTING_VALUE`): the postings. Carrying the document length in every posting lets a search
  score from the posting lists alone, and a fixed layout decodes fast;
* ``(*prefix, 2, docuid, part)`` -> the document record ``pack((doclen, ((term, tf), ...)))``,
  cut in parts under the value size limit (one part but for huge documents): re-indexing and
  deleting read it to know exactly which postings to remove;
* ``(*prefix, 3, term)`` -> document frequency of `term`, an 8-byte little-endian counter.

Counters change only by atomic ``ADD``, which takes no read conflict, so documents indexed
concurrently never conflict on them and the totals stay exact. A counter that drops to zero is
removed with ``COMPARE_AND_CLEAR``, so a store emptied by deletes leaves no keys behind.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple, Union

import found

STATS = 0
POSTING = 1
DOCUMENT = 2
FREQUENCY = 3

#: Bytes per part of a document record (FoundationDB values stop at 100,000).
RECORD_PART = 90_000

ZERO = bytes(8)

#: A posting's value: term frequency (uint32) and document length (uint64), little-endian.
POSTING_VALUE = struct.Struct("<IQ")
MAX_COUNT = 2**32 - 1


class PStoreException(found.BaseFoundException):
    """The 0.13 name for pstore errors, kept so that code catching it still runs.

    pstore reports bad arguments with TypeError / ValueError and database failures with
    `found.FoundException` (for example 2102 for a term too long for a key).
    """


class PStore(NamedTuple):
    """Handle over one inverted index; build it with `make`.

    Besides `name` and `prefix` it keeps each key family's packed prefix: the tuple encoding
    of ``(*a, *b)`` is ``pack(a) + pack(b)``, so keys are built by concatenation, packing each
    term once instead of once per key.
    """

    name: str
    prefix: Any
    postings: bytes
    documents: bytes
    frequencies: bytes
    raw: bytes


def make(name: str, prefix: Union[tuple, list, found.Subspace]) -> PStore:
    """Return a handle over the pstore called `name` (for debugging), stored under `prefix`.

    `prefix` is a tuple (or list) of tuple-packable items shared by every key of the store, or
    a `found.Subspace` / `DirectorySubspace` to keep the store inside it.
    """
    if not isinstance(name, str):
        raise TypeError(f"pstore name must be a str, not {type(name).__name__}")
    raw = found.key_prefix(prefix, what="pstore prefix")
    return PStore(
        name,
        tuple(prefix) if isinstance(prefix, list) else prefix,
        found.pack((POSTING,), raw),
        found.pack((DOCUMENT,), raw),
        found.pack((FREQUENCY,), raw),
        raw,
    )


def documents_key(store: PStore) -> bytes:
    """Key of the store's document count."""
    return found.pack((STATS, "documents"), store.raw)


def length_key(store: PStore) -> bytes:
    """Key of the total length (in terms) of the store's documents."""
    return found.pack((STATS, "length"), store.raw)


def posting_prefix(store: PStore, term: str) -> bytes:
    """Prefix of `term`'s postings: a posting key is this plus ``pack((docuid,))``."""
    return store.postings + found.pack((term,))


def frequency_key(store: PStore, term: str) -> bytes:
    """Key of `term`'s document frequency (how many documents contain it)."""
    return store.frequencies + found.pack((term,))


def encode_count(number: int) -> bytes:
    """`number` as an 8-byte little-endian counter (FoundationDB's ADD format)."""
    return number.to_bytes(8, "little", signed=True)


def decode_count(value: Any) -> int:
    """The counter in `value`; 0 when the key is absent (None)."""
    return 0 if value is None else int.from_bytes(value, "little", signed=True)


async def change(tx: Any, key: bytes, delta: int) -> None:
    """Add `delta` to the counter at `key`, removing the key when it reaches zero."""
    if delta == 0:
        return
    await found.add(tx, key, encode_count(delta))
    if delta < 0:
        await found.compare_and_clear(tx, key, ZERO)


async def read_count(tx: Any, key: bytes) -> int:
    """The counter stored at `key` (0 when absent)."""
    return decode_count(await found.get(tx, key))
