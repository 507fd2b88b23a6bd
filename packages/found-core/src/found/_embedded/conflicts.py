"""Optimistic conflict detection: recent write-conflict ranges and the read-set check.

A transaction with read version r fails with 1020 (not_committed) iff one of its read-conflict
ranges intersects a write-conflict range of a transaction that committed at a version > r,
in any process, including earlier transactions of its own commit batch (semantics §8).

Invariants:

- ranges are half-open ``[begin, end)``; empty ranges (begin >= end) never conflict;
- every write commit stores its coalesced write ranges in the ``log`` table in the same SQLite
  transaction as its data, so a committer holding the commit lock sees every commit made
  before it, by any process;
- `RecentWrites` mirrors the log in memory: `load` appends exactly the rows newer than what it
  holds (versions grow strictly, so ``version > newest`` is complete), `prune` drops entries
  at or below the collection horizon, and `rollback` forgets entries of a batch that failed.
"""

from __future__ import annotations

import sqlite3
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from operator import add, eq, itemgetter, lt, ne, or_

from .schema import rows

Range = tuple[bytes, bytes]

_LEN = struct.Struct("<I")
_POINT = 1 << 31
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_ZERO = b"\x00"


def coalesce(ranges: Iterable[Range]) -> list[Range]:
    """Sorted, disjoint, non-adjacent ranges covering the same keys; empty ranges dropped.

    Single-key ranges ``(k, k + b"\\x00")``, the common case (a big transaction has one per
    key it wrote), take a fast path: the keys are sorted alone, not as tuples.
    """
    ranges = ranges if isinstance(ranges, list) else list(ranges)
    begins = list(map(_FIRST, ranges))
    if not any(map(ne, map(add, begins, repeat(_ZERO)), map(_SECOND, ranges))):
        # already sorted (a coalesced list, a sorted batch): no sort, no set
        keys = begins if all(map(lt, begins, begins[1:])) else sorted(set(begins))
        ends = list(map(add, keys, repeat(_ZERO)))
        if not any(map(eq, keys[1:], ends)):  # no key is the successor of another
            return list(zip(keys, ends))
    merged: list[Range] = []
    for begin, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


def key_ranges(keys: list[bytes]) -> list[Range]:
    """`coalesce` of the single-key ranges ``(k, k + b"\\x00")`` of `keys`, without building
    them first: a transaction's point reads and plain writes, at commit."""
    if not all(map(lt, keys, keys[1:])):
        keys = sorted(set(keys))
    ends = list(map(add, keys, repeat(_ZERO)))
    if any(map(eq, keys[1:], ends)):  # a key and its successor: one range
        return coalesce(list(zip(keys, ends)))
    return list(zip(keys, ends))


def encode(ranges: Sequence[Range]) -> bytes:
    """Ranges as one BLOB. Each range is a 4-byte little-endian header and bytes: the
    header is the length of `begin`, with bit 31 set for a single-key range (its end,
    begin + NUL, is not stored); otherwise `begin` is followed by `end`, length-prefixed."""
    begins = list(map(_FIRST, ranges))
    if not any(map(ne, map(add, begins, repeat(_ZERO)), map(_SECOND, ranges))):
        return encode_points(begins)
    parts: list[bytes] = []
    for begin, end in ranges:
        if end == begin + _ZERO:
            parts += (_LEN.pack(len(begin) | _POINT), begin)
        else:
            parts += (_LEN.pack(len(begin)), begin, _LEN.pack(len(end)), end)
    return b"".join(parts)


def encode_points(keys: Sequence[bytes]) -> bytes:
    """`encode` of the single-key ranges of `keys`, without building them (a commit of
    plain sets knows its keys)."""
    sizes = set(map(len, keys))
    if len(sizes) == 1:  # keys of one length (common): one header, repeated
        header = _LEN.pack(sizes.pop() | _POINT)
        return header + header.join(keys)
    headers = map(_LEN.pack, map(or_, map(len, keys), repeat(_POINT)))
    return b"".join(chain.from_iterable(zip(headers, keys)))


def decode(blob: bytes) -> list[Range]:
    """The ranges `encode` stored."""
    out: list[Range] = []
    unpack = _LEN.unpack_from
    pos, size = 0, len(blob)
    while pos < size:
        (n,) = unpack(blob, pos)
        pos += 4
        if n & _POINT:
            n &= ~_POINT
            begin = blob[pos : pos + n]
            pos += n
            out.append((begin, begin + _ZERO))
            continue
        begin = blob[pos : pos + n]
        pos += n
        (n,) = unpack(blob, pos)
        end = blob[pos + 4 : pos + 4 + n]
        pos += 4 + n
        out.append((begin, end))
    return out


