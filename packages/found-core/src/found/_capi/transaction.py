"""`BackendTransaction` over an `FDBTransaction*`: each method is one libfdb_c call.

Synchronous writes go straight to C, which defers their errors to the next future (semantics
reference §1.6); future-returning calls are awaited through `futures.read` (reads: a future
ready at once is taken without a callback) or `futures.wait`. The C transaction is
released by `destroy()` or, failing that, when this object is garbage collected.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from . import futures, library

KeyValues = list[tuple[bytes, bytes]]


def _bytes(name: str, value: Any) -> bytes:
    if not isinstance(value, bytes):
        raise TypeError(f"{name} must be bytes, not {type(value).__name__}")
    return value


class CapiTransaction:
    """One FoundationDB transaction in libfdb_c."""

    __slots__ = ("_ffi", "_lib", "_tr")

    def __init__(self, ffi: Any, lib: Any, tr: Any) -> None:
        self._ffi = ffi
        self._lib = lib
        self._tr = ffi.gc(tr, lib.fdb_transaction_destroy)
        if futures._lib is None:  # `get` uses the future helpers' bound entry points
            futures._bind()

    # -- synchronous calls ------------------------------------------------------------------

    def set(self, key: bytes, value: bytes) -> None:
        if type(key) is not bytes or type(value) is not bytes:
            _bytes("key", key), _bytes("value", value)
        self._lib.fdb_transaction_set(self._tr, key, len(key), value, len(value))

    def clear(self, key: bytes) -> None:
        _bytes("key", key)
        self._lib.fdb_transaction_clear(self._tr, key, len(key))

    def clear_range(self, begin: bytes, end: bytes) -> None:
        _bytes("begin", begin), _bytes("end", end)
        self._lib.fdb_transaction_clear_range(self._tr, begin, len(begin), end, len(end))

    def atomic_op(self, key: bytes, param: bytes, op: int) -> None:
        _bytes("key", key), _bytes("param", param)
        self._lib.fdb_transaction_atomic_op(self._tr, key, len(key), param, len(param), op)

    def set_option(self, code: int, value: Optional[bytes]) -> None:
        if value is None:
            code = self._lib.fdb_transaction_set_option(self._tr, code, self._ffi.NULL, 0)
        else:
            _bytes("option value", value)
            code = self._lib.fdb_transaction_set_option(self._tr, code, value, len(value))
        library.check(code)

    def set_read_version(self, version: int) -> None:
        self._lib.fdb_transaction_set_read_version(self._tr, version)

    def add_conflict_range(self, begin: bytes, end: bytes, conflict_type: int) -> None:
        _bytes("begin", begin), _bytes("end", end)
        library.check(
            self._lib.fdb_transaction_add_conflict_range(
                self._tr, begin, len(begin), end, len(end), conflict_type
            )
        )

    def cancel(self) -> None:
        self._lib.fdb_transaction_cancel(self._tr)

    def reset(self) -> None:
        self._lib.fdb_transaction_reset(self._tr)

    def get_committed_version(self) -> int:
        out = self._ffi.new("int64_t *")
        library.check(self._lib.fdb_transaction_get_committed_version(self._tr, out))
        return int(out[0])

    def watch(self, key: bytes) -> asyncio.Future[None]:
        _bytes("key", key)
        fptr = self._lib.fdb_transaction_watch(self._tr, key, len(key))
        return futures.to_asyncio(fptr, futures.extract_none)

    def get_versionstamp(self) -> asyncio.Future[bytes]:
        fptr = self._lib.fdb_transaction_get_versionstamp(self._tr)
        return futures.to_asyncio(fptr, futures.extract_key)

    def destroy(self) -> None:
        """Release the C transaction now (idempotent)."""
        tr = self._tr
        if tr is not None:
            self._tr = None
            self._ffi.release(tr)

    # -- asynchronous calls ---------------------------------------------------------------

    async def get_read_version(self) -> int:
        fptr = self._lib.fdb_transaction_get_read_version(self._tr)
        return await futures.read(fptr, futures.extract_int64)

    async def get(self, key: bytes, snapshot: bool) -> Optional[bytes]:
        if type(key) is not bytes:
            _bytes("key", key)
        fptr = self._lib.fdb_transaction_get(self._tr, key, len(key), snapshot)
        if futures._is_ready(fptr):  # answered at once (`futures.read`, inlined)
            return futures.take(fptr, futures.extract_value)
        return await futures.wait(fptr, futures.extract_value)

    async def get_key(self, key: bytes, or_equal: bool, offset: int, snapshot: bool) -> bytes:
        _bytes("key", key)
        fptr = self._lib.fdb_transaction_get_key(
            self._tr, key, len(key), or_equal, offset, snapshot
        )
        return await futures.read(fptr, futures.extract_key)

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
    ) -> tuple[KeyValues, bool]:
        """One page, as `fdb_transaction_get_range`: (pairs, more)."""
        _bytes("begin key", begin_key), _bytes("end key", end_key)
        fptr = self._lib.fdb_transaction_get_range(
            self._tr,
            begin_key, len(begin_key), begin_or_equal, begin_offset,
            end_key, len(end_key), end_or_equal, end_offset,
            limit, target_bytes, mode, iteration, snapshot, reverse,
        )  # fmt: skip
        return await futures.read(fptr, futures.extract_keyvalues)

    async def get_estimated_range_size_bytes(self, begin: bytes, end: bytes) -> int:
        _bytes("begin", begin), _bytes("end", end)
        fptr = self._lib.fdb_transaction_get_estimated_range_size_bytes(
            self._tr, begin, len(begin), end, len(end)
        )
        return await futures.read(fptr, futures.extract_int64)

    async def get_range_split_points(
        self, begin: bytes, end: bytes, chunk_size: int
    ) -> list[bytes]:
        _bytes("begin", begin), _bytes("end", end)
        fptr = self._lib.fdb_transaction_get_range_split_points(
            self._tr, begin, len(begin), end, len(end), chunk_size
        )
        return await futures.read(fptr, futures.extract_keys)

    async def get_addresses_for_key(self, key: bytes) -> list[bytes]:
        _bytes("key", key)
        fptr = self._lib.fdb_transaction_get_addresses_for_key(self._tr, key, len(key))
        return await futures.read(fptr, futures.extract_strings)

    async def get_approximate_size(self) -> int:
        fptr = self._lib.fdb_transaction_get_approximate_size(self._tr)
        return await futures.read(fptr, futures.extract_int64)

    async def commit(self) -> None:
        fptr = self._lib.fdb_transaction_commit(self._tr)
        await futures.wait(fptr, futures.extract_none)

    async def on_error(self, code: int) -> None:
        fptr = self._lib.fdb_transaction_on_error(self._tr, code)
        await futures.wait(fptr, futures.extract_none)
