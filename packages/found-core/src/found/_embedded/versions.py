"""Commit versions and the MVCC window of the embedded engine.

A version is an int64 that grows about 1,000,000 per second of wall-clock time, like
FoundationDB's. Invariants:

- commit versions grow strictly, across every process sharing the database: a commit takes
  ``max(last_version + 1, clock())`` where ``last_version`` is read inside the exclusive
  commit, so a wall clock that steps back never reuses or reorders versions;
- the read version handed out (GRV) is the newest committed version, so it is >= every
  commit acknowledged anywhere and < every commit made after it;
- the window: reads and commits at a read version below ``last_version - WINDOW`` fail with
  1007 (transaction_too_old); the collector only removes data older than that bound.
"""

from __future__ import annotations

import time
from typing import Callable

#: Versions kept readable behind the newest commit: FoundationDB's 5 seconds.
WINDOW = 5_000_000

Clock = Callable[[], int]


def wall_clock() -> int:
    """The version the wall clock stands at now: microseconds since the epoch."""
    return time.time_ns() // 1000


def next_version(last_version: int, clock: Clock) -> int:
    """The commit version that follows `last_version` at the time `clock` gives."""
    now = clock()
    return now if now > last_version else last_version + 1


def too_old(read_version: int, last_version: int, gc_version: int) -> bool:
    """Whether a read or commit at `read_version` has left the window (error 1007)."""
    return read_version < last_version - WINDOW or read_version < gc_version