def _overlap(begins: list[bytes], ends: list[bytes], other: Sequence[Range]) -> bool:
    """Whether any range of `other` meets one of the disjoint sorted ranges (begins, ends)."""
    for begin, end in other:
        if begin >= end:
            continue
        i = bisect_right(begins, begin)
        # The range starting at or before `begin` covers it if it ends after it; otherwise the
        # next range must start before `end`. Disjointness makes these the only candidates.
        if i and ends[i - 1] > begin:
            return True
        if i < len(begins) and begins[i] < end:
            return True
    return False


class ReadSet:
    """A transaction's read-conflict ranges, coalesced once for repeated checks."""

    __slots__ = ("begins", "ends", "ranges")

    def __init__(self, ranges: Iterable[Range]):
        self.ranges = coalesce(ranges)
        self.begins = [r[0] for r in self.ranges]
        self.ends = [r[1] for r in self.ranges]


class RecentWrites:
    """Write-conflict ranges of recent commits, by commit version (oldest first)."""

    def __init__(self) -> None:
        self.versions: list[int] = []
        self.entries: list[tuple[list[bytes], list[bytes], list[Range]]] = []
        self.newest = 0
        self._start = 0  # entries before this index are pruned (see `prune`)

    def add(self, version: int, ranges: list[Range]) -> None:
        """Record a commit's coalesced write ranges (versions must be added in order)."""
        self.versions.append(version)
        self.entries.append(([r[0] for r in ranges], [r[1] for r in ranges], ranges))
        self.newest = version

    def load(self, conn: sqlite3.Connection) -> None:
        """Append the log rows committed (by any process) since the newest one held."""
        for version, blob in rows(
            conn,
            "SELECT version, conflicts FROM log WHERE version > ? ORDER BY version",
            (self.newest,),
        ):
            self.add(version, decode(blob))

    def mark(self) -> int:
        """A point `rollback` can return to."""
        return len(self.versions)

    def rollback(self, mark: int) -> None:
        """Forget the entries added since `mark` (their batch did not commit)."""
        del self.versions[mark:]
        del self.entries[mark:]
        self._start = min(self._start, mark)
        self.newest = self.versions[-1] if self.versions else 0

    def prune(self, horizon: int) -> None:
        """Drop entries at or below `horizon`: no commit may read that far back any more.

        They are skipped at once and deleted in bulk once they are most of the lists:
        deleting a list's head moves all the rest, which with one entry pruned per commit
        and a window of 7,000 commits (5 s at 1,400 commits/s) cost 114k instructions per
        commit. Each entry is moved at most once per deletion that follows it (amortized
        O(1))."""
        start = bisect_right(self.versions, horizon, self._start)
        if start > len(self.versions) // 2:
            del self.versions[:start]
            del self.entries[:start]
            start = 0
        self._start = start

    def __len__(self) -> int:
        """How many entries are held (not pruned)."""
        return len(self.versions) - self._start

    def conflicts(self, read_version: int, reads: ReadSet) -> list[Range]:
        """The read ranges a commit after `read_version` wrote into (empty: no conflict).

        The usual answer, none, stops at nothing less than every recent commit; once one
        range is known to conflict, every read range is checked against the commits after
        `read_version` (REPORT_CONFLICTING_KEYS shows them all)."""
        if not reads.ranges:
            return []
        start = bisect_right(self.versions, read_version, self._start)
        for begins, ends, ranges in self.entries[start:]:
            # Walk the shorter list, binary-search the longer one.
            if len(ranges) <= len(reads.ranges):
                if _overlap(reads.begins, reads.ends, ranges):
                    return self._conflicting(start, reads)
            elif _overlap(begins, ends, reads.ranges):
                return self._conflicting(start, reads)
        return []

    def _conflicting(self, start: int, reads: ReadSet) -> list[Range]:
        """Every range of `reads` that meets a write range of the entries from `start` on."""
        left = list(reads.ranges)
        hits: list[Range] = []
        for begins, ends, _ in self.entries[start:]:
            missed: list[Range] = []
            for read in left:
                (hits if _overlap(begins, ends, (read,)) else missed).append(read)
            left = missed
            if not left:
                break
        return sorted(hits)


def keys_in(ranges: Sequence[Range], keys: list[bytes]) -> list[bytes]:
    """The members of the sorted list `keys` that fall inside any of `ranges`."""
    found: list[bytes] = []
    for begin, end in ranges:
        found.extend(keys[bisect_left(keys, begin) : bisect_left(keys, end)])
    return found
