"""The public `Database`: one open database (embedded or cluster), its hooks and options.

A `Database` wraps a backend database (`found._backend.BackendDatabase`) and owns the
lifecycle hooks that `transactional` and `transaction` fire. Close it with `await db.close()`
or use it as `async with await found.open(...) as db:`; a database garbage-collected while
open emits a ResourceWarning, as files and sockets do.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable
from typing import Any, Callable, NamedTuple, Optional, Union

from ._backend import BackendDatabase
from ._options import DatabaseOption, OptionValue, encode_option

__all__ = ["Database", "Hooks", "TransactionStats", "database_set_option", "make_hooks"]

Hook = Callable[..., Awaitable[Any]]


class TransactionStats(NamedTuple):
    """Facts about one committed transaction, passed to every `on_post_commit` hook."""

    #: How many times the transaction was retried before it committed (0 on first attempt).
    retries: int
    #: Seconds from the creation of the transaction to the end of its commit.
    elapsed: float
    #: Approximate size of the committed transaction in bytes (`get_approximate_size`).
    commit_bytes: int


class Hooks(NamedTuple):
    """Lists of async callables fired around each transaction run by `transactional` or
    `transaction`:

    - `on_begin`: `await hook(tx)` once the transaction exists and after each retry (after
      `tx.vars` was cleared);
    - `on_commit`: `await hook(tx)` just before commit, inside the transaction, so its writes
      commit atomically with the rest; runs again on retry;
    - `on_post_commit`: `await hook(tx, stats)` once after a successful commit, never for a
      failed attempt; `stats` is a `TransactionStats`.
    """

    on_begin: list[Hook]
    on_commit: list[Hook]
    on_post_commit: list[Hook]


def make_hooks() -> Hooks:
    """A fresh `Hooks` with three empty lists (`open()` gives each database its own)."""
    return Hooks([], [], [])


class Database:
    """An open database. Pass it to `transactional`, `transaction` or `make_transaction`.

    Attributes: `hooks` (a `Hooks`), `kind` (`"embedded"` or `"cluster"`) and `location`
    (the directory or cluster file it was opened from, for logs and repr)."""

    def __init__(self, backend: BackendDatabase, location: Optional[str] = None) -> None:
        self._backend = backend
        self.hooks: Hooks = make_hooks()
        self.kind: str = backend.kind
        self.location = location
        self._closed = False
        #: Transaction-default options set through `database_set_option`, by code.
        self.transaction_defaults: dict[int, Optional[bytes]] = {}

    @property
    def backend(self) -> BackendDatabase:
        """The backend database object (internal interface, for layers that need it)."""
        if self._closed:
            raise ValueError("the database is closed")
        return self._backend

    @property
    def closed(self) -> bool:
        """True once `close()` was called."""
        return self._closed

    async def close(self) -> None:
        """Release the database. Transactions still running fail; calling it again is fine."""
        if self._closed:
            return
        self._closed = True
        await self._backend.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __del__(self) -> None:
        if getattr(self, "_closed", True):
            return
        warnings.warn(
            f"unclosed found database {self!r}; close it with `await db.close()`",
            ResourceWarning,
            stacklevel=2,
            source=self,
        )

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<found.Database {self.kind} {self.location or ''}{state}>".replace("  ", " ")


def database_set_option(
    db: Database, option: Union[int, str, DatabaseOption], value: OptionValue = None
) -> None:
    """Set a database option, by `FDB_DB_OPTION_*` code (value bytes, as in 0.13) or by name
    with a Python value: `database_set_option(db, "transaction_timeout", 5000)`.

    Unknown names raise 2007; a bad value raises 2006 (or TypeError for a wrong type)."""
    if not isinstance(db, Database):
        raise TypeError(f"db must be a found.Database, not {type(db).__name__}")
    code, encoded = encode_option(DatabaseOption, option, value)
    db.backend.set_option(code, encoded)
    if 500 <= code <= 502:
        db.transaction_defaults[code] = encoded
