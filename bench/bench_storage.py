"""The embedded storage engine vs raw sqlite3 doing the same work, in the same run.

Run: ``python bench/bench_storage.py [--keys N] [--repeat R]``.

Raw sqlite3 is the engine's physical floor on this machine: one WAL-mode ``WITHOUT ROWID``
table of (key, value), ``synchronous=FULL``, one connection, no versions, no conflict
checks. The engine keeps (key, version, value) rows, checks the read version on every read,
records conflict ranges and collects history. Workloads, on the same N keys of 24 bytes with
100-byte values:

- point reads: ``Engine.get`` at the latest version vs ``SELECT value ... WHERE key = ?``;
- 100-key range reads: ``Engine.get_range(..., limit=100)`` vs ``SELECT ... LIMIT 100``;
- single durable commits of 10 random sets, one after the other;
- 64 concurrent committers (asyncio tasks), each committing 10 random sets at a time: the
  engine batches them (group commit); raw sqlite3 commits the same transactions one by one;
- bulk commits: one transaction of `--bulk` new keys (25 bytes, empty values), the engine
  with a write-conflict range per key as a transaction sends them; printed per key;
- size of the whole key range: ``Engine.estimated_range_size_bytes`` (a byte sample) vs an
  exact ``SUM(length(key) + length(value))`` over the range.

Each side runs `--repeat` times in turn and the best is kept. Printed: operations per second
for each side and the ratio raw / engine (how many times faster raw sqlite3 is; below 1.0
the engine is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import sqlite3
import tempfile
import time
from typing import Awaitable, Callable, List, Tuple

from found._embedded.engine import Engine, Mutation

VALUE = b"v" * 100


def key(number: int) -> bytes:
    return b"bench/%018d" % number


class Raw:
    """The plain sqlite3 alternative."""

    def __init__(self, directory: str):
        self.conn = sqlite3.connect(os.path.join(directory, "raw.sqlite3"), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL").fetchall()
        self.conn.execute("PRAGMA synchronous = FULL").fetchall()
        self.conn.execute(
            "CREATE TABLE kv (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID"
        ).fetchall()

    def load(self, count: int) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO kv VALUES (?, ?)", ((key(i), VALUE) for i in range(count))
        )
        self.conn.execute("COMMIT")

    def get(self, k: bytes) -> bytes:
        return self.conn.execute("SELECT value FROM kv WHERE key = ?", (k,)).fetchall()[0][0]

    def scan(self, begin: bytes) -> List[Tuple[bytes, bytes]]:
        return self.conn.execute(
            "SELECT key, value FROM kv WHERE key >= ? ORDER BY key LIMIT 100", (begin,)
        ).fetchall()

    def commit(self, keys: List[bytes], value: bytes = VALUE) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?)", ((k, value) for k in keys))
        self.conn.execute("COMMIT")

    def size(self, begin: bytes, end: bytes) -> int:
        return self.conn.execute(
            "SELECT SUM(length(key) + length(value)) FROM kv WHERE key >= ? AND key < ?",
            (begin, end),
        ).fetchall()[0][0]


async def engine_load(engine: Engine, count: int) -> None:
    for start in range(0, count, 10_000):
        mutations = [Mutation(0, key(i), VALUE) for i in range(start, min(count, start + 10_000))]
        await engine.commit(engine.latest_version(), mutations, [], [])


async def engine_commit(engine: Engine, keys: List[bytes], value: bytes = VALUE) -> None:
    version = engine.latest_version()
    mutations = [Mutation(0, k, value) for k in keys]
    await engine.commit(version, mutations, [], [(k, k + b"\x00") for k in keys])


async def side_by_side(
    repeat: int, engine_work: Callable[[], Awaitable[None]], raw_work: Callable[[], None]
) -> tuple[float, float]:
    """Best seconds of each side, the two run in turn so machine load hits both alike."""
    engine_best = raw_best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        await engine_work()
        engine_best = min(engine_best, time.perf_counter() - start)
        start = time.perf_counter()
        raw_work()
        raw_best = min(raw_best, time.perf_counter() - start)
    return engine_best, raw_best


async def main(count: int, repeat: int, bulk: int) -> None:
    directory = tempfile.mkdtemp(prefix="bench-storage-")
    rng = random.Random(7)
    engine = Engine.open(os.path.join(directory, "engine"))
    raw = Raw(directory)
    results: list[tuple[str, int, float, float]] = []
    try:
        raw.load(count)
        await engine_load(engine, count)
        version = engine.latest_version()

        probes = [key(rng.randrange(count)) for _ in range(20_000)]

        async def reads_engine() -> None:
            for k in probes:
                engine.get(k, version)

        def reads_raw() -> None:
            for k in probes:
                raw.get(k)

        timing = await side_by_side(repeat, reads_engine, reads_raw)
        results.append(("point reads", len(probes), *timing))

        starts = [key(rng.randrange(max(1, count - 100))) for _ in range(2_000)]

        async def scans_engine() -> None:
            for k in starts:
                engine.get_range(k, b"bench0", version, 100, False)

        def scans_raw() -> None:
            for k in starts:
                raw.scan(k)

        timing = await side_by_side(repeat, scans_engine, scans_raw)
        results.append(("100-key range reads", len(starts), *timing))

        serial = [[key(rng.randrange(count)) for _ in range(10)] for _ in range(300)]

        async def commits_engine() -> None:
            for keys in serial:
                await engine_commit(engine, keys)

        def commits_raw() -> None:
            for keys in serial:
                raw.commit(keys)

        timing = await side_by_side(repeat, commits_engine, commits_raw)
        results.append(("durable commits, one at a time", len(serial), *timing))

        concurrent = [[key(rng.randrange(count)) for _ in range(10)] for _ in range(64 * 20)]

        async def committers_engine() -> None:
            async def committer(share: list[list[bytes]]) -> None:
                for keys in share:
                    await engine_commit(engine, keys)

            await asyncio.gather(*(committer(concurrent[i::64]) for i in range(64)))

        def committers_raw() -> None:
            for keys in concurrent:
                raw.commit(keys)

        timing = await side_by_side(repeat, committers_engine, committers_raw)
        results.append(("64 concurrent committers", len(concurrent), *timing))

        rounds = iter(range(2 * repeat))

        def bulk_keys() -> List[bytes]:
            number = next(rounds)
            return sorted(b"bulk/%02d/%014d" % (number, (i * 7919) % bulk) for i in range(bulk))

        async def bulk_engine() -> None:
            await engine_commit(engine, bulk_keys(), b"")

        def bulk_raw() -> None:
            raw.commit(bulk_keys(), b"")

        engine_seconds, raw_seconds = await side_by_side(repeat, bulk_engine, bulk_raw)
        results.append(
            (f"bulk commit, per key of {bulk:,}", 1, engine_seconds / bulk, raw_seconds / bulk)
        )

        async def size_engine() -> None:
            for _ in range(20):
                engine.estimated_range_size_bytes(key(0), key(count))

        def size_raw() -> None:
            for _ in range(20):
                raw.size(key(0), key(count))

        timing = await side_by_side(repeat, size_engine, size_raw)
        results.append(("size of the whole range", 20, *timing))
    finally:
        engine.close()
        raw.conn.close()
        shutil.rmtree(directory, ignore_errors=True)

    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"sqlite {sqlite3.sqlite_version}, {count} keys, best of {repeat}"
    )
    print(f"{'workload':34} {'engine ops/s':>14} {'raw ops/s':>14} {'raw/engine':>11}")
    for name, operations, engine_seconds, raw_seconds in results:
        engine_rate, raw_rate = operations / engine_seconds, operations / raw_seconds
        print(f"{name:34} {engine_rate:14,.0f} {raw_rate:14,.0f} {raw_rate / engine_rate:11.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bulk", type=int, default=100_000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.keys, arguments.repeat, arguments.bulk))
