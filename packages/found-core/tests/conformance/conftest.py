"""Temporary: an in-memory stand-in for `found._embedded.engine.Engine` and a `db` fixture
over it, used until the SQLite engine and the root `conftest.py` land. It keeps every
committed version of every key, checks read conflicts against recent commits and fires
watches, which is all the transaction layer relies on."""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left, insort
from typing import Optional

import pytest

import found
from found._atomic import apply_atomic, make_versionstamp, place_stamp
from found._embedded import EmbeddedDatabase
from found._errors import error


class MemoryEngine:
    def __init__(self) -> None:
        self.history: dict[bytes, list[tuple[int, Optional[bytes]]]] = {}
        self.keys: list[bytes] = []
        self.version = 1
        self.recent: list[tuple[int, list[tuple[bytes, bytes]]]] = []
        self.watches: list[tuple[bytes, Optional[bytes], asyncio.Future[None]]] = []

    def close(self) -> None:
        pass

    def latest_version(self) -> int:
        return self.version

    def check_read_version(self, version: int) -> None:
        if version > self.version:
            raise error(1009)
        if version < self.version - 5_000_000:
            raise error(1007)

    def _value(self, key: bytes, version: int) -> Optional[bytes]:
        found_value = None
        for v, value in self.history.get(key, ()):
            if v <= version:
                found_value = value
        return found_value

    def get(self, key: bytes, version: int) -> Optional[bytes]:
        return self._value(key, version)

    def get_range(self, begin, end, version, limit, reverse):
        keys = self.keys[bisect_left(self.keys, begin) : bisect_left(self.keys, end)]
        if reverse:
            keys = keys[::-1]
        out = []
        for key in keys:
            value = self._value(key, version)
            if value is not None:
                out.append((key, value))
                if len(out) >= limit:
                    break
        return out

    def _put(self, key: bytes, version: int, value: Optional[bytes]) -> None:
        if key not in self.history:
            self.history[key] = []
            insort(self.keys, key)
        self.history[key].append((version, value))

    async def commit(self, read_version, mutations, read_conflicts, write_conflicts):
        await asyncio.sleep(0)
        for version, ranges in self.recent:
            if version > read_version:
                for rb, re_ in read_conflicts:
                    for wb, we in ranges:
                        if rb < we and wb < re_:
                            raise error(1020)
        version = max(self.version + 1, int(time.monotonic() * 1e6))
        stamp = make_versionstamp(version, 0)
        writes = list(write_conflicts)
        for op, key, param in mutations:
            if op == 0:
                self._put(key, version, param)
            elif op == 1:
                for k in self.keys[bisect_left(self.keys, key) : bisect_left(self.keys, param)]:
                    self._put(k, version, None)
            elif op == 14:
                final = place_stamp(key, stamp)
                self._put(final, version, param)
                writes.append((final, final + b"\x00"))
            elif op == 15:
                self._put(key, version, place_stamp(param, stamp))
            else:
                self._put(key, version, apply_atomic(op, self._value(key, version), param))
        self.version = version
        self.recent.append((version, writes))
        for key, value, future in list(self.watches):
            if not future.done() and self._value(key, version) != value:
                future.set_result(None)
        self.watches = [w for w in self.watches if not w[2].done()]
        return version, stamp

    def watch(self, key: bytes, value: Optional[bytes]) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        if self._value(key, self.version) != value:
            future.set_result(None)
        else:
            self.watches.append((key, value, future))
        return future

    def estimated_range_size_bytes(self, begin: bytes, end: bytes) -> int:
        rows = self.get_range(begin, end, self.version, 1 << 30, False)
        return sum(len(k) + len(v) for k, v in rows)

    def range_split_points(self, begin: bytes, end: bytes, chunk_size: int) -> list[bytes]:
        return [begin, end]


@pytest.fixture
async def db():
    database = found.Database(EmbeddedDatabase(MemoryEngine()))
    yield database
    await database.close()
