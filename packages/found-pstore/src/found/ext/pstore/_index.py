"""Indexing, re-indexing and deleting documents.

Indexing a document that is already indexed replaces it: postings of terms it no longer has
are removed, the others are rewritten with the new counts and length, and the counters move
by the difference. Each call reads only the document's own keys, so indexing different
documents concurrently never conflicts, while two writers of the same document serialize.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import found

from ._layout import (
    MAX_COUNT,
    POSTING_VALUE,
    RECORD_PART,
    PStore,
    change,
    documents_key,
    length_key,
)
from ._tokenize import tokenize


def _check_counter(counter: Any) -> dict[str, int]:
    if isinstance(counter, str):
        return dict(tokenize(counter))
    if not isinstance(counter, Mapping):
        raise TypeError(
            f"index expects a mapping of terms to counts (or a str), not {type(counter).__name__}"
        )
    out = {}
    for term, count in counter.items():
        if not isinstance(term, str):
            raise TypeError(f"pstore terms must be str, not {type(term).__name__}: {term!r}")
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"the count of {term!r} must be an int, not {type(count).__name__}")
        if count < 1 or count > MAX_COUNT:
            raise ValueError(f"the count of {term!r} must be in 1 .. {MAX_COUNT}, not {count}")
        out[term] = count
    return out


async def _current(tx: Any, record: bytes) -> Optional[tuple[int, dict[str, int]]]:
    """The indexed length and terms of the document whose record starts at `record`."""
    parts = [value async for _, value in found.query(tx, record, found.next_prefix(record))]
    if not parts:
        return None
    length, pairs = found.unpack(b"".join(parts))
    return length, dict(pairs)


async def _write_record(tx: Any, record: bytes, length: int, terms: dict[str, int]) -> None:
    packed = found.pack((length, tuple(terms.items())))
    for part, start in enumerate(range(0, max(len(packed), 1), RECORD_PART)):
        await found.set(tx, record + found.pack((part,)), packed[start : start + RECORD_PART])


async def index(tx: Any, store: PStore, docuid: Any, counter: Any) -> None:
    """Index (or re-index) document `docuid` with `counter`, a mapping of terms to counts.

    Terms are str, counts ints of at least 1; a str `counter` is run through `tokenize`.
    `docuid` is anything the tuple layer packs. Re-indexing replaces the previous terms.
    """
    terms = _check_counter(counter)
    packed_docuid = found.pack((docuid,))
    record = store.documents + packed_docuid
    length = sum(terms.values())
    current = await _current(tx, record)
    old_terms: dict[str, int] = {}
    if current is None:
        old_length = 0
        await change(tx, documents_key(store), 1)
    else:
        old_length, old_terms = current
        await found.clear(tx, record, found.next_prefix(record))
    await change(tx, length_key(store), length - old_length)
    for term in old_terms.keys() - terms.keys():
        packed_term = found.pack((term,))
        await found.clear(tx, store.postings + packed_term + packed_docuid)
        await change(tx, store.frequencies + packed_term, -1)
    for term, count in terms.items():
        old = old_terms.get(term)
        if old == count and old_length == length:
            continue
        packed_term = found.pack((term,))
        if old is None:
            await change(tx, store.frequencies + packed_term, 1)
        posting = POSTING_VALUE.pack(count, length)
        await found.set(tx, store.postings + packed_term + packed_docuid, posting)
    await _write_record(tx, record, length, terms)


async def delete(tx: Any, store: PStore, docuid: Any) -> bool:
    """Remove document `docuid` from the index; False when it was not indexed."""
    packed_docuid = found.pack((docuid,))
    record = store.documents + packed_docuid
    current = await _current(tx, record)
    if current is None:
        return False
    length, terms = current
    for term in terms:
        packed_term = found.pack((term,))
        await found.clear(tx, store.postings + packed_term + packed_docuid)
        await change(tx, store.frequencies + packed_term, -1)
    await found.clear(tx, record, found.next_prefix(record))
    await change(tx, length_key(store), -length)
    await change(tx, documents_key(store), -1)
    return True
