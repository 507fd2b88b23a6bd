"""Running a function as a transaction: `transactional` (with retries) and `transaction` (an
async context manager, no retries), both firing the database's lifecycle hooks.

`transactional` follows FoundationDB's retry loop: run the function, commit, and on a
FoundationDB error ask `on_error`, which backs off and resets for retryable errors (1020
not_committed, 1007 transaction_too_old, ...) and raises the others. Each retry clears
`tx.vars`. Unlike 0.13, a retry limit applies by default (`DEFAULT_RETRY_LIMIT`), so a
transaction that keeps conflicting fails instead of spinning forever; a database-wide
`transaction_retry_limit` option, or the `retry_limit` option set in the function, replaces it.
The default is set just before the first `on_error` (the option outlives `on_error`'s reset),
so a transaction that commits at its first attempt pays no option call for it.
"""

from __future__ import annotations

import asyncio
import inspect
import struct
import time
from collections.abc import Awaitable
from types import CoroutineType, TracebackType
from typing import Any, Callable, Optional, TypeVar

from ._database import Database, TransactionStats
from ._errors import FoundException
from ._options import TransactionOption
from ._transaction import Transaction, make_transaction

__all__ = ["DEFAULT_RETRY_LIMIT", "transaction", "transactional"]

T = TypeVar("T")

#: Retries `transactional` allows when no retry limit was configured (FoundationDB has none).
DEFAULT_RETRY_LIMIT = 100
_DEFAULT_RETRY_LIMIT_VALUE = struct.pack("<q", DEFAULT_RETRY_LIMIT)
# The option's code as a plain int: an enum member costs an attribute lookup on its class
# and an int subclass comparison in the backend, per transaction.
_RETRY_LIMIT = int(TransactionOption.RETRY_LIMIT)


def _default_retry_limit(tx: Transaction) -> None:
    """Give `tx` the default retry limit unless the database configured one."""
    if _RETRY_LIMIT not in tx.db.transaction_defaults:
        tx._tx.set_option(_RETRY_LIMIT, _DEFAULT_RETRY_LIMIT_VALUE)


def _begin(db: Database, snapshot: bool) -> Transaction:
    tx = make_transaction(db, snapshot)
    _default_retry_limit(tx)
    return tx


async def _fire(hooks: list[Callable[..., Awaitable[Any]]], *args: Any) -> None:
    for hook in list(hooks):
        await hook(*args)


async def _commit(tx: Transaction) -> int:
    """Fire on_commit hooks and commit; returns the approximate size when someone wants it."""
    hooks = tx.db.hooks
    if hooks.on_commit:
        await _fire(hooks.on_commit, tx)
    size = await tx._tx.get_approximate_size() if hooks.on_post_commit else 0
    await tx._tx.commit()
    return size


async def _post_commit(tx: Transaction, size: int) -> None:
    hooks = tx.db.hooks.on_post_commit
    if hooks:
        stats = TransactionStats(tx.retries, time.monotonic() - tx.created, size)
        await _fire(hooks, tx, stats)


def _check_awaitable(func: Callable[..., Any], pending: Any) -> None:
    if type(pending) is not CoroutineType and not inspect.isawaitable(pending):
        raise TypeError(
            f"func must return an awaitable (be an async function); "
            f"{getattr(func, '__name__', func)!r} returned {type(pending).__name__}"
        )


async def transactional(
    db: Database,
    func: Callable[..., Awaitable[T]],
    *args: Any,
    snapshot: bool = False,
    **kwargs: Any,
) -> T:
    """Run `await func(tx, *args, **kwargs)` in a transaction on `db` and commit it,
    retrying on retryable FoundationDB errors; returns what `func` returned.

    `func` may run several times, so it must not have side effects outside the transaction
    (use the `on_post_commit` hook for those). With `snapshot=True` the transaction is
    read-only: reads are snapshot reads and writes raise 2023. Honours the `timeout`,
    `retry_limit` and `max_retry_delay` options (set on the database or inside `func`).

    Example::

        async def hello(tx, key):
            found.set(tx, key, b"world")

        await found.transactional(db, hello, b"hello")
    """
    if not callable(func):
        raise TypeError(f"func must be an async function, not {type(func).__name__}")
    if type(db) is Database and not db._closed:  # `make_transaction` inlined: one call less
        backend = db._backend.create_transaction()
        tx = Transaction(db, backend, bool(snapshot))
    else:  # the checks' errors, and Database subclasses
        tx = make_transaction(db, snapshot)
        backend = tx._tx
    hooks = db.hooks
    try:
        while True:
            try:
                if hooks.on_begin:
                    await _fire(hooks.on_begin, tx)
                pending = func(tx, *args, **kwargs)
                if type(pending) is not CoroutineType:
                    _check_awaitable(func, pending)
                out = await pending
                if hooks.on_commit or hooks.on_post_commit:
                    size = await _commit(tx)
                else:
                    size = 0
                    await backend.commit()
            except FoundException as exc:
                if not tx.retries and not tx.retry_limit_set:
                    _default_retry_limit(tx)
                try:
                    await backend.on_error(exc.code)
                except FoundException as final:
                    if final.code == exc.code:
                        raise exc from None
                    raise final from exc
                tx.retries += 1
                tx.vars.clear()
                continue
            if hooks.on_post_commit:
                await _post_commit(tx, size)
            return out
    except asyncio.CancelledError:
        backend.cancel()
        raise
    finally:
        backend.destroy()


class _TransactionContext:
    """`async with found.transaction(db) as tx:` — see `transaction`."""

    def __init__(self, db: Database, snapshot: bool) -> None:
        if not isinstance(db, Database):
            raise TypeError(f"db must be a found.Database, not {type(db).__name__}")
        self._db = db
        self._snapshot = snapshot
        self._tx: Optional[Transaction] = None

    async def __aenter__(self) -> Transaction:
        if self._tx is not None:
            raise RuntimeError("found.transaction(...) context manager cannot be re-entered")
        tx = self._tx = _begin(self._db, self._snapshot)
        try:
            await _fire(self._db.hooks.on_begin, tx)
        except BaseException:
            tx._tx.destroy()
            raise
        return tx

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        tx = self._tx
        if tx is None:
            raise RuntimeError("__aexit__ called without __aenter__")
        backend = tx._tx
        try:
            if exc_type is None:
                size = await _commit(tx)
                await _post_commit(tx, size)
            elif issubclass(exc_type, asyncio.CancelledError):
                backend.cancel()
        except asyncio.CancelledError:
            backend.cancel()
            raise
        finally:
            backend.destroy()


def transaction(db: Database, snapshot: bool = False) -> _TransactionContext:
    """An async context manager running one transaction without retries.

    On a clean exit the transaction commits (firing `on_commit` then `on_post_commit`); when
    the block raises, it is abandoned without committing and the exception propagates. A
    commit error (e.g. 1020) is raised to the caller, who may retry. Example::

        async with found.transaction(db) as tx:
            found.set(tx, b"key", b"value")
    """
    return _TransactionContext(db, bool(snapshot))
