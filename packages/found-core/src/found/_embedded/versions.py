"""Commit versions and the MVCC window of the embedded engine.

A version is an int64 that grows about 1,000,000 per second of wall-clock time, like
FoundationDB's. Invariants:

- commit versions grow strictly, across every process sharing the database: a commit takes
  ``max(last_version + 1, clock())`` where ``last_version`` is read inside the exclusive
  commit, so a wall clock that steps back never reuses or reorders versions;
- the read version handed out (GRV) is the newest committed version. It is >= every commit
  acknowledged anywhere, and every commit not yet visible (in flight in any process) gets a
  larger version, so a snapshot never changes under a reader. (A GRV taken from the clock
  could not promise that without asking every committer.)
- the window: a read version r stays usable until the first commit after it is more than
  5,000,000 versions (5 s) older than the newest commit: r is *too old* (1007) iff some
  commit c has ``r < c <= last_version - WINDOW``. While r is usable, the data at r is
  exactly the data at some version inside the window, which is all the collector keeps.
  Measuring from the superseding commit, not from r itself, means a read version taken
  after an idle period (when versions did not advance) is not stale the moment the next
  commit jumps the version forward with the clock. The transaction layer adds FoundationDB's
  other half of the rule (`reading.MAX_AGE`): a read version more than 5 s old on this
  clock is refused even when nobody commits, since a cluster's versions advance anyway.
"""

from __future__ import annotations

import time
from typing import Callable

#: Versions of history kept behind the newest commit: FoundationDB's 5 seconds.
WINDOW = 5_000_000

Clock = Callable[[], int]


def wall_clock() -> int:
    """The version the wall clock stands at now: microseconds since the epoch."""
    return time.time_ns() // 1000


def next_version(last_version: int, clock: Clock) -> int:
    """The commit version that follows `last_version` at the time `clock` gives."""
    now = clock()
    return now if now > last_version else last_version + 1


def too_old(read_version: int, last_version: int, log_floor: int, newer_commit_in: bool) -> bool:
    """Whether `read_version` left the window (error 1007).

    `log_floor` is the newest commit whose log row was collected (it lies below the
    horizon); `newer_commit_in` says whether the log holds a commit in
    ``(read_version, last_version - WINDOW]`` (only consulted below the horizon).
    """
    if read_version >= last_version - WINDOW:
        return False
    return read_version < log_floor or newer_commit_in
