"""The read-your-writes write map of one embedded transaction.

It records what the transaction has written so that its own reads see it, as FoundationDB's
client `WriteMap` does (semantics reference §6.1):

- an *independent* entry knows the key's final value (`None` = cleared) without reading the
  database: a set, a clear, or atomic operations stacked on top of either (collapsed eagerly);
- a *dependent* entry holds atomic operations over the database value, which a read fetches
  and folds through `apply_atomic` in order;
- `clears` are the disjoint ranges cleared by `clear_range` with no later write inside;
- *unreadable* keys (SET_VERSIONSTAMPED_VALUE) and ranges (SET_VERSIONSTAMPED_KEY) make a read
  that touches them fail with 1036, since their final bytes exist only after commit.

Plain sets are recorded lazily: `Writes.set` appends ``(SET, key, value)`` to `pending` (the
same tuple it records as the mutation) and the entries are made when the map is next read
(`entries`, `keys`), in one bulk pass; a transaction that only writes never builds them (about
3,000 instructions less per set). A pending set never changes the cleared or unreadable ranges.

Invariants: after `entries` or `keys` is read, `pending` is empty; `keys` (sorted on demand)
equals the key set of `entries`; `clear_starts`/`clear_ends` are sorted, disjoint,
non-adjacent intervals.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from operator import itemgetter
from typing import Optional

from .._atomic import apply_atomic

_KEY, _VALUE = itemgetter(1), itemgetter(2)


class Entry:
    """What the transaction wrote to one key.

    A `shared` entry (an independent value, no ops) may stand for many keys written by
    `WriteMap.set_many`; the write map replaces it instead of changing it. `ops` is an empty
    tuple until an atomic operation needs a list: fewer objects per written key."""

    __slots__ = ("independent", "ops", "shared", "unreadable", "value")

    def __init__(self, value: Optional[bytes]) -> None:
        self.independent = True
        self.value = value
        self.ops: Sequence[tuple[int, bytes]] = ()
        self.unreadable = False
        self.shared = False

    def resolve(self, existing: Optional[bytes]) -> Optional[bytes]:
        """The key's value given the database value `existing` (ignored when independent)."""
        if self.independent:
            return self.value
        value = existing
        for op, param in self.ops:
            value = apply_atomic(op, value, param)
        return value


