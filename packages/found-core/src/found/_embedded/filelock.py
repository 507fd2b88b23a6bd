"""The commit lock: one writer at a time across every process sharing a database directory.

SQLite's own busy handler sleeps and retries, which measured 0.3-0.7 s tail latencies and
unfair progress between processes. A blocking ``flock`` on a lock file queues writers in the
kernel instead, so commits from several processes take turns. It is taken in the committer's
worker thread, never on the event loop.

Invariants: the lock is held from before ``BEGIN IMMEDIATE`` until after ``COMMIT`` (or
``ROLLBACK``) returns; the kernel releases it when the process dies, so a killed writer never
leaves the database locked. Where ``fcntl`` does not exist (Windows) the lock is a no-op and
SQLite's busy timeout arbitrates alone.
"""

from __future__ import annotations

import os
import threading
from typing import Optional

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


class FileLock:
    """An exclusive lock on `path`, blocking, re-usable, released by `release` or `close`."""

    def __init__(self, path: str):
        self.path = path
        self._fd: Optional[int] = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        # flock locks belong to the open file: threads of this process sharing this object
        # must also take turns, which the thread lock ensures.
        self._thread_lock = threading.Lock()

    def acquire(self) -> None:
        """Block until this process holds the lock."""
        self._thread_lock.acquire()
        try:
            if self._fd is None:
                raise RuntimeError("lock file closed")
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        """Let the next writer in."""
        try:
            if fcntl is not None and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def close(self) -> None:
        """Close the lock file (idempotent); the lock must not be held."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)
