"""The merged view a transaction reads: the database at its read version under its writes.

`View` answers point reads and streams the key-value pairs of a range, in either direction,
merging rows fetched from the engine in growing batches with the write map (§6.1). A view
without a write map (RYW disabled, or a snapshot read with snapshot RYW off) is the plain
database snapshot. Touching an unreadable versionstamp entry raises 1036 unless
BYPASS_UNREADABLE is set. Everything runs on the event loop thread: engine reads are
synchronous, so no thread hop is paid on the read path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional

from .._errors import error
from .writemap import WriteMap

_FIRST_BATCH = 16
_MAX_BATCH = 4096


class View:
    """Reads of one transaction at `version`, seen through `writes` (or not, when None)."""

    __slots__ = ("bypass", "engine", "version", "writes")

    def __init__(self, engine: Any, version: int, writes: Optional[WriteMap], bypass: bool):
        self.engine = engine
        self.version = version
        self.writes = writes
        self.bypass = bypass

    def get(self, key: bytes) -> Optional[bytes]:
        writes = self.writes
        if writes is not None:
            entry = writes.entries.get(key)
            if entry is not None:
                if entry.unreadable and not self.bypass:
                    raise error(1036)
                if entry.independent:
                    return entry.value
                return entry.resolve(self.engine.get(key, self.version))
            if writes.in_clear(key):
                return None
            unreadable = writes.unreadable_ranges and not self.bypass
            if unreadable and writes.unreadable_hit(key, key + b"\x00"):
                raise error(1036)
        return self.engine.get(key, self.version)

    def _db_rows(
        self, begin: bytes, end: bytes, reverse: bool, hint: int
    ) -> Iterator[tuple[bytes, bytes]]:
        """Rows of the database in `[begin, end)`, fetched lazily in growing batches."""
        batch = max(min(hint, _MAX_BATCH), _FIRST_BATCH)
        while begin < end:
            rows = self.engine.get_range(begin, end, self.version, batch, reverse)
            yield from rows
            if len(rows) < batch:
                return
            if reverse:
                end = rows[-1][0]
            else:
                begin = rows[-1][0] + b"\x00"
            batch = min(batch * 2, _MAX_BATCH)

    def rows(
        self, begin: bytes, end: bytes, reverse: bool = False, hint: int = 0
    ) -> Iterator[tuple[bytes, bytes]]:
        """The merged (key, value) pairs of `[begin, end)` in key order (descending if reverse).

        A generator: the caller stops pulling once it has what it needs, so a read that ends
        before an unreadable range never trips over it.
        """
        if begin >= end:
            return
        writes = self.writes
        if writes is None or writes.empty():
            yield from self._db_rows(begin, end, reverse, hint)
            return
        yield from self._merge(writes, begin, end, reverse, hint)

    def _merge(
        self, writes: WriteMap, begin: bytes, end: bytes, reverse: bool, hint: int
    ) -> Iterator[tuple[bytes, bytes]]:
        trap = self._unreadable_trap(writes, begin, end, reverse)
        keys = writes.keys_in(begin, end)
        if reverse:
            keys.reverse()
        entries = writes.entries
        db = self._db_rows(begin, end, reverse, hint)
        db_row = next(db, None)
        index = 0
        while True:
            wkey = keys[index] if index < len(keys) else None
            if db_row is not None and (
                wkey is None or (db_row[0] > wkey if reverse else db_row[0] < wkey)
            ):
                key, value = db_row
                db_row = next(db, None)
                if writes.in_clear(key):
                    continue
                existing: Optional[bytes] = value
                entry = None
            elif wkey is not None:
                key, entry = wkey, entries[wkey]
                index += 1
                existing = None
                if db_row is not None and db_row[0] == wkey:
                    existing = db_row[1]
                    db_row = next(db, None)
            else:
                break
            if trap is not None and (key < trap if reverse else key >= trap):
                raise error(1036)
            if entry is None:
                yield key, existing  # type: ignore[misc]
                continue
            if entry.unreadable and not self.bypass:
                raise error(1036)
            result = entry.resolve(existing)
            if result is not None:
                yield key, result
        if trap is not None:
            raise error(1036)

    def _unreadable_trap(
        self, writes: WriteMap, begin: bytes, end: bytes, reverse: bool
    ) -> Optional[bytes]:
        """The position where a scan of `[begin, end)` enters an unreadable range, if any."""
        if self.bypass:
            return None
        trap: Optional[bytes] = None
        for low, high in writes.unreadable_ranges:
            if low < end and begin < high:
                point = min(high, end) if reverse else max(low, begin)
                if trap is None or (point > trap if reverse else point < trap):
                    trap = point
        return trap

    def first_keys(self, begin: bytes, end: bytes, reverse: bool, count: int) -> list[bytes]:
        """Up to `count` merged keys of `[begin, end)` from the chosen end."""
        found: list[bytes] = []
        if count <= 0:
            return found
        for key, _ in self.rows(begin, end, reverse, count):
            found.append(key)
            if len(found) >= count:
                break
        return found