class WriteMap:
    """Per-key entries plus cleared and unreadable ranges (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: dict[bytes, Entry] = {}
        #: plain sets not yet in `entries`, as (SET, key, value), in order (`Writes.set`)
        self.pending: list[tuple[int, bytes, bytes]] = []
        self._keys: list[bytes] = []
        self._sorted = True
        self.clear_starts: list[bytes] = []
        self.clear_ends: list[bytes] = []
        self.unreadable_ranges: list[tuple[bytes, bytes]] = []

    @property
    def entries(self) -> dict[bytes, Entry]:
        """What the transaction wrote, by key (the pending sets applied first)."""
        if self.pending:
            self._flush()
        return self._entries

    @property
    def keys(self) -> list[bytes]:
        """Keys with entries, ascending. Writes append; the list is sorted when next read,
        so bulk writes in any order cost O(n log n) in all, not O(n) each."""
        if self.pending:
            self._flush()
        if not self._sorted:
            self._keys.sort()
            self._sorted = True
        return self._keys

    def empty(self) -> bool:
        return (
            not self.pending
            and not self._entries
            and not self.clear_starts
            and not self.unreadable_ranges
        )

    # -- writes ------------------------------------------------------------------------------

    def _entry(self, key: bytes) -> Entry:
        """The key's entry, to change in place (a new one if absent or shared)."""
        entry = self.entries.get(key)
        if entry is not None and entry.shared:
            entry = self.entries[key] = Entry(entry.value)
        elif entry is None:
            entry = Entry(None)
            if not self.in_clear(key):
                entry.independent = False
            self.entries[key] = entry
            keys = self._keys
            if keys and key < keys[-1]:
                self._sorted = False
            keys.append(key)
        return entry

    def set(self, key: bytes, value: Optional[bytes]) -> None:
        """Set `key` to `value` (None = clear it)."""
        entry = self.entries.get(key)
        if entry is None:  # a new key: its entry is independent of the database at once
            self.entries[key] = Entry(value)
            keys = self._keys
            if keys and key < keys[-1]:
                self._sorted = False
            keys.append(key)
            return
        if entry.shared:
            self.entries[key] = Entry(value)
            return
        entry.independent = True
        entry.unreadable = False
        entry.value = value
        entry.ops = ()

    def _flush(self) -> None:
        """Apply the pending sets, in order."""
        pending, self.pending = self.pending, []
        self._put_all(list(map(_KEY, pending)), list(map(_VALUE, pending)))

    def set_many(self, keys: list[bytes], values: list[bytes]) -> None:
        """`set` of each key to its value, in order (the last value of a repeated key wins)."""
        if self.pending:
            self._flush()
        self._put_all(keys, values)

    def _put_all(self, keys: list[bytes], values: list[bytes]) -> None:
        """`set_many` without the pending sets, in a few C-level passes. Keys written with
        the same value share one `Entry` when values repeat (an index load writes b""
        everywhere): no object per key then."""
        distinct = set(values)
        if len(distinct) * 2 <= len(values):
            shared = {value: _shared(value) for value in distinct}
            fresh = dict(zip(keys, map(shared.__getitem__, values)))
        else:
            fresh = dict(zip(keys, map(Entry, values)))
        entries = self._entries
        if entries:
            added = [key for key in fresh if key not in entries]
            entries.update(fresh)
        else:
            added = list(fresh)
            entries.update(fresh)
        if added:
            self._keys.extend(added)
            self._sorted = False  # sorted when next read (linear for sorted input)

    def atomic(self, key: bytes, op: int, param: bytes) -> None:
        """Stack an atomic operation on `key` (collapsed at once over a known value)."""
        entry = self._entry(key)
        if entry.unreadable:
            return
        if entry.independent:
            entry.value = apply_atomic(op, entry.value, param)
        elif type(entry.ops) is list:
            entry.ops.append((op, param))
        else:
            entry.ops = [(op, param)]  # the first op (a new entry's ops is an empty tuple)

    def set_unreadable(self, key: bytes) -> None:
        """Mark `key` as written with bytes known only at commit (versionstamped value)."""
        entry = self._entry(key)
        entry.independent = True
        entry.unreadable = True
        entry.value = None
        entry.ops = ()

    def add_unreadable_range(self, begin: bytes, end: bytes) -> None:
        self.unreadable_ranges.append((begin, end))

    def clear_range(self, begin: bytes, end: bytes) -> None:
        """Clear `[begin, end)`: drop entries inside and merge the interval into `clears`."""
        keys = self.keys
        low, high = bisect_left(keys, begin), bisect_left(keys, end)
        for key in keys[low:high]:
            del self.entries[key]
        del keys[low:high]
        starts, ends = self.clear_starts, self.clear_ends
        first = bisect_left(ends, begin)  # first interval that ends at or after begin
        last = bisect_right(starts, end)  # intervals starting at or before end
        if first < last:
            begin = min(begin, starts[first])
            end = max(end, ends[last - 1])
        starts[first:last] = [begin]
        ends[first:last] = [end]

    # -- reads -------------------------------------------------------------------------------

    def in_clear(self, key: bytes) -> bool:
        index = bisect_right(self.clear_starts, key) - 1
        return index >= 0 and key < self.clear_ends[index]

    def unreadable_hit(self, begin: bytes, end: bytes) -> bool:
        """True if `[begin, end)` intersects an unreadable versionstamped-key range."""
        return any(b < end and begin < e for b, e in self.unreadable_ranges)

    def known(self, key: bytes) -> bool:
        """Whether the transaction knows `key`'s value without the database (no sort)."""
        entry = self.entries.get(key)
        if entry is not None:
            return entry.independent and not entry.unreadable
        return self.in_clear(key)

    def keys_in(self, begin: bytes, end: bytes) -> list[bytes]:
        """Keys with entries inside `[begin, end)`, ascending."""
        keys = self.keys
        return keys[bisect_left(keys, begin) : bisect_left(keys, end)]

    def unwritten_parts(self, begin: bytes, end: bytes) -> list[tuple[bytes, bytes]]:
        """The parts of `[begin, end)` whose values this transaction does not already know.

        Reads add read-conflict ranges only for these parts (§6.2, §15.7): keys it set or
        cleared independently do not depend on the database; pending atomic ops do.
        """
        covered: list[tuple[bytes, bytes]] = []
        starts, ends = self.clear_starts, self.clear_ends
        index = max(bisect_right(starts, begin) - 1, 0)
        while index < len(starts) and starts[index] < end:
            if ends[index] > begin:
                covered.append((max(starts[index], begin), min(ends[index], end)))
            index += 1
        for key in self.keys_in(begin, end):
            entry = self.entries[key]
            if entry.independent and not entry.unreadable:
                covered.append((key, key + b"\x00"))
        if not covered:
            return [(begin, end)]
        covered.sort()
        parts: list[tuple[bytes, bytes]] = []
        cursor = begin
        for low, high in covered:
            if low > cursor:
                parts.append((cursor, low))
            if high > cursor:
                cursor = high
        if cursor < end:
            parts.append((cursor, end))
        return parts


def _shared(value: bytes) -> Entry:
    entry = Entry(value)
    entry.shared = True
    return entry
