"""Bulk loading: many tuples in as few transactions as FoundationDB's limits allow.

A transaction may carry 10,000,000 bytes (keys, values and conflict ranges counted as
FoundationDB counts them) and live 5 seconds. `load` packs every item once (a small cache
serves repeated values), fills a batch up to `BATCH_BYTES` by that accounting, and commits it
with `found.transactional` (so a conflict retries the same batch) while the next batch is
packed and written (`IN_FLIGHT`). A batch the database still refuses for its size (2101) or
age (1007, 1031) is split in two and each half retried, and later batches are kept smaller.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from typing import (
    Any,
    Callable,
    NamedTuple,
    Optional,
    Union,
)

import found

from ._store import NStore, check_items

log = logging.getLogger(__name__)

#: Target size of one batch, below FoundationDB's 10,000,000 bytes to leave room for overhead.
BATCH_BYTES = 8_000_000
#: Errors that mean "this transaction is too big or too slow": split the batch and retry.
_SPLIT_CODES = (1007, 1031, 2101)


class LoadProgress(NamedTuple):
    """What `load` has committed so far, passed to its `progress` callback after each batch."""

    tuples: int
    transactions: int
    bytes: int


Progress = Callable[[LoadProgress], Any]

#: Batches committing at once: while one commits (on the engine's or the network's time),
#: the next one is packed and written into its own transaction.
IN_FLIGHT = 2
#: Item types whose packed bytes are cached while loading (exact types: `True` is not `1`).
_CACHED = (str, bytes, int)
_CACHE_SIZE = 65_536


async def _apply(tx: Any, keys: list[bytes]) -> None:
    for key in keys:
        found.set(tx, key, b"")  # synchronous: errors surface at the commit


async def _commit(db: Any, keys: list[bytes], width: int) -> int:
    """Commit `keys` (`width` consecutive keys per tuple), splitting them, on tuple boundaries,
    when the database says the transaction is too big or too old.

    Returns the number of transactions used.
    """
    try:
        await found.transactional(db, _apply, keys)
        return 1
    except found.FoundException as exc:
        tuples = len(keys) // width
        if exc.code not in _SPLIT_CODES or tuples < 2:
            raise
        log.info("load: batch of %d tuples refused (%d), splitting", tuples, exc.code)
        half = tuples // 2 * width
        return await _commit(db, keys[:half], width) + await _commit(db, keys[half:], width)


async def _iterate(tuples: Union[Iterable[Any], AsyncIterable[Any]]) -> AsyncIterator[Any]:
    if hasattr(tuples, "__aiter__"):
        async for items in tuples:
            yield items
    else:
        for items in tuples:
            yield items


class _Packer:
    """Packs items once each: loaded data repeats its values (predicates, classes, ...)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[type, Any], bytes] = {}

    def __call__(self, item: Any) -> bytes:
        kind = type(item)
        if kind not in _CACHED:
            return found.pack((item,))
        packed = self.cache.get((kind, item))
        if packed is None:
            if len(self.cache) >= _CACHE_SIZE:
                self.cache.clear()
            packed = self.cache[(kind, item)] = found.pack((item,))
        return packed


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
    budget = BATCH_BYTES
    done = LoadProgress(0, 0, 0)
    width = len(store.indices)
    pack = _Packer()
    keys: list[bytes] = []
    size = 0
    flying: deque[tuple[asyncio.Future[int], int, int]] = deque()

    async def settle() -> None:
        nonlocal done, budget
        task, count, cost = flying.popleft()
        transactions = await task
        if transactions > 1:
            budget = max(budget // transactions, 10_000)
        done = LoadProgress(
            done.tuples + count, done.transactions + transactions, done.bytes + cost
        )
        if progress is not None:
            result = progress(done)
            if inspect.isawaitable(result):
                await result

    def launch() -> None:
        nonlocal keys, size
        flying.append((asyncio.ensure_future(_commit(db, keys, width)), len(keys) // width, size))
        keys, size = [], 0

    try:
        async for items in _iterate(tuples):
            items = tuple(items)
            check_items(store, items)
            new = store.keys(items, [pack(x) for x in items])
            # mutation (key + empty value) plus write conflict range [key, key + b"\x00")
            cost = 3 * sum(map(len, new)) + width
            if keys and size + cost > budget:
                launch()
                while len(flying) >= IN_FLIGHT:
                    await settle()
            keys.extend(new)
            size += cost
        if keys:
            launch()
        while flying:
            await settle()
    finally:
        for task, _, _ in flying:
            task.cancel()
        if flying:
            await asyncio.gather(*(task for task, _, _ in flying), return_exceptions=True)
    return done
