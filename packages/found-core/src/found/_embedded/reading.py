"""The read side of a transaction attempt: its read version and its read-conflict ranges.

The read version is taken lazily from the engine (GRV) or set by the user; a transaction's
first read, when it wrote nothing, takes it in the same engine statement as its data
(`Engine.grant_get` / `grant_range`: one SQLite snapshot, no separate GRV). It is refused once
older than 5 s of the engine's clock (1007, FoundationDB's rule even when nobody commits), and
checked against the engine's window unless the engine granted it less than 2 s ago (see
`Reading._fresh_version`). A serializable read records its conflict range unless the
transaction's own writes already decide what it saw (semantics reference §6.2, §8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .._errors import error
from .conflicts import Range
from .ranges import UNLIMITED, db_page, first_batch
from .txoptions import TxOptions
from .view import View
from .writemap import WriteMap

if TYPE_CHECKING:
    from .engine import Engine

RANGE_OVERHEAD = 32  # sizeof(KeyRangeRef)
#: Microseconds (engine clock) a read version stays usable however idle the database is:
#: FoundationDB's versions advance ~1,000,000 per second, so one older than 5 s is gone.
MAX_AGE = 5_000_000
#: Microseconds during which a version the engine itself granted needs no engine check.
TRUSTED = 2_000_000


class Reading:
    """Read version and read conflicts of one attempt (state set by `Attempt`)."""

    _engine: Engine
    _options: TxOptions  # set by Attempt._start_attempt, first called from __init__
    _writes: WriteMap
    _read_version: Optional[int]
    _version_at: int  # engine clock when _read_version was granted or set
    _granted: bool  # whether the engine granted it (GRV) rather than the user
    _had_io: bool
    _approx_size: int
    _read_keys: list[bytes]
    _read_conflicts: list[Range]
    _row_bytes: int  # estimated cost of a range row, from the last byte-limited page

    def _version(self) -> int:
        if self._read_version is None:
            self._read_version, self._version_at = self._engine.grant()
            self._granted = True
        return self._read_version

    def _set_version(self, version: int) -> None:
        """A read version chosen by the user: its age counts from now, and every read asks
        the engine whether it is readable (it may be in the future, or already too old)."""
        self._read_version = version
        self._version_at = self._engine.clock()
        self._granted = False

    def _aged_version(self) -> tuple[int, int]:
        """(read version, its age in microseconds of the engine's clock); 1007 once it is
        older than 5 s: FoundationDB's rule, which holds even when nobody commits."""
        version = self._read_version
        if version is None:
            version = self._version()
        age = self._engine.clock() - self._version_at
        if age > MAX_AGE:
            raise error(1007)
        return version, age

    def _fresh_version(self) -> int:
        """The read version, refused when too old by age or by the engine's window, or in
        the future (1009). The engine is not asked about a version it granted less than
        2 s ago: every later commit has a version at least the clock at grant time (commit
        versions follow the same clock), while 1007 needs such a commit 5 s of versions
        below the newest, so that version is surely still readable.
        """
        version, age = self._aged_version()
        if age >= TRUSTED or not self._granted:
            self._engine.check_read_version(version)
        return version

    def _current_version(self) -> int:
        """The read version for a read about to run: a GRV now when there is none (the
        newest version: nothing to check), else `_fresh_version`'s checks, skipped for a
        version the engine granted less than `TRUSTED` ago (see `_fresh_version`)."""
        version = self._read_version
        if version is None:
            return self._version()
        if not self._granted or self._engine.clock() - self._version_at >= TRUSTED:
            return self._fresh_version()
        return version

    def _first_get(self, key: bytes, snapshot: bool) -> Optional[bytes]:
        """A point read that takes the transaction's read version (a GRV) in the same engine
        statement, for a transaction that has no read version and wrote nothing."""
        value, self._read_version, self._version_at = self._engine.grant_get(key)
        self._granted = True
        self._had_io = True
        if not snapshot:
            self._approx_size += 2 * len(key) + 1 + RANGE_OVERHEAD
            self._read_keys.append(key)
        return value

    def _view(self, snapshot: bool) -> View:
        version = self._fresh_version()
        self._had_io = True
        return self._view_at(version, snapshot)

    def _view_at(self, version: int, snapshot: bool) -> View:
        options = self._options
        use_writes = not options.ryw_disabled and (not snapshot or options.snapshot_ryw > 0)
        return View(
            self._engine,
            version,
            self._writes if use_writes else None,
            options.bypass_unreadable,
        )

    def _read_conflict_key(self, key: bytes) -> None:
        """The read-conflict range of a point read (none if the key's value is known)."""
        writes = self._writes
        unwritten = not writes.entries and not writes.clear_starts
        if unwritten or self._options.ryw_disabled or not writes.known(key):
            self._approx_size += 2 * len(key) + 1 + RANGE_OVERHEAD
            self._read_keys.append(key)

    def _read_conflict(self, begin: bytes, end: bytes) -> None:
        if begin >= end:
            return
        writes = self._writes
        if self._options.ryw_disabled or (not writes.entries and not writes.clear_starts):
            parts = [(begin, end)]
        else:
            parts = writes.unwritten_parts(begin, end)
        for low, high in parts:
            self._approx_size += len(low) + len(high) + RANGE_OVERHEAD
            self._read_conflicts.append((low, high))

    def _plain_range(
        self, begin: bytes, end: bytes, rows: int, byte_limit: int, snapshot: bool, reverse: bool
    ) -> tuple[list[tuple[bytes, bytes]], bool]:
        """A page of `[begin, end)` (begin < end, plain keys under the readable limit) for a
        transaction that wrote nothing: straight from the engine (`ranges.db_page`), with the
        conflict range `ranges.range_conflict` would give for these selectors."""
        engine = self._engine
        row_bytes = self._row_bytes
        if byte_limit >= UNLIMITED:  # `first_batch` without the call
            batch = 0 if rows >= UNLIMITED else rows
        else:
            batch = first_batch(rows, byte_limit, row_bytes)
        if self._read_version is None:  # the GRV comes with the first batch, one statement
            page, version, self._version_at = engine.grant_range(begin, end, batch, reverse)
            self._read_version, self._granted = version, True
        else:
            version = self._current_version()
            page = engine.get_range(begin, end, version, batch, reverse)
        self._had_io = True
        if byte_limit >= UNLIMITED:  # the batch was the row limit (or everything): the page
            more = len(page) >= rows
        else:
            page, more, cost = db_page(
                engine, version, begin, end, rows, byte_limit, reverse, row_bytes, page
            )
            if more and cost:
                self._row_bytes = max(cost // len(page), 8)  # sizes the next engine batch
        if not snapshot:
            if more:  # the conflict range ends at the last row read
                if reverse:
                    begin = page[-1][0]
                else:
                    end = page[-1][0] + b"\x00"
            self._approx_size += len(begin) + len(end) + RANGE_OVERHEAD
            self._read_conflicts.append((begin, end))
        return page, more
