"""The part of FoundationDB's special key space a single-process engine can serve.

Keys in `[\\xff\\xff, \\xff\\xff\\xff)` are not stored; they are computed on read
(semantics reference §12). The embedded backend serves the `transaction` module:

- `\\xff\\xff/transaction/conflicting_keys/<key>`: after a commit failed with 1020 under
  REPORT_CONFLICTING_KEYS, the read-conflict ranges that met a newer write (until `on_error`
  or `reset`), as FoundationDB's client keeps them;
- `\\xff\\xff/transaction/read_conflict_range/<key>` and
- `\\xff\\xff/transaction/write_conflict_range/<key>`,

each listing coalesced ranges as boundary keys, with value `1` where a range starts and `0`
where it ends, exactly as FoundationDB encodes them. A range read that meets no module fails
with 2113, one that leaves the module with 2112. Reading special keys needs no system-key
option, adds no conflict range, and works after a commit, even a failed one (FoundationDB
serves them before its used-during-commit check).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Optional

from .._errors import error
from .conflicts import Range, coalesce

SPECIAL_BEGIN = b"\xff\xff"
MODULE = (b"\xff\xff/transaction/", b"\xff\xff/transaction0")
CONFLICTING_PREFIX = b"\xff\xff/transaction/conflicting_keys/"
READ_PREFIX = b"\xff\xff/transaction/read_conflict_range/"
WRITE_PREFIX = b"\xff\xff/transaction/write_conflict_range/"

Rows = list[tuple[bytes, bytes]]


def _boundaries(prefix: bytes, ranges: list[Range]) -> Rows:
    rows: Rows = []
    for begin, end in coalesce(ranges):
        rows.append((prefix + begin, b"1"))
        rows.append((prefix + end, b"0"))
    return rows


def module_rows(
    read_conflicts: list[Range], write_conflicts: list[Range], conflicting: list[Range]
) -> Rows:
    """Every key of the transaction module, ascending (the prefixes sort in this order)."""
    return (
        _boundaries(CONFLICTING_PREFIX, conflicting)
        + _boundaries(READ_PREFIX, read_conflicts)
        + _boundaries(WRITE_PREFIX, write_conflicts)
    )


def get(rows: Rows, key: bytes) -> Optional[bytes]:
    index = bisect_left(rows, (key,))
    if index < len(rows) and rows[index][0] == key:
        return rows[index][1]
    return None


def _in_module(key: bytes, exclusive_end: bool) -> bool:
    low, high = MODULE
    return low < key <= high if exclusive_end else low <= key < high


def check_range(begin: bytes, end: bytes) -> None:
    """2113 if `[begin, end)` meets no module, 2112 if it is not inside one."""
    if begin >= end:
        return
    low, high = MODULE
    if end <= low or begin >= high:
        raise error(2113)
    if not (_in_module(begin, False) and _in_module(end, True)):
        raise error(2112)


def resolve(rows: Rows, key: bytes, offset: int) -> bytes:
    """Resolve the normalized selector (key, offset) over the module, clamped to it."""
    index = bisect_left(rows, (key,)) + offset - 1
    if index < 0:
        return MODULE[0]
    if index >= len(rows):
        return MODULE[1]
    return rows[index][0]


def read(rows: Rows, begin: bytes, end: bytes, limit: int, reverse: bool) -> tuple[Rows, bool]:
    """The rows of `[begin, end)` (descending if reverse), at most `limit`, and `more`."""
    selected = rows[bisect_left(rows, (begin,)) : bisect_left(rows, (end,))]
    if reverse:
        selected.reverse()
    if len(selected) >= limit:
        return selected[:limit], True
    return selected, False


def read_selected(
    rows: Rows, begin: tuple[bytes, int], end: tuple[bytes, int], limit: int, reverse: bool
) -> tuple[Rows, bool]:
    """`read` between two normalized selectors ((key, offset) pairs) over the module."""
    low = begin[0] if begin[1] == 1 else resolve(rows, *begin)
    high = end[0] if end[1] == 1 else resolve(rows, *end)
    check_range(low, high)
    return read(rows, low, high, limit, reverse)
