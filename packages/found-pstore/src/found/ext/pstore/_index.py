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
    PStore,
    change,
    document_key,
    documents_key,
    length_key,
    terms_prefix,
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
        if count < 1:
            raise ValueError(f"the count of {term!r} must be at least 1, not {count}")
        out[term] = count
    return out


async def _current(tx: Any, store: PStore, docuid: Any) -> Optional[tuple[int, dict[str, int]]]:
    """The indexed length and terms of `docuid`, or None when it is not indexed."""
    value = await found.get(tx, document_key(store, docuid))
    if value is None:
        return None
    (length,) = found.unpack(value)
    begin = terms_prefix(store, docuid)
    terms = {}
    position = len(store.prefix) + 2
    async for key, packed in found.query(tx, begin, found.next_prefix(begin)):
        terms[found.unpack(key)[position]] = found.unpack(packed)[0]
    return length, terms


async def index(tx: Any, store: PStore, docuid: Any, counter: Any) -> None:
    """Index (or re-index) document `docuid` with `counter`, a mapping of terms to counts.

    Terms are str, counts ints of at least 1; a str `counter` is run through `tokenize`.
    `docuid` is anything the tuple layer packs. Re-indexing replaces the previous terms.
    """
    terms = _check_counter(counter)
    packed_docuid = found.pack((docuid,))
    length = sum(terms.values())
    current = await _current(tx, store, docuid)
    old_terms: dict[str, int] = {}
    if current is None:
        old_length = 0
        await change(tx, documents_key(store), 1)
    else:
        old_length, old_terms = current
    await change(tx, length_key(store), length - old_length)
    forward = store.terms + packed_docuid
    for term in old_terms.keys() - terms.keys():
        packed_term = found.pack((term,))
        await found.clear(tx, store.postings + packed_term + packed_docuid)
        await found.clear(tx, forward + packed_term)
        await change(tx, store.frequencies + packed_term, -1)
    for term, count in terms.items():
        old = old_terms.get(term)
        if old == count and old_length == length:
            continue
        packed_term = found.pack((term,))
        if old is None:
            await change(tx, store.frequencies + packed_term, 1)
        if old != count:
            await found.set(tx, forward + packed_term, found.pack((count,)))
        posting = found.pack((count, length))
        await found.set(tx, store.postings + packed_term + packed_docuid, posting)
    await found.set(tx, document_key(store, docuid), found.pack((length,)))


async def delete(tx: Any, store: PStore, docuid: Any) -> bool:
    """Remove document `docuid` from the index; False when it was not indexed."""
    current = await _current(tx, store, docuid)
    if current is None:
        return False
    length, terms = current
    packed_docuid = found.pack((docuid,))
    for term in terms:
        packed_term = found.pack((term,))
        await found.clear(tx, store.postings + packed_term + packed_docuid)
        await change(tx, store.frequencies + packed_term, -1)
    begin = terms_prefix(store, docuid)
    await found.clear(tx, begin, found.next_prefix(begin))
    await found.clear(tx, document_key(store, docuid))
    await change(tx, length_key(store), -length)
    await change(tx, documents_key(store), -1)
    return True
