"""The high-contention prefix allocator (HCA) of the directory layer.

Hands out short, never-reused integers, packed as one-element tuples, to be appended to a
directory layer's content prefix. It keeps the official binding's keys and window sizes, so
found and every other binding can allocate from the same database without collisions:

- `counters = subspace[0]`: `counters[start]` counts allocations in the window that starts at
  `start` (int64 little-endian, incremented with atomic ADD);
- `recent = subspace[1]`: `recent[n]` (value b"") marks `n` as taken in the current window.

A window is 64 wide below 255, 1024 below 65535 and 8192 beyond. Once a window is half full
the allocator moves to the next one and forgets the old counters and recent marks. A candidate
is chosen at random inside the window; reads of the counters are snapshot reads and the chosen
`recent` key gets an explicit write conflict, so two transactions that pick the same number
conflict and only one of them commits.
"""

from __future__ import annotations

import asyncio
import random
import struct
import weakref
from typing import Optional

from .._options import ConflictRangeType, TransactionOption
from .._reads import get, query
from .._subspace import Subspace
from .._transaction import Transaction, add_conflict_range, set_option
from .._tuple import pack
from .._writes import add, clear, set

__all__ = ["HighContentionAllocator", "snapshot_view", "window_size"]

_ONE = struct.pack("<q", 1)

# One lock per transaction: tasks that share a transaction must not interleave the steps the
# official binding runs under its per-transaction lock.
_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def snapshot_view(tx: Transaction) -> Transaction:
    """A second handle on `tx`'s backend transaction whose reads are snapshot reads (no read
    conflict ranges). It sees `tx`'s writes; writes through it are refused."""
    if tx.snapshot:
        return tx
    return Transaction(tx.db, tx.backend, snapshot=True)


def window_size(start: int) -> int:
    """How many numbers the window starting at `start` holds (official sizes)."""
    if start < 255:
        return 64
    if start < 65535:
        return 1024
    return 8192


def _lock_for(tx: Transaction) -> asyncio.Lock:
    lock = _locks.get(tx)
    if lock is None:
        lock = _locks[tx] = asyncio.Lock()
    return lock


class HighContentionAllocator:
    """Allocate prefixes under `subspace` (the directory layer's `root_node[b"hca"]`)."""

    def __init__(self, subspace: Subspace) -> None:
        self.counters = subspace[0]
        self.recent = subspace[1]

    async def _latest_start(self, snap: Transaction) -> Optional[int]:
        bounds = self.counters.range()
        async for key, _ in query(snap, bounds.start, bounds.stop, limit=1, reverse=True):
            return int(self.counters.unpack(key)[0])
        return None

    async def _claim_window(self, tx: Transaction, snap: Transaction, start: int) -> int:
        """Count one allocation in a window that is less than half full; return its start."""
        advanced = False
        while True:
            async with _lock_for(tx):
                if advanced:
                    clear(tx, self.counters.key(), self.counters.pack((start,)))
                    set_option(tx, TransactionOption.NEXT_WRITE_NO_WRITE_CONFLICT_RANGE)
                    clear(tx, self.recent.key(), self.recent.pack((start,)))
                add(tx, self.counters.pack((start,)), _ONE)
                raw = await get(snap, self.counters.pack((start,)))
            count = struct.unpack("<q", raw)[0] if raw is not None else 0
            if count * 2 < window_size(start):
                return start
            start += window_size(start)
            advanced = True

    async def allocate(self, tx: Transaction) -> bytes:
        """A packed integer that no other allocation on this subspace returns, ever (once
        `tx` commits), and nearly as short as possible."""
        snap = snapshot_view(tx)
        while True:
            start = await self._latest_start(snap)
            start = await self._claim_window(tx, snap, start or 0)
            window = window_size(start)
            while True:
                # The window was less than half full as of the snapshot: about two tries.
                candidate = random.randrange(start, start + window)
                key = self.recent.pack((candidate,))
                async with _lock_for(tx):
                    latest, taken = await asyncio.gather(self._latest_start(snap), get(tx, key))
                    set_option(tx, TransactionOption.NEXT_WRITE_NO_WRITE_CONFLICT_RANGE)
                    set(tx, key, b"")
                if latest is not None and latest > start:
                    break  # another allocation moved the window on: start over
                if taken is None:
                    add_conflict_range(tx, key, key + b"\x00", ConflictRangeType.WRITE)
                    return pack((candidate,))
