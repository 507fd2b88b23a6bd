"""Range reads: `query` (an async iterator fetching pages on demand) and `get_range` (a list).

`query` fetches pages as it is consumed, as the official bindings' range iterators do: the
first request asks for a small page (streaming mode ITERATOR, iteration 1) and each later
request a larger one, so a caller that stops early reads little. Both honour `tx.snapshot`
(snapshot reads add no read conflict).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any, Optional, Union

from ._options import StreamingMode
from ._selectors import KeySelector, to_selector
from ._transaction import Transaction, check_tx
from ._util import check_int

__all__ = ["get_range", "query"]

#: A key: bytes, or any object with `as_foundationdb_key()` (a Subspace, a DirectorySubspace).
KeyLike = Any
KeyOrSelector = Union[KeyLike, KeySelector]

#: `query` reads limits up to this many rows in one batch (EXACT) instead of ITERATOR paging.
_EXACT_UP_TO = 1000

_WANT_ALL, _ITERATOR = int(StreamingMode.WANT_ALL), int(StreamingMode.ITERATOR)
_WANT_ALL_MEMBER = StreamingMode.WANT_ALL  # a global: no lookup on the enum class per read


def _mode(mode: Union[int, str]) -> int:
    if type(mode) is int:
        return mode
    if isinstance(mode, str):
        member = StreamingMode.__members__.get(mode.upper().replace("-", "_"))
        if member is None:
            raise ValueError(f"unknown streaming mode {mode!r}")
        return int(member)
    return check_int("mode", mode)


class _RangeRead:
    """Where a paged range read stands: the selectors still to read between (as plain
    fields: key, or_equal, offset), how many rows may still come, and the streaming mode and
    iteration number of the next page."""

    __slots__ = (
        "backend",
        "begin_key",
        "begin_offset",
        "begin_or_equal",
        "done",
        "end_key",
        "end_offset",
        "end_or_equal",
        "iteration",
        "limit",
        "mode",
        "remaining",
        "reverse",
        "snapshot",
    )

    def __init__(
        self,
        tx: Transaction,
        key: KeyOrSelector,
        other: KeyOrSelector,
        limit: int,
        mode: Union[int, str],
        reverse: Optional[bool],
    ) -> None:
        if not isinstance(tx, Transaction):
            check_tx(tx)
        self.backend = tx._tx
        if type(key) is bytes:  # the common case: no selector object to build
            bkey, bor, boff = key, False, 1
        else:
            bkey, bor, boff = to_selector("key", key)
        if type(other) is bytes:
            ekey, eor, eoff = other, False, 1
        else:
            ekey, eor, eoff = to_selector("other", other)
        if type(limit) is not int:
            limit = check_int("limit", limit)
        self.limit = self.remaining = limit
        mode_code = _mode(mode)
        if reverse is None:
            descending = bkey > ekey
            if descending:
                if not isinstance(key, KeySelector):
                    bor, boff = True, 1  # `key` itself is included, as in 0.13
                bkey, bor, boff, ekey, eor, eoff = ekey, eor, eoff, bkey, bor, boff
        else:
            descending = bool(reverse)
        if mode_code == StreamingMode.ITERATOR and 0 < limit <= _EXACT_UP_TO:
            # A small limit is read in one batch, as the official binding's to_list() does:
            # the rows are the same, and paging 4 KB at a time would cost several round trips.
            mode_code = StreamingMode.EXACT
        self.begin_key, self.begin_or_equal, self.begin_offset = bkey, bor, boff
        self.end_key, self.end_or_equal, self.end_offset = ekey, eor, eoff
        self.reverse, self.mode = descending, mode_code
        self.snapshot = tx.snapshot
        self.iteration = 1
        self.done = False

    async def page(self) -> list[tuple[bytes, bytes]]:
        """The next page of rows; sets `done` once no page follows."""
        backend = self.backend
        try:
            pairs, more = await backend.get_range(
                self.begin_key,
                self.begin_or_equal,
                self.begin_offset,
                self.end_key,
                self.end_or_equal,
                self.end_offset,
                self.remaining,
                0,
                self.mode,
                self.iteration,
                self.snapshot,
                self.reverse,
            )
        except asyncio.CancelledError:
            backend.cancel()
            raise
        return self.advance(pairs, more)

    def advance(self, pairs: list[tuple[bytes, bytes]], more: bool) -> list[tuple[bytes, bytes]]:
        """Move past the page `pairs` just read (`more`: the backend's flag); `pairs`."""
        if not pairs or not more:
            self.done = True
            return pairs
        if self.limit > 0:
            self.remaining -= len(pairs)
            if self.remaining <= 0:
                self.done = True
                return pairs
        self.iteration += 1
        if self.reverse:  # continue before the last key read
            self.end_key, self.end_or_equal, self.end_offset = pairs[-1][0], False, 1
        else:  # continue after it
            self.begin_key, self.begin_or_equal, self.begin_offset = pairs[-1][0], True, 1
        return pairs


class _Query:
    """The async iterator `query` returns: rows of one page at a time, fetched on demand.

    A class rather than an async generator: no asyncgen hooks or finalizer per call, and a
    row costs one small coroutine. Arguments are checked at the first step, as a generator
    would check them; `aclose()` stops it early."""

    __slots__ = ("_args", "_read", "_rows")

    def __init__(self, args: tuple[Any, ...]) -> None:
        self._args = args
        self._read: Optional[_RangeRead] = None
        self._rows: Iterator[tuple[bytes, bytes]] = iter(())

    def __aiter__(self) -> _Query:
        return self

    async def __anext__(self) -> tuple[bytes, bytes]:
        for pair in self._rows:
            return pair
        read = self._read
        if read is None:
            if self._args is None:
                raise StopAsyncIteration
            read = self._read = _RangeRead(*self._args)
        while not read.done:
            rows = iter(await read.page())
            for pair in rows:
                self._rows = rows
                return pair
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Stop the read: later steps end the iteration."""
        self._args = None  # type: ignore[assignment]
        self._rows = iter(())
        if self._read is not None:
            self._read.done = True


def query(
    tx: Transaction,
    key: KeyOrSelector,
    other: KeyOrSelector,
    *,
    limit: int = 0,
    mode: Union[int, str] = StreamingMode.ITERATOR,
    reverse: Optional[bool] = None,
) -> AsyncIterator[tuple[bytes, bytes]]:
    """Yield the `(key, value)` pairs of a range, page by page (an async iterator).

    `key` and `other` are keys (bytes or objects with `as_foundationdb_key()`) or key
    selectors. Without `reverse`, the order follows the arguments as in 0.13: `key < other`
    reads `[key, other)` ascending; `key > other` reads from `key` down to `other`, both
    included when given as keys. With `reverse=True` or `False`, the range is always
    `[key, other)` and `reverse` only sets the order. `limit=0` means no limit; `mode` is a
    `STREAMING_MODE_*` code (or name). With the default ITERATOR mode, a limit of at most
    1,000 rows is fetched in one batch."""
    return _Query((tx, key, other, limit, mode, reverse))


async def get_range(
    tx: Transaction,
    begin: KeyOrSelector,
    end: KeyOrSelector,
    limit: int = 0,
    reverse: bool = False,
    mode: Union[int, str] = StreamingMode.WANT_ALL,
) -> list[tuple[bytes, bytes]]:
    """Every `(key, value)` pair of `[begin, end)` as a list (0.13's eager range read);
    `reverse` sets the order, `limit=0` means no limit."""
    code = _WANT_ALL if mode is _WANT_ALL_MEMBER else mode
    if type(code) is not int and isinstance(code, StreamingMode):
        code = int(code)  # EXACT, SMALL, ... given as members take the fast path too
    if (
        type(begin) is bytes
        and type(end) is bytes
        and type(limit) is int
        and type(code) is int
        and code != _ITERATOR
        and isinstance(tx, Transaction)
    ):  # plain keys: the first page without building the read's state
        backend = tx._tx
        reverse = bool(reverse)
        try:
            pairs, more = await backend.get_range(
                begin, False, 1, end, False, 1, limit, 0, code, 1, tx.snapshot, reverse
            )
        except asyncio.CancelledError:
            backend.cancel()
            raise
        if not more or not pairs or 0 < limit <= len(pairs):
            return pairs
        read = _RangeRead(tx, begin, end, limit, mode, reverse)
        read.advance(pairs, more)
    else:
        read = _RangeRead(tx, begin, end, limit, mode, bool(reverse))
        pairs = await read.page()
    while not read.done:
        pairs.extend(await read.page())
    return pairs
