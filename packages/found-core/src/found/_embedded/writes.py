"""The write side of the embedded transaction: set, clear, clear_range, atomic operations
and manual conflict ranges (semantics reference §4, §6.3, §7, §8).

Each write is checked as FoundationDB checks it (misuse after commit, system keys, sizes,
mutation types, versionstamp offsets); a failure becomes the deferred error and the write is
dropped. An accepted write goes to the write map (for the transaction's own reads), to the
mutation list (for the engine), to the write-conflict ranges unless
NEXT_WRITE_NO_WRITE_CONFLICT_RANGE was set, to the approximate size as FoundationDB counts
it, and to the pending watches it may fire.
"""

from __future__ import annotations

from itertools import repeat

from .._atomic import (
    ATOMIC_CODES,
    SET_VERSIONSTAMPED_KEY,
    SET_VERSIONSTAMPED_VALUE,
    split_stamp_offset,
)
from .._errors import error
from .attempt import METADATA_VERSION_KEY, Attempt

_MUTATION_OVERHEAD = 40  # sizeof(MutationRef), as FoundationDB counts approximate size
RANGE_OVERHEAD = 32  # sizeof(KeyRangeRef)
SET, CLEAR_RANGE = 0, 1


class Writes(Attempt):
    """Synchronous writes of a transaction (errors deferred, see the module docstring)."""

    def set(self, key: bytes, value: bytes) -> None:
        """Set `key` to `value`."""
        if (
            key < b"\xff"
            and len(key) <= 10_000
            and len(value) <= 100_000
            and not self._commit_started
            and self._poison is None
        ):
            # The common case, checked above at once: a plain key and a usable transaction.
            # The same effects as the general path below (`_write_set`), inlined.
            self._had_io = True
            size = len(key) + len(value)
            options = self._options
            if options.next_write_no_conflict:
                options.next_write_no_conflict = False
                self._approx_size += size + _MUTATION_OVERHEAD
            else:
                self._approx_size += size + _MUTATION_OVERHEAD + RANGE_OVERHEAD + 2 * len(key) + 1
                self._write_keys.append(key)
            mutation = (SET, key, value)
            self._writes.pending.append(mutation)  # the write map's entry is made when read
            self._mutations.append(mutation)
            self._mutation_bytes += size
            if self._watches.pending:
                self._watches.on_set(key, value)
            return
        if key == METADATA_VERSION_KEY:
            self._defer(error(2000))
            return
        conflict = self._options.consume_no_write_conflict()
        if self._writable() and self._check_key(key, value):
            self._write_set(key, value, conflict)

    def set_many(self, keys: list[bytes], values: list[bytes], no_write_conflict: bool) -> None:
        """`set` of each key to the value at its position, as a loop of `set` would (with
        NEXT_WRITE_NO_WRITE_CONFLICT_RANGE before each when `no_write_conflict`), in bulk:
        one pass of checks, then the write map, mutations, conflict keys and size at once.
        Anything unusual (a key or value out of bounds, watches, a misused transaction)
        takes the per-key path, so errors are deferred exactly as `set` defers them."""
        if (
            not keys
            or self._commit_started
            or self._poison is not None
            or self._watches.pending
            or self._options.next_write_no_conflict
            or max(keys) >= b"\xff"
            or max(map(len, keys)) > 10_000
            or max(map(len, values)) > 100_000
        ):
            options = self._options
            for key, value in zip(keys, values):
                if no_write_conflict:
                    options.next_write_no_conflict = True
                self.set(key, value)
            return
        self._had_io = True
        key_bytes = sum(map(len, keys))
        size = key_bytes + sum(map(len, values))
        count = len(keys)
        self._approx_size += size + _MUTATION_OVERHEAD * count
        if not no_write_conflict:
            self._approx_size += (RANGE_OVERHEAD + 1) * count + 2 * key_bytes
            self._write_keys.extend(keys)
        self._writes.set_many(keys, values)
        self._mutations.extend(zip(repeat(SET), keys, values))
        self._mutation_bytes += size

    def clear(self, key: bytes) -> None:
        """Clear `key` (an over-long key is silently nothing, as in FoundationDB)."""
        conflict = self._options.consume_no_write_conflict()
        if not self._writable():
            return
        if key >= self._options.max_write_key:
            self._defer(error(2004))
        elif len(key) <= self._options.max_key_size(key):
            self._write_clear(key, conflict)

    def clear_range(self, begin: bytes, end: bytes) -> None:
        """Clear `[begin, end)` (2005 if begin > end, deferred)."""
        if begin > end:
            self._defer(error(2005))
            return
        conflict = self._options.consume_no_write_conflict()
        if not self._writable():
            return
        max_key = self._options.max_write_key
        if begin > max_key or end > max_key:
            self._defer(error(2004))
            return
        self._write_clear_range(begin, end, conflict)

    def atomic_op(self, key: bytes, param: bytes, op: int) -> None:
        """Apply the atomic `MutationType` `op` with `param` to `key`."""
        conflict = self._options.consume_no_write_conflict()
        if not self._writable():
            return
        if key == METADATA_VERSION_KEY:
            if op != SET_VERSIONSTAMPED_VALUE or param != bytes(14):
                self._defer(error(2000))
                return
        elif key >= self._options.max_write_key:
            self._defer(error(2004))
            return
        if op not in ATOMIC_CODES:
            self._defer(error(2018))
        elif self._check_key(key, param):
            if op == SET_VERSIONSTAMPED_KEY:
                conflict = False
            self._write_atomic(key, param, op, conflict)

    def add_conflict_range(self, begin: bytes, end: bytes, conflict_type: int) -> None:
        """Add a READ (0) or WRITE (1) conflict range; 2000 / 2005 raise at once."""
        if conflict_type not in (0, 1):
            raise error(2000)
        if begin > end:
            raise error(2005)
        if not self._writable():
            return
        if conflict_type == 0:
            max_key = self._options.max_read_key
            metadata = begin == METADATA_VERSION_KEY and end == METADATA_VERSION_KEY + b"\x00"
            if (begin > max_key or end > max_key) and not metadata:
                self._defer(error(2004))
            elif begin < end:
                self._read_conflict(begin, end)
            return
        max_key = self._options.max_write_key
        if begin > max_key or end > max_key:
            self._defer(error(2004))
        elif begin < end:
            self._approx_size += len(begin) + len(end) + 32
            self._write_conflicts.append((begin, end))

    # -- helpers -------------------------------------------------------------------------------

    def _record(self, op: int, key: bytes, param: bytes) -> None:
        self._plain_sets = False  # the commit declares its write ranges (`_commit_sets`)
        self._mutations.append((op, key, param))
        self._mutation_bytes += len(key) + len(param)

    def _write_set(self, key: bytes, value: bytes, conflict: bool) -> None:
        self._approx_size += len(key) + len(value) + _MUTATION_OVERHEAD
        if conflict:
            self._approx_size += RANGE_OVERHEAD + 2 * len(key) + 1
            self._write_keys.append(key)
        self._writes.set(key, value)
        self._record(SET, key, value)
        if self._watches.pending:
            self._watches.on_set(key, value)

    def _write_clear(self, key: bytes, conflict: bool) -> None:
        end = key + b"\x00"
        self._approx_size += len(key) + len(end) + RANGE_OVERHEAD
        if conflict:
            self._approx_size += RANGE_OVERHEAD + len(key) + len(end)
            self._write_conflicts.append((key, end))
        self._writes.set(key, None)
        self._record(CLEAR_RANGE, key, end)
        self._watches.on_set(key, None)

    def _write_clear_range(self, begin: bytes, end: bytes, conflict: bool) -> None:
        self._approx_size += len(begin) + len(end) + _MUTATION_OVERHEAD
        if conflict:
            self._approx_size += RANGE_OVERHEAD + len(begin) + len(end)
        if begin == end:
            return
        if conflict:
            self._write_conflicts.append((begin, end))
        self._writes.clear_range(begin, end)
        self._record(CLEAR_RANGE, begin, end)
        self._watches.on_clear_range(begin, end)

    def _write_atomic(self, key: bytes, param: bytes, op: int, conflict: bool) -> None:
        if op == SET_VERSIONSTAMPED_KEY:
            split = split_stamp_offset(key)
            if split is None:
                self._defer(error(2000))
                return
            self._mark_stamped_key_unreadable(*split)
        elif op == SET_VERSIONSTAMPED_VALUE:
            if split_stamp_offset(param) is None:
                self._defer(error(2000))
                return
            self._writes.set_unreadable(key)
        else:
            self._writes.atomic(key, op, param)
        self._approx_size += len(key) + len(param) + _MUTATION_OVERHEAD
        if conflict:
            self._approx_size += RANGE_OVERHEAD + 2 * len(key) + 1
            self._write_keys.append(key)
        self._record(op, key, param)
        self._watches.on_atomic(key)

    def _mark_stamped_key_unreadable(self, body: bytes, offset: int) -> None:
        version = self._read_version or 0
        low = body[:offset] + version.to_bytes(8, "big") + bytes(2) + body[offset + 10 :]
        high = body[:offset] + b"\xff" * 10 + body[offset + 10 :] + b"\x00"
        high = min(high, self._options.max_read_key)
        if low < high:
            self._writes.add_unreadable_range(low, high)
