"""Bulk loading: many tuples in as few transactions as FoundationDB's limits allow.

A transaction may carry 10,000,000 bytes (mutations and conflict ranges counted as
FoundationDB counts them) and live 5 seconds. `load` packs every item once (a cache serves
repeated values), fills a batch up to `BATCH_BYTES` by that accounting and `BATCH_KEYS` keys,
and commits it with `found.transactional` while the next batch is packed and written
(`IN_FLIGHT`). A batch the database still refuses for its size (2101) or age (1007, 1031) is
split in two and each half retried, and later batches are kept smaller.

A batch writes its keys without a write-conflict range each and declares instead one range
per index, from its smallest to its largest key there: the same guarantee for transactions
that read those keys concurrently (they conflict), some conflicts for transactions that read
near them, and a much cheaper commit (a batch holds up to 150,000 keys). A batch only writes,
so it never conflicts itself.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import operator
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from typing import Any, Callable, NamedTuple, Optional, Union

import found

from ._codec import pack_one
from ._store import NStore, Variable, check_items

log = logging.getLogger(__name__)

#: Target size of one batch, below FoundationDB's 10,000,000 bytes to leave room for overhead.
BATCH_BYTES = 8_000_000
#: Keys per batch at most: a longer write phase risks the 5-second transaction age (1007).
BATCH_KEYS = 150_000
#: Batches committing at once: while one commits (on the engine's or the network's time),
#: the next one is packed and written into its own transaction.
IN_FLIGHT = 2
#: Errors that mean "this transaction is too big or too slow": split the batch and retry.
_SPLIT_CODES = (1007, 1031, 2101)
#: Tuples taken from the source at a time (packed in one synchronous loop).
_CHUNK = 1_000
#: Packed items remembered per cached type (exact types: `True` is not `1`).
_CACHE_SIZE = 65_536
_NO_CONFLICT = found.TransactionOption.NEXT_WRITE_NO_WRITE_CONFLICT_RANGE
_WRITE = found.ConflictRangeType.WRITE


class LoadProgress(NamedTuple):
    """What `load` has committed so far, passed to its `progress` callback after each batch."""

    tuples: int
    transactions: int
    bytes: int


Progress = Callable[[LoadProgress], Any]
#: A batch ready to commit: its keys (one per index per tuple), tuples and bytes.
Batch = tuple[list[bytes], int, int]


async def _apply(tx: Any, keys: list[bytes], width: int) -> None:
    """Write `keys` (`width` consecutive keys per tuple, one per index) with empty values,
    under one write-conflict range per index instead of one per key (see the module doc):
    in one `found.set_many` call where found has it."""
    set_many = getattr(found, "set_many", None)
    if set_many is not None:
        set_many(tx, keys, no_write_conflict=True)  # synchronous: errors surface at commit
    else:
        set_option, set_key = found.set_option, found.set
        for key in keys:
            set_option(tx, _NO_CONFLICT)
            set_key(tx, key, b"")
    for index in range(width):
        column = keys[index::width]
        found.add_conflict_range(tx, min(column), max(column) + b"\x00", _WRITE)


async def _commit(db: Any, keys: list[bytes], width: int) -> int:
    """Commit `keys` (`width` consecutive keys per tuple), splitting them, on tuple boundaries,
    when the database says the transaction is too big or too old.

    Returns the number of transactions used.
    """
    try:
        await found.transactional(db, _apply, keys, width)
        return 1
    except found.FoundException as exc:
        tuples = len(keys) // width
        if exc.code not in _SPLIT_CODES or tuples < 2:
            raise
        log.info("load: batch of %d tuples refused (%d), splitting", tuples, exc.code)
        half = tuples // 2 * width
        return await _commit(db, keys[:half], width) + await _commit(db, keys[half:], width)


async def _chunks(tuples: Union[Iterable[Any], AsyncIterable[Any]]) -> AsyncIterator[list[Any]]:
    """The source in lists of up to `_CHUNK` tuples."""
    if hasattr(tuples, "__aiter__"):
        chunk = []
        async for items in tuples:
            chunk.append(items)
            if len(chunk) >= _CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        return
    source = iter(tuples)
    while True:
        chunk = list(itertools.islice(source, _CHUNK))
        if not chunk:
            return
        yield chunk


class _Batcher:
    """Packs tuples into keys, each item once (loaded data repeats its values: predicates,
    classes, ...), and cuts the keys into batches within the size budgets."""

    def __init__(self, store: NStore) -> None:
        self.store = store
        self.width = len(store.indices)
        self.bytes_budget, self.keys_budget = BATCH_BYTES, BATCH_KEYS
        self.caches: dict[type, dict[Any, bytes]] = {str: {}, bytes: {}, int: {}}
        # (index prefix, the packed items in that index's order) per index
        self.orders = [
            (store.subspace(i), operator.itemgetter(*order) if len(order) > 1 else None)
            for i, order in enumerate(store.indices)
        ]
        self.keys: list[bytes] = []
        self.size = 0

    def add(self, chunk: list[Any]) -> list[Batch]:
        """Add the tuples of `chunk`; returns the batches they completed."""
        full: list[Batch] = []
        n, join, orders, caches = self.store.n, b"".join, self.orders, self.caches
        for items in chunk:
            if type(items) is not tuple:
                items = tuple(items)
            if len(items) != n:
                check_items(self.store, items)  # raises
            parts = []
            for item in items:
                cache = caches.get(type(item))
                if cache is None:  # not cached: may be a Variable, which check_items refuses
                    if isinstance(item, Variable):
                        check_items(self.store, items)
                    parts.append(found.pack((item,)))
                    continue
                part = cache.get(item)
                if part is None:
                    if len(cache) >= _CACHE_SIZE:
                        cache.clear()
                    part = cache[item] = pack_one(item)
                parts.append(part)
            new = [
                prefix + (join(order(parts)) if order is not None else parts[0])
                for prefix, order in orders
            ]
            cost = sum(map(len, new))  # the mutations' bytes (keys, empty values)
            if self.keys and (
                self.size + cost > self.bytes_budget or len(self.keys) >= self.keys_budget
            ):
                full.append(self.flush())
            self.keys.extend(new)
            self.size += cost
        return full

    def flush(self) -> Batch:
        """The batch filled so far (possibly empty), and start a new one."""
        batch = (self.keys, len(self.keys) // self.width, self.size)
        self.keys, self.size = [], 0
        return batch

    def shrink(self, factor: int) -> None:
        """Later batches `factor` times smaller (the database refused one as too big)."""
        self.bytes_budget = max(self.bytes_budget // factor, 10_000)
        self.keys_budget = max(self.keys_budget // factor, self.width)


async def load(
    db: Any,
    store: NStore,
    tuples: Union[Iterable[Sequence[Any]], AsyncIterable[Sequence[Any]]],
    progress: Optional[Progress] = None,
) -> LoadProgress:
    """Add every tuple of `tuples` (an iterable or async iterable) to `store`, in batches.

    Each batch is one transaction, as large as the limits allow, and the next batch is
    prepared while one commits; `progress`, a function or coroutine function, receives a
    `LoadProgress` after each commit, in order. Tuples committed before a failure stay
    committed. Returns the final `LoadProgress`.
    """
    done = LoadProgress(0, 0, 0)
    batcher = _Batcher(store)
    flying: deque[tuple[asyncio.Future[int], int, int]] = deque()

    async def settle() -> None:
        nonlocal done
        task, count, cost = flying.popleft()
        transactions = await task
        if transactions > 1:
            batcher.shrink(transactions)
        done = LoadProgress(
            done.tuples + count, done.transactions + transactions, done.bytes + cost
        )
        if progress is not None:
            result = progress(done)
            if inspect.isawaitable(result):
                await result

    async def launch(batch: Batch) -> None:
        keys, count, cost = batch
        flying.append((asyncio.ensure_future(_commit(db, keys, batcher.width)), count, cost))
        while len(flying) >= IN_FLIGHT:
            await settle()

    try:
        async for chunk in _chunks(tuples):
            for batch in batcher.add(chunk):
                await launch(batch)
        last = batcher.flush()
        if last[1]:
            flying.append(
                (asyncio.ensure_future(_commit(db, last[0], batcher.width)), last[1], last[2])
            )
        while flying:
            await settle()
    finally:
        for task, _, _ in flying:
            task.cancel()
        if flying:
            await asyncio.gather(*(task for task, _, _ in flying), return_exceptions=True)
    return done
