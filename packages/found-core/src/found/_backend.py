"""The one internal interface every backend implements.

The public API (`found/__init__.py` and the modules it re-exports) talks to a database only
through these two protocols, so the same user code runs on the embedded engine
(`found._embedded`) and on a FoundationDB cluster through libfdb_c (`found._capi`).

The shape follows the C API of libfdb_c 7.3 closely, on purpose: the cffi driver maps each
method to one C call, and the libfdb_c-compatible test library exports each C call on top of
the embedded backend's method of the same name. Keys, values and parameters are `bytes`;
option, mutation, streaming-mode and conflict-range codes are FoundationDB's integers
(`found._options`).

Error delivery mirrors libfdb_c (semantics reference §1.6): the synchronous write methods
(`set`, `clear`, `clear_range`, `atomic_op`, `set_read_version`, `set_option` value checks)
never raise a FoundationDB error; a failure is remembered as the transaction's deferred error
and raised by the next awaited call. Only `set_option` with an unknown code (2007) and
`add_conflict_range` (2005, 2000) raise at once. Every FoundationDB failure is raised as
`found._errors.FoundException` with the FoundationDB code.
"""

from __future__ import annotations

import asyncio
from typing import List, Optional, Protocol, Tuple

KeyValues = List[Tuple[bytes, bytes]]


class BackendTransaction(Protocol):
    """One FoundationDB transaction (`FDBTransaction*`)."""

    # -- synchronous calls (errors deferred to the next awaited call) -----------------------

    def set(self, key: bytes, value: bytes) -> None: ...

    def clear(self, key: bytes) -> None: ...

    def clear_range(self, begin: bytes, end: bytes) -> None: ...

    def atomic_op(self, key: bytes, param: bytes, op: int) -> None:
        """`op` is a `MutationType` code (ADD=2, BIT_AND=6, ..., COMPARE_AND_CLEAR=20)."""

    def set_option(self, code: int, value: Optional[bytes]) -> None:
        """`TransactionOption` code; `value` is the encoded parameter (int64 little-endian for
        integer options, bytes for string/bytes options, None when the option takes none)."""

    def set_read_version(self, version: int) -> None: ...

    def add_conflict_range(self, begin: bytes, end: bytes, conflict_type: int) -> None:
        """`conflict_type` is 0 (READ) or 1 (WRITE). Raises 2005 / 2000 at once."""

    def cancel(self) -> None:
        """Every pending and later call fails with 1025 until `reset`."""

    def reset(self) -> None:
        """Back to a fresh transaction; options that persist across resets are kept as
        FoundationDB keeps them on `on_error` (semantics reference §15.13)."""

    def get_committed_version(self) -> int:
        """Version of the last successful commit; -1 for a read-only commit."""

    def watch(self, key: bytes) -> asyncio.Future[None]:
        """A future resolved when `key`'s value changes after this transaction commits."""

    def get_versionstamp(self) -> asyncio.Future[bytes]:
        """A future of the 10-byte versionstamp of this transaction's commit (ask before commit)."""

    def destroy(self) -> None:
        """Release the transaction; uncommitted writes are discarded, pending watches fail."""

    # -- asynchronous calls ---------------------------------------------------------------

    async def get_read_version(self) -> int: ...

    async def get(self, key: bytes, snapshot: bool) -> Optional[bytes]: ...

    async def get_key(self, key: bytes, or_equal: bool, offset: int, snapshot: bool) -> bytes:
        """Resolve the key selector (key, or_equal, offset)."""

    async def get_range(
        self,
        begin_key: bytes,
        begin_or_equal: bool,
        begin_offset: int,
        end_key: bytes,
        end_or_equal: bool,
        end_offset: int,
        limit: int,
        target_bytes: int,
        mode: int,
        iteration: int,
        snapshot: bool,
        reverse: bool,
    ) -> Tuple[KeyValues, bool]:
        """One page of a range read, as `fdb_transaction_get_range`: (pairs, more)."""

    async def get_estimated_range_size_bytes(self, begin: bytes, end: bytes) -> int: ...

    async def get_range_split_points(
        self, begin: bytes, end: bytes, chunk_size: int
    ) -> List[bytes]: ...

    async def get_addresses_for_key(self, key: bytes) -> List[bytes]: ...

    async def get_approximate_size(self) -> int: ...

    async def commit(self) -> None: ...

    async def on_error(self, code: int) -> None:
        """FoundationDB's retry logic: back off and reset for a retryable `code`, else raise it."""


class BackendDatabase(Protocol):
    """One open database (`FDBDatabase*`)."""

    #: "embedded" or "cluster", for logs and for tests that pin backend-specific facts.
    kind: str

    def create_transaction(self) -> BackendTransaction: ...

    def set_option(self, code: int, value: Optional[bytes]) -> None:
        """`DatabaseOption` code and encoded parameter, as for transactions."""

    async def close(self) -> None:
        """Release the database; later calls fail. Idempotent."""
