"""The public `Transaction` and the calls that manage it: commit, on_error, reset, cancel,
options, conflict ranges, versionstamps and watches.

A `Transaction` wraps one backend transaction (`found._backend.BackendTransaction`) with what
0.13 code expects on it: `tx.db`, `tx.snapshot` (reads are snapshot reads and writes are
refused, see `found._writes`) and `tx.vars` (a dict for caching during one attempt, cleared on
each retry by `transactional`). When the task awaiting one of its calls is cancelled, the
backend transaction is cancelled too (later calls fail with 1025 until `reset`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Union

from ._backend import BackendTransaction
from ._database import Database
from ._options import ConflictRangeType, OptionValue, TransactionOption, encode_option
from ._util import check_int, check_key

__all__ = [
    "Transaction",
    "add_conflict_range",
    "cancel",
    "commit",
    "get_approximate_size",
    "get_committed_version",
    "get_versionstamp",
    "make_transaction",
    "on_error",
    "reset",
    "set_option",
    "watch",
]


class Transaction:
    """One transaction on a `Database`; create it with `make_transaction` (or let
    `transactional` / `transaction` do it) and pass it to the module functions."""

    __slots__ = (
        "__weakref__",
        "_tx",
        "created",
        "db",
        "retries",
        "retry_limit_set",
        "snapshot",
        "vars",
    )

    def __init__(self, db: Database, backend: BackendTransaction, snapshot: bool = False):
        self._tx = backend
        #: The `Database` this transaction belongs to.
        self.db = db
        #: True when reads are snapshot reads and the transaction is read-only.
        self.snapshot = snapshot
        #: Free-form per-attempt cache; `transactional` clears it before each retry.
        self.vars: dict[Any, Any] = {}
        #: `time.monotonic()` at creation or last `reset`; the base of `TransactionStats`.
        self.created = time.monotonic()
        #: How many times `on_error` let this transaction retry.
        self.retries = 0
        #: True once `set_option` gave this transaction a retry limit (until `reset`):
        #: `transactional` then leaves its default limit out.
        self.retry_limit_set = False

    @property
    def backend(self) -> BackendTransaction:
        """The backend transaction (internal interface, for layers that need it)."""
        return self._tx

    def __repr__(self) -> str:
        mode = " snapshot" if self.snapshot else ""
        return f"<found.Transaction{mode} on {self.db!r}>"


def check_tx(tx: Any) -> Transaction:
    """`tx` if it is a `Transaction`, else TypeError naming the argument."""
    if not isinstance(tx, Transaction):
        raise TypeError(f"tx must be a found.Transaction, not {type(tx).__name__}")
    return tx


def make_transaction(db: Database, snapshot: bool = False) -> Transaction:
    """A new transaction on `db`; with `snapshot=True` its reads are snapshot reads (no read
    conflicts) and writes raise 2023 transaction_read_only."""
    if not isinstance(db, Database):
        raise TypeError(f"db must be a found.Database, not {type(db).__name__}")
    backend = db.backend.create_transaction()
    return Transaction(db, backend, bool(snapshot))


async def commit(tx: Transaction) -> None:
    """Commit `tx`; raises the FoundationDB error when it fails (1020 on conflict, ...)."""
    backend = check_tx(tx)._tx
    try:
        await backend.commit()
    except asyncio.CancelledError:
        backend.cancel()
        raise


async def on_error(tx: Transaction, code: Union[int, BaseException]) -> None:
    """FoundationDB's retry step for error `code` (or a FoundationDB exception): for a
    retryable error, back off and reset `tx` so the caller can run it again; otherwise raise."""
    backend = check_tx(tx)._tx
    number = getattr(code, "code", None) if isinstance(code, BaseException) else code
    if isinstance(code, BaseException) and not isinstance(number, int):
        raise TypeError("on_error takes an error code or a FoundationDB exception")
    code = check_int("code", number)
    try:
        await backend.on_error(code)
    except asyncio.CancelledError:
        backend.cancel()
        raise
    tx.retries += 1


def reset(tx: Transaction) -> None:
    """Reset `tx` to a fresh state (writes, options, retry count and timeout clock too)."""
    check_tx(tx)._tx.reset()
    tx.created = time.monotonic()
    tx.retries = 0
    tx.retry_limit_set = False


def cancel(tx: Transaction) -> None:
    """Cancel `tx`: pending and later calls fail with 1025 transaction_cancelled until reset."""
    check_tx(tx)._tx.cancel()


def get_committed_version(tx: Transaction) -> int:
    """The version `tx` committed at (-1 for a read-only commit); call after `commit`."""
    return check_tx(tx)._tx.get_committed_version()


def get_versionstamp(tx: Transaction) -> asyncio.Future[bytes]:
    """A future of the 10-byte versionstamp `tx` will commit with.

    Ask for it before commit and await it after: `vs = found.get_versionstamp(tx)`,
    `await found.commit(tx)`, `stamp = await vs` (awaiting it directly also works before
    commit finishes in another task). A read-only commit fails it with 2021."""
    return check_tx(tx)._tx.get_versionstamp()


async def get_approximate_size(tx: Transaction) -> int:
    """Approximate size in bytes of what `tx` would commit (mutations and conflict ranges)."""
    backend = check_tx(tx)._tx
    try:
        return await backend.get_approximate_size()
    except asyncio.CancelledError:
        backend.cancel()
        raise


def add_conflict_range(
    tx: Transaction, begin: Any, end: Any, conflict_type: Union[int, str] = 0
) -> None:
    """Add a read (`CONFLICT_RANGE_TYPE_READ`, 0) or write (`..._WRITE`, 1) conflict range
    `[begin, end)` to `tx`; `conflict_type` may also be `"read"` / `"write"`."""
    backend = check_tx(tx)._tx
    begin = check_key("begin", begin)
    end = check_key("end", end)
    if isinstance(conflict_type, str):
        member = ConflictRangeType.__members__.get(conflict_type.upper())
        if member is None:
            raise ValueError(f"conflict_type must be 'read' or 'write', not {conflict_type!r}")
        conflict_type = member
    backend.add_conflict_range(begin, end, check_int("conflict_type", conflict_type))


def set_option(
    tx: Transaction, option: Union[int, str, TransactionOption], value: OptionValue = None
) -> None:
    """Set a transaction option by `FDB_TR_OPTION_*` code (value bytes, as in 0.13) or by
    name with a Python value: `set_option(tx, "timeout", 1000)`, `set_option(tx, "tag", "a")`.

    Integers are encoded as 8-byte little-endian, strings as UTF-8. Unknown names raise 2007
    invalid_option; a value for an option that takes none raises 2006."""
    backend = check_tx(tx)._tx
    if value is None and isinstance(option, int) and not isinstance(option, bool):
        code, encoded = int(option), None  # a code without a value: nothing to encode
    else:
        code, encoded = encode_option(TransactionOption, option, value)
    backend.set_option(code, encoded)
    if code == TransactionOption.RETRY_LIMIT:
        tx.retry_limit_set = True


def watch(tx: Transaction, key: Any) -> asyncio.Future[None]:
    """Watch `key`: an asyncio future resolved once its value changes after `tx` commits.

    Cancel the future when it is no longer needed: each pending watch holds one of the
    database's watch slots (10,000 by default)."""
    backend = check_tx(tx)._tx
    return backend.watch(check_key("key", key))


def destroy(tx: Transaction) -> None:
    """Release the backend transaction (internal; `transactional` calls it when done)."""
    tx._tx.destroy()
