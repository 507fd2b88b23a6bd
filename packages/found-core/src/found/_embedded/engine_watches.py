"""Watches: futures resolved when a key's committed value differs from a reference value.

Two sources of change feed `Watches.recheck`:

- this process's commits: after each batch the engine passes the key ranges it touched to
  `notify`, on the event loop, as soon as the batch is durable;
- other processes' commits: while at least one watch exists, a timer on the event loop polls
  ``PRAGMA data_version`` on the read connection (a few microseconds; it changes whenever
  another connection commits). When it moved, the log rows committed since the last poll say
  which ranges changed; if the collector already removed some of them, every watched key is
  rechecked.

Invariants:

- a watch whose key already differs when it is registered resolves at once;
- the poll baseline is taken before the reference comparison, so no commit slips between
  them unnoticed;
- a watch resolves at most once, its entry is removed when it resolves, fails or is cancelled,
  and the poll timer runs only while entries exist. A change and its reversal between two
  checks (A -> B -> A) may go unseen, as in FoundationDB.
"""

from __future__ import annotations

import asyncio
import logging
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from typing import Callable, Optional

from .conflicts import Range, keys_in

logger = logging.getLogger(__name__)

Latest = Callable[[bytes], Optional[bytes]]
#: changes_since(version) -> (newest version, changed ranges since `version` or None if unknown)
ChangesSince = Callable[[int], tuple[int, Optional[list[Range]]]]


class Watches:
    """The watches registered on one engine, bound to the event loop that created them."""

    def __init__(
        self,
        latest: Latest,
        changes_since: ChangesSince,
        data_version: Callable[[], int],
        interval: float,
    ):
        self._latest = latest
        self._changes_since = changes_since
        self._data_version = data_version
        self._interval = interval
        self._by_key: dict[bytes, list[tuple[Optional[bytes], asyncio.Future[None]]]] = {}
        self._keys: list[bytes] = []
        self._timer: Optional[asyncio.TimerHandle] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._seen_version = 0
        self._seen_data_version = 0

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_key.values())

    @property
    def active(self) -> bool:
        """Whether any watch is pending (else commits need not report what they touched)."""
        return bool(self._by_key)

    def add(self, key: bytes, value: Optional[bytes]) -> asyncio.Future[None]:
        """A future resolved once `key`'s committed value is no longer `value`."""
        loop = asyncio.get_running_loop()
        if not self._by_key or self._loop is not loop:
            self._start(loop)
        future: asyncio.Future[None] = loop.create_future()
        if self._latest(key) != value:
            future.set_result(None)
            if not self._by_key:
                self._stop()
            return future
        entries = self._by_key.get(key)
        if entries is None:
            entries = self._by_key[key] = []
            insort(self._keys, key)
        entries.append((value, future))
        future.add_done_callback(lambda done: self._forget(key, done))
        return future

    def notify(self, ranges: Sequence[Range]) -> None:
        """Recheck the watched keys inside `ranges` (changed by a commit of this process)."""
        if self._by_key:
            self.recheck(keys_in(ranges, self._keys))

    def recheck(self, keys: Iterable[bytes]) -> None:
        """Resolve the watches of `keys` whose reference differs from the latest value."""
        for key in set(keys):
            entries = self._by_key.get(key)
            if not entries:
                continue
            current = self._latest(key)
            waiting = [(ref, fut) for ref, fut in entries if ref == current and not fut.done()]
            for ref, fut in entries:
                if ref != current and not fut.done():
                    fut.set_result(None)
            self._set_entries(key, waiting)

    def fail_all(self, exc: BaseException) -> None:
        """Fail every pending watch with a copy of `exc` (the engine is closing)."""
        entries = [fut for pending in self._by_key.values() for _, fut in pending]
        self._by_key.clear()
        self._keys.clear()
        self._stop()
        for fut in entries:
            if not fut.done() and not fut.get_loop().is_closed():
                fut.set_exception(_copy(exc))
                fut.exception()  # nobody may await an abandoned watch: do not log it

    # -- polling for other processes' commits ------------------------------------------------

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._stop()
        if self._loop is not None and self._loop is not loop:
            # Watches left behind by an event loop that has since closed cannot be resolved.
            for key, entries in list(self._by_key.items()):
                alive = [(ref, fut) for ref, fut in entries if not fut.get_loop().is_closed()]
                self._set_entries(key, alive)
        self._loop = loop
        self._seen_data_version = self._data_version()
        self._seen_version = self._changes_since(-1)[0]
        self._timer = loop.call_later(self._interval, self._poll)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _poll(self) -> None:
        self._timer = None
        if not self._by_key or self._loop is None:
            return
        try:
            data_version = self._data_version()
            if data_version != self._seen_data_version:
                self._seen_data_version = data_version
                newest, ranges = self._changes_since(self._seen_version)
                self._seen_version = newest
                self.recheck(list(self._by_key) if ranges is None else keys_in(ranges, self._keys))
        except Exception:  # a transient storage error must not stop watching
            logger.warning("polling for changes by other processes failed", exc_info=True)
        if self._by_key and not self._loop.is_closed():
            self._timer = self._loop.call_later(self._interval, self._poll)

    def _forget(self, key: bytes, future: asyncio.Future[None]) -> None:
        """Drop a cancelled (or otherwise finished) watch's entry."""
        entries = self._by_key.get(key)
        if entries is not None:
            self._set_entries(key, [(ref, fut) for ref, fut in entries if fut is not future])

    def _set_entries(
        self, key: bytes, entries: list[tuple[Optional[bytes], asyncio.Future[None]]]
    ) -> None:
        if entries:
            self._by_key[key] = entries
            return
        if self._by_key.pop(key, None) is not None:
            del self._keys[bisect_left(self._keys, key)]
        if not self._by_key:
            self._stop()


def _copy(exc: BaseException) -> BaseException:
    """A fresh exception like `exc`, so futures do not share one traceback."""
    code = getattr(exc, "code", None)
    if code is not None:
        from .._errors import error

        return error(code, getattr(exc, "message", None))
    return exc
