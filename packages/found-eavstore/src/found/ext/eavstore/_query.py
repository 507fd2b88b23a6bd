"""Index lookups: by exact value, over a range of values, and page by page.

The index orders entries by ``(attribute, value, uid)`` in tuple order, so an equality lookup
and a range of values are both one range read. A page's cursor is the part of the last index
key after the attribute (the packed ``(value, uid)``): resuming starts just past that key, so
pages neither skip nor repeat entries, even when entries change between pages. Treat the
cursor as opaque bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, NamedTuple, Optional

import found

from ._store import INDEX, EAVStore


class Page(NamedTuple):
    """One page of results and the cursor for the next one (None when this was the last)."""

    items: list
    after: Optional[bytes]


def _attribute_prefix(store: EAVStore, key: Any) -> bytes:
    return found.pack((INDEX, key), store.raw)


def _resume(prefix: bytes, after: Optional[bytes], begin: bytes) -> bytes:
    """The first key to read: `begin`, or just past the entry the cursor names."""
    if after is None:
        return begin
    if not isinstance(after, bytes):
        raise TypeError(f"after must be a cursor (bytes) from a previous page, not {type(after)}")
    try:
        parts = found.unpack(after)
    except Exception as exc:
        raise ValueError("after is not a cursor returned by eavstore") from exc
    if len(parts) != 2:
        raise ValueError("after is not a cursor returned by eavstore")
    resume = prefix + after + b"\x00"
    return resume if resume > begin else begin


def _check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be a non-negative int (0 means no limit), not {limit!r}")
    return limit


async def _scan(
    tx: Any, store: EAVStore, key: Any, begin: bytes, end: bytes, limit: int, after: Any
) -> AsyncIterator[tuple[Any, Any, bytes]]:
    """Yield ``(value, uid, cursor)`` for the index entries of `key` in ``[begin, end)``."""
    prefix = _attribute_prefix(store, key)
    begin = _resume(prefix, after, begin)
    if begin >= end:
        return
    skip = len(store.raw)
    async for index_key, _ in found.query(tx, begin, end, limit=_check_limit(limit)):
        items = found.unpack(index_key, skip)
        yield items[2], items[3], index_key[len(prefix) :]


def _value_range(store: EAVStore, key: Any, value: Any) -> tuple[bytes, bytes]:
    begin = found.pack((INDEX, key, value), store.raw)
    return begin, found.next_prefix(begin)


def _bounds(store: EAVStore, key: Any, start: Any, stop: Any) -> tuple[bytes, bytes]:
    prefix = _attribute_prefix(store, key)
    begin = prefix if start is None else found.pack((INDEX, key, start), store.raw)
    end = found.next_prefix(prefix) if stop is None else found.pack((INDEX, key, stop), store.raw)
    return begin, end


async def query(
    tx: Any,
    store: EAVStore,
    key: Any,
    value: Any,
    *,
    limit: int = 0,
    after: Optional[bytes] = None,
) -> AsyncIterator[Any]:
    """Yield the uid of every entity whose attribute `key` equals `value`, in uid order.

    `limit` caps how many (0: all); `after` resumes past a cursor from `query_page`.
    """
    begin, end = _value_range(store, key, value)
    async for _, uid, _ in _scan(tx, store, key, begin, end, limit, after):
        yield uid


async def query_range(
    tx: Any,
    store: EAVStore,
    key: Any,
    start: Any = None,
    stop: Any = None,
    *,
    limit: int = 0,
    after: Optional[bytes] = None,
) -> AsyncIterator[tuple[Any, Any]]:
    """Yield ``(value, uid)`` for attribute `key` with ``start <= value < stop``.

    Values follow the tuple layer's order (None, bytes, str, nested tuples, ints, floats, ...
    each type in its own band); `start` or `stop` None leaves that side open. `limit` and
    `after` work as for `query`.
    """
    begin, end = _bounds(store, key, start, stop)
    async for value, uid, _ in _scan(tx, store, key, begin, end, limit, after):
        yield value, uid


async def _page(scan: AsyncIterator[tuple[Any, Any, bytes]], limit: int, pick: Any) -> Page:
    items = []
    last = None
    async for value, uid, cursor in scan:
        items.append(pick(value, uid))
        last = cursor
    return Page(items, last if len(items) == limit else None)


def _positive(limit: int) -> int:
    if _check_limit(limit) == 0:
        raise ValueError("a page needs a positive limit")
    return limit


async def query_page(
    tx: Any, store: EAVStore, key: Any, value: Any, limit: int, after: Optional[bytes] = None
) -> Page:
    """Up to `limit` uids with `key` equal to `value`, and the cursor for the next page."""
    limit = _positive(limit)
    begin, end = _value_range(store, key, value)
    scan = _scan(tx, store, key, begin, end, limit, after)
    return await _page(scan, limit, lambda value, uid: uid)


async def query_range_page(
    tx: Any,
    store: EAVStore,
    key: Any,
    start: Any,
    stop: Any,
    limit: int,
    after: Optional[bytes] = None,
) -> Page:
    """Up to `limit` ``(value, uid)`` pairs of `query_range`, and the next page's cursor."""
    limit = _positive(limit)
    begin, end = _bounds(store, key, start, stop)
    scan = _scan(tx, store, key, begin, end, limit, after)
    return await _page(scan, limit, lambda value, uid: (value, uid))
