"""Bulk loading: many tuples in as few transactions as FoundationDB's limits allow.

A transaction may carry 10,000,000 bytes (keys, values and conflict ranges counted as
FoundationDB counts them) and live 5 seconds. `load` packs every key once, fills a batch up to
`BATCH_BYTES` by that accounting, and commits it with `found.transactional` (so a conflict
retries the same batch). A batch the database still refuses for its size (2101) or age (1007,
1031) is split in two and each half retried, and later batches are kept to the smaller size.
"""

from __future__ import annotations

import inspect
import logging
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


Writes = list[tuple[bytes, bytes]]
Progress = Callable[[LoadProgress], Any]


def _writes(store: NStore, items: tuple[Any, ...]) -> Writes:
    return [(key, b"") for key in store.keys(items)]


def _cost(writes: Writes) -> int:
    # mutation (key + value) plus write conflict range [key, key + b"\x00")
    return sum(3 * len(k) + 1 + len(v) for k, v in writes)


async def _apply(tx: Any, writes: Writes) -> None:
    for key, value in writes:
        found.set(tx, key, value)  # synchronous: errors surface at the commit


async def _commit(db: Any, batch: list[Writes]) -> int:
    """Commit `batch` (one entry per tuple), splitting it when the database says it is too big.

    Returns the number of transactions used.
    """
    try:
        flat = [kv for writes in batch for kv in writes]
        await found.transactional(db, _apply, flat)
        return 1
    except found.FoundException as exc:
        if exc.code not in _SPLIT_CODES or len(batch) < 2:
            raise
        log.info("load: batch of %d tuples refused (%d), splitting", len(batch), exc.code)
        half = len(batch) // 2
        return await _commit(db, batch[:half]) + await _commit(db, batch[half:])


async def _iterate(tuples: Union[Iterable[Any], AsyncIterable[Any]]) -> AsyncIterator[Any]:
    if hasattr(tuples, "__aiter__"):
        async for items in tuples:
            yield items
    else:
        for items in tuples:
            yield items


async def load(
    db: Any,
    store: NStore,
    tuples: Union[Iterable[Sequence[Any]], AsyncIterable[Sequence[Any]]],
    progress: Optional[Progress] = None,
) -> LoadProgress:
    """Add every tuple of `tuples` (an iterable or async iterable) to `store`, in batches.

    Each batch is one transaction, as large as the limits allow; `progress`, a function or
    coroutine function, receives a `LoadProgress` after each commit. Tuples committed before
    a failure stay committed. Returns the final `LoadProgress`.
    """
    budget = BATCH_BYTES
    done = LoadProgress(0, 0, 0)
    batch: list[Writes] = []
    size = 0

    async def flush() -> None:
        nonlocal done, batch, size, budget
        if not batch:
            return
        transactions = await _commit(db, batch)
        if transactions > 1:
            budget = max(budget // transactions, 10_000)
        done = LoadProgress(
            done.tuples + len(batch), done.transactions + transactions, done.bytes + size
        )
        batch, size = [], 0
        if progress is not None:
            result = progress(done)
            if inspect.isawaitable(result):
                await result

    async for items in _iterate(tuples):
        items = tuple(items)
        check_items(store, items)
        writes = _writes(store, items)
        cost = _cost(writes)
        if batch and size + cost > budget:
            await flush()
        batch.append(writes)
        size += cost
    await flush()
    return done
