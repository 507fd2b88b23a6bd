"""One page of a range read: limits, streaming modes, the `more` flag, conflict ranges.

`page_limits` normalizes (limit, target_bytes, mode, iteration) exactly as libfdb_c's C shim
does (semantics reference §2.3): 0 means unlimited, EXACT without limits is 2210, ITERATOR
grows its byte target with the iteration number, WANT_ALL behaves as SERIAL. `read_page`
collects rows until a limit is met, each row costing len(key) + len(value) + 8 bytes, and
reports `more` as the read-your-writes client does: true whenever a limit was reached, even
if no key remains (§15.1). `range_conflict` is the read-conflict range of a serializable
range read (§6.2).
"""

from __future__ import annotations

from itertools import chain
from typing import Any, Optional

from .._errors import error
from .view import View

UNLIMITED = 1 << 62
_ITERATOR_BYTES = (4096, 6144, 9216, 13824, 20736, 31104, 46656, 69984, 80000, 120000)
_MODE_BYTES = {0: UNLIMITED, 1: 256, 2: 1000, 3: 4096, 4: 80000}
WANT_ALL, ITERATOR, EXACT, SERIAL = -2, -1, 0, 4


def page_limits(limit: int, target_bytes: int, mode: int, iteration: int) -> tuple[int, int]:
    """(row limit, byte limit) for one call, or the FoundationDB error for bad parameters."""
    if mode == EXACT and limit > 0 and target_bytes == 0:  # a join's probe: rows only
        return limit, UNLIMITED
    if limit < -1 or target_bytes < -1:
        raise error(2012)
    rows = UNLIMITED if limit in (0, -1) else limit
    wanted_bytes = UNLIMITED if target_bytes in (0, -1) else target_bytes
    if rows == UNLIMITED and wanted_bytes == UNLIMITED and mode == EXACT:
        raise error(2210)
    if mode == WANT_ALL:
        mode = SERIAL
    if mode == ITERATOR:
        if iteration <= 0:
            raise error(2000)
        mode_bytes = _ITERATOR_BYTES[min(iteration, len(_ITERATOR_BYTES)) - 1]
    else:
        found = _MODE_BYTES.get(mode)
        if found is None:
            raise error(2000)
        mode_bytes = found
    return rows, min(wanted_bytes, mode_bytes)


def read_page(
    view: View,
    begin: bytes,
    end: bytes,
    rows: int,
    byte_limit: int,
    reverse: bool,
    row_bytes: int = 32,
) -> tuple[list[tuple[bytes, bytes]], bool, int]:
    """Rows of `[begin, end)` up to the limits, whether a limit stopped the read, and the
    page's cost in bytes when a byte limit applied (else 0). `row_bytes`, an estimate of one
    row's cost, sizes the first engine batch."""
    result: list[tuple[bytes, bytes]] = []
    if begin >= end:
        return result, False, 0
    writes = view.writes
    if writes is None or writes.empty():
        return db_page(view.engine, view.version, begin, end, rows, byte_limit, reverse, row_bytes)
    spent = 0
    # First engine batch: enough rows for the limits when rows cost about `row_bytes`, so a
    # typical page costs one engine call while a huge range is never fetched beyond the page.
    hint = min(rows, byte_limit // row_bytes + 1)
    for key, value in view.rows(begin, end, reverse, hint):
        result.append((key, value))
        spent += len(key) + len(value) + 8
        if len(result) >= rows or spent >= byte_limit:
            return result, True, spent
    return result, False, spent


def first_batch(rows: int, byte_limit: int, row_bytes: int) -> int:
    """How many rows `db_page` asks the engine for first (0: all of them): the row limit,
    or enough rows for the byte limit when rows cost about `row_bytes`, with 1/8 to spare."""
    if rows >= UNLIMITED and byte_limit >= UNLIMITED:
        return 0
    return max(min(rows, byte_limit // row_bytes * 9 // 8 + 2), 1)


def db_page(
    engine: Any,
    version: int,
    begin: bytes,
    end: bytes,
    rows: int,
    byte_limit: int,
    reverse: bool,
    row_bytes: int,
    first: Optional[list[tuple[bytes, bytes]]] = None,
) -> tuple[list[tuple[bytes, bytes]], bool, int]:
    """`read_page` with nothing of the transaction's own to merge: the engine's rows at
    `version` as one list, fetched in batches, the first `first_batch` rows (or `first`,
    that batch already read by the caller), doubling up to 4,096 after it."""
    batch = first_batch(rows, byte_limit, row_bytes)
    if not batch:
        if first is None:
            first = engine.get_range(begin, end, version, 0, reverse)
        return first, False, 0
    result: list[tuple[bytes, bytes]] = []
    spent = 0
    while True:
        if first is None:
            fetched = engine.get_range(begin, end, version, batch, reverse)
        else:
            fetched, first = first, None
        need = rows - len(result)
        if byte_limit >= UNLIMITED:  # a row limit only: no byte accounting
            count = need if len(fetched) >= need else -1
        else:
            count, spent = _cut(fetched, need, byte_limit, spent)
        if count >= 0:
            return (result + fetched[:count] if result else fetched[:count]), True, spent
        result += fetched
        if len(fetched) < batch:
            return result, False, spent
        if reverse:
            end = fetched[-1][0]
        else:
            begin = fetched[-1][0] + b"\x00"
        batch = min(batch * 2, 4096)


def _cut(
    rows: list[tuple[bytes, bytes]], need: int, byte_limit: int, spent: int
) -> tuple[int, int]:
    """How many of `rows` the page takes before a limit stops it (the row reaching a limit
    included: at most `need` rows, until the page's cost reaches `byte_limit`), with the
    cost so far; (-1, cost) when no limit is reached. The usual case, rows well within the
    byte limit, is summed in C; only a page the byte limit cuts is walked row by row."""
    taken = rows if len(rows) <= need else rows[:need]
    total = spent + sum(map(len, chain.from_iterable(taken))) + 8 * len(taken)
    if total < byte_limit:
        return (need if len(rows) >= need else -1), total
    for count, (key, value) in enumerate(rows, 1):
        spent += len(key) + len(value) + 8
        if spent >= byte_limit or count >= need:
            return count, spent
    return -1, spent


def range_conflict(
    begin: tuple[bytes, int],
    end: tuple[bytes, int],
    resolved: tuple[bytes, bytes],
    rows: list[tuple[bytes, bytes]],
    more: bool,
    reverse: bool,
    max_key: bytes,
) -> Optional[tuple[bytes, bytes]]:
    """The read-conflict range of a range read, from its normalized selectors `begin` and
    `end` ((key, offset) pairs), their resolved keys, the rows returned and `more`."""
    (bkey, boff), (ekey, eoff) = begin, end
    if bkey >= ekey:
        low, high = ekey, bkey
    elif reverse:
        low = ekey if (boff <= 1 and more) else bkey
        high = ekey
    else:
        low = bkey
        high = bkey if (eoff > 0 and more) else ekey
    if not rows:
        if boff <= 0 and resolved[0] == b"":
            low = b""
        if eoff > 0 and resolved[1] >= max_key:
            high = max(high, max_key)
    else:
        first, last = rows[0][0], rows[-1][0]
        smallest, largest = (last, first) if reverse else (first, last)
        if reverse:
            low = min(low, smallest)
            if eoff > 0 and high <= largest:
                high = largest + b"\x00"
        else:
            if boff <= 0:
                low = min(low, smallest)
            if high <= largest:
                high = largest + b"\x00"
    if low >= high:
        return None
    return low, high
