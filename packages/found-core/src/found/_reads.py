"""Reads: `get`, `get_key`, read versions and range metadata; the range reads `query` and
`get_range` live in `found._ranges` and are re-exported here.

Reads honour `tx.snapshot` (snapshot reads add no read conflict).
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from ._ranges import KeyOrSelector, get_range, query
from ._selectors import to_selector
from ._transaction import Transaction, check_tx
from ._util import check_int, check_key

__all__ = [
    "estimated_size_bytes",
    "get",
    "get_addresses_for_key",
    "get_key",
    "get_range",
    "get_range_split_points",
    "query",
    "read_version",
]

#: A key: bytes, or any object with `as_foundationdb_key()` (a Subspace, a DirectorySubspace).
KeyLike = Any


async def get(tx: Transaction, key: KeyLike) -> Optional[bytes]:
    """The value of `key`, or None when it has none."""
    if not isinstance(tx, Transaction):
        check_tx(tx)
    backend = tx._tx
    if type(key) is not bytes:
        key = check_key("key", key)
    try:
        return await backend.get(key, tx.snapshot)
    except asyncio.CancelledError:
        backend.cancel()
        raise


async def get_key(tx: Transaction, key_selector: KeyOrSelector) -> bytes:
    """Resolve a key selector (`found.lt/lte/gt/gte(...)`; plain keys mean `gte`) to a key."""
    backend = check_tx(tx)._tx
    sel = to_selector("key_selector", key_selector)
    try:
        return await backend.get_key(sel.key, sel.or_equal, sel.offset, tx.snapshot)
    except asyncio.CancelledError:
        backend.cancel()
        raise


async def read_version(tx: Transaction) -> int:
    """The read version of `tx` (obtained from the database on first use)."""
    backend = check_tx(tx)._tx
    try:
        return await backend.get_read_version()
    except asyncio.CancelledError:
        backend.cancel()
        raise


async def estimated_size_bytes(tx: Transaction, begin: KeyLike, end: KeyLike) -> int:
    """An estimate of the bytes stored in `[begin, end)` (coarse below a few megabytes)."""
    backend = check_tx(tx)._tx
    begin = check_key("begin", begin)
    end = check_key("end", end)
    try:
        return await backend.get_estimated_range_size_bytes(begin, end)
    except asyncio.CancelledError:
        backend.cancel()
        raise


async def get_range_split_points(
    tx: Transaction, begin: KeyLike, end: KeyLike, chunk_size: int
) -> list[bytes]:
    """Keys that cut `[begin, end)` into chunks of about `chunk_size` bytes, as the database
    reports them (FoundationDB includes `begin` and `end` themselves)."""
    backend = check_tx(tx)._tx
    begin = check_key("begin", begin)
    end = check_key("end", end)
    chunk_size = check_int("chunk_size", chunk_size)
    try:
        return await backend.get_range_split_points(begin, end, chunk_size)
    except asyncio.CancelledError:
        backend.cancel()
        raise


async def get_addresses_for_key(tx: Transaction, key: KeyLike) -> list[str]:
    """Addresses (`"ip:port"` strings) of the storage servers holding `key`."""
    backend = check_tx(tx)._tx
    key = check_key("key", key)
    try:
        addresses = await backend.get_addresses_for_key(key)
    except asyncio.CancelledError:
        backend.cancel()
        raise
    return [a.decode("utf-8") if isinstance(a, bytes) else str(a) for a in addresses]
