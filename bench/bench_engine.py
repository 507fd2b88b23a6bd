"""found on the embedded engine vs raw sqlite3 vs aiosqlite, doing the same work in one run.

Run: ``python bench/bench_engine.py [--keys N] [--repeat R]`` (needs ``aiosqlite``).

found goes through its public API (`found.transactional`, `found.get`, `found.query`,
`found.set`) on an embedded database, so every number includes read versions, conflict
tracking, MVCC rows and the asyncio plumbing. Raw sqlite3 is the physical floor: one WAL-mode
``WITHOUT ROWID`` table of (key, value), ``synchronous=FULL``, one connection, blocking calls.
aiosqlite is what an asyncio user would pick instead: the same table and settings, each call
hopping to the connection's thread. Workloads, on N keys of 24 bytes with 100-byte values:

- point reads: transactions of 10 random point reads;
- range reads: transactions reading 100 consecutive keys from a random start;
- durable writes: transactions of 10 random sets, committed one after the other;
- 64 concurrent writers: 64 tasks each committing transactions of 10 random sets (found:
  one database, group commit; aiosqlite: one connection per task; sqlite3: the same
  transactions one by one on one connection, which is how SQLite serialises writers anyway).

The three sides are open at once and take turns on each workload, `--repeat` rounds, so
machine noise hits them alike; the best round of each is kept. Printed: transactions per
second for each side and the ratios sqlite3/found and found/aiosqlite (how many times faster
the first is than the second); then, for the durable writes, the bytes each side had
written to storage and the CPU time it used per transaction (Linux ``/proc/self/io`` and
process time), which do not depend on how busy the disk and the machine are.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import tempfile
import time
from typing import Any, Awaitable, Callable, Dict, List

import aiosqlite

import found

CONCURRENCY = 64
SCHEMA = "CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID"
PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 30000")
UPSERT = "INSERT OR REPLACE INTO kv VALUES (?, ?)"
POINT = "SELECT value FROM kv WHERE key = ?"
SCAN = "SELECT key, value FROM kv WHERE key >= ? ORDER BY key LIMIT 100"
LABELS = {
    "point": "10 point reads / tx",
    "range": "100-key range read / tx",
    "write": "10-key durable write / tx",
    "concurrent": f"{CONCURRENCY} concurrent writers",
}


def _key(i: int) -> bytes:
    return b"bench/key/%014d" % i


class Side:
    """One implementation of the four workloads; each method runs one transaction."""

    def __init__(self, keys: int, seed: int) -> None:
        self.keys = keys
        self.rng = random.Random(seed)

    def key(self) -> bytes:
        return _key(self.rng.randrange(self.keys))

    def start(self) -> bytes:
        return _key(self.rng.randrange(self.keys - 100))

    def pairs(self, count: int) -> List[Any]:
        return [(self.key(), os.urandom(100)) for _ in range(count)]

    async def concurrent(self, per_writer: int) -> None:
        raise NotImplementedError


class FoundSide(Side):
    async def open(self, directory: str) -> None:
        self.db = await found.open(directory=directory)
        for start in range(0, self.keys, 1000):
            rows = [(_key(i), os.urandom(100)) for i in range(start, min(start + 1000, self.keys))]
            await found.transactional(self.db, self._put, rows)

    @staticmethod
    async def _put(tx: found.Transaction, rows: List[Any]) -> None:
        for key, value in rows:
            found.set(tx, key, value)

    async def _point(self, tx: found.Transaction) -> None:
        for _ in range(10):
            await found.get(tx, self.key())

    async def _scan(self, tx: found.Transaction) -> None:
        rows = [kv async for kv in found.query(tx, self.start(), b"bench/key0", limit=100)]
        assert len(rows) == 100

    async def point(self) -> None:
        await found.transactional(self.db, self._point)

    async def range(self) -> None:
        await found.transactional(self.db, self._scan)

    async def write(self) -> None:
        await found.transactional(self.db, self._put, self.pairs(10))

    async def concurrent(self, per_writer: int) -> None:
        async def writer() -> None:
            for _ in range(per_writer):
                await self.write()

        await asyncio.gather(*(writer() for _ in range(CONCURRENCY)))

    async def close(self) -> None:
        await self.db.close()


class SqliteSide(Side):
    async def open(self, directory: str) -> None:
        self.conn = sqlite3.connect(os.path.join(directory, "db.sqlite"), isolation_level=None)
        for pragma in (*PRAGMAS, SCHEMA):
            self.conn.execute(pragma)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(UPSERT, [(_key(i), os.urandom(100)) for i in range(self.keys)])
        self.conn.execute("COMMIT")

    async def point(self) -> None:
        self.conn.execute("BEGIN")
        for _ in range(10):
            self.conn.execute(POINT, (self.key(),)).fetchone()
        self.conn.execute("COMMIT")

    async def range(self) -> None:
        self.conn.execute("BEGIN")
        rows = self.conn.execute(SCAN, (self.start(),)).fetchall()
        self.conn.execute("COMMIT")
        assert len(rows) == 100

    async def write(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(UPSERT, self.pairs(10))
        self.conn.execute("COMMIT")

    async def concurrent(self, per_writer: int) -> None:
        # SQLite serialises writers: the same transactions, one after the other.
        for _ in range(CONCURRENCY * per_writer):
            await self.write()

    async def close(self) -> None:
        self.conn.close()


class AiosqliteSide(Side):
    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        for pragma in (*PRAGMAS, SCHEMA):
            await conn.execute(pragma)
        return conn

    async def open(self, directory: str) -> None:
        self.path = os.path.join(directory, "db.sqlite")
        self.conn = await self._connect()
        await self.conn.execute("BEGIN IMMEDIATE")
        await self.conn.executemany(UPSERT, [(_key(i), os.urandom(100)) for i in range(self.keys)])
        await self.conn.execute("COMMIT")
        self.writers = [await self._connect() for _ in range(CONCURRENCY)]

    async def point(self) -> None:
        await self.conn.execute("BEGIN")
        for _ in range(10):
            await (await self.conn.execute(POINT, (self.key(),))).fetchone()
        await self.conn.execute("COMMIT")

    async def range(self) -> None:
        await self.conn.execute("BEGIN")
        rows = await (await self.conn.execute(SCAN, (self.start(),))).fetchall()
        await self.conn.execute("COMMIT")
        assert len(rows) == 100

    async def write(self, conn: Any = None) -> None:
        conn = conn or self.conn
        await conn.execute("BEGIN IMMEDIATE")
        await conn.executemany(UPSERT, self.pairs(10))
        await conn.execute("COMMIT")

    async def concurrent(self, per_writer: int) -> None:
        async def writer(conn: aiosqlite.Connection) -> None:
            for _ in range(per_writer):
                await self.write(conn)

        await asyncio.gather(*(writer(c) for c in self.writers))

    async def close(self) -> None:
        for conn in (self.conn, *self.writers):
            await conn.close()


async def _rate(count: int, run: Callable[[], Awaitable[None]]) -> float:
    t0 = time.perf_counter()
    for _ in range(count):
        await run()
    return count / (time.perf_counter() - t0)


def _written() -> int:
    """Bytes this process has had written to storage (Linux), or 0 where unknown."""
    try:
        with open("/proc/self/io") as counters:
            for line in counters:
                if line.startswith("write_bytes:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


async def _bench(
    keys: int, sizes: Dict[str, int], repeat: int
) -> tuple[Dict[str, Dict[str, float]], Dict[str, List[float]]]:
    """(best rate per side and workload, durable-write totals per side: [transactions,
    bytes written, CPU seconds of the whole process])."""
    sides = {"found": FoundSide(keys, 1), "sqlite3": SqliteSide(keys, 2)}
    sides["aiosqlite"] = AiosqliteSide(keys, 3)
    best: Dict[str, Dict[str, float]] = {name: {} for name in sides}
    cost: Dict[str, List[float]] = {name: [0.0, 0.0, 0.0] for name in sides}
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as workdir:
        for name, side in sides.items():
            os.makedirs(os.path.join(workdir, name))
            await side.open(os.path.join(workdir, name))  # type: ignore[attr-defined]
        try:
            for workload in LABELS:
                for round_ in range(repeat):
                    names = list(sides)
                    names = names[round_ % 3 :] + names[: round_ % 3]  # rotate who goes first
                    for name in names:
                        side = sides[name]
                        if workload == "concurrent":
                            t0 = time.perf_counter()
                            await side.concurrent(sizes[workload])
                            rate = CONCURRENCY * sizes[workload] / (time.perf_counter() - t0)
                        else:
                            written, cpu = _written(), time.process_time()
                            rate = await _rate(sizes[workload], getattr(side, workload))
                            if workload == "write":
                                cost[name][0] += sizes[workload]
                                cost[name][1] += _written() - written
                                cost[name][2] += time.process_time() - cpu
                        best[name][workload] = max(rate, best[name].get(workload, 0.0))
        finally:
            for side in sides.values():
                await side.close()  # type: ignore[attr-defined]
    return best, cost


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--keys", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every workload size")
    args = parser.parse_args()
    base = {"point": 500, "range": 200, "write": 200, "concurrent": 4}
    sizes = {k: max(1, int(v * args.scale)) for k, v in base.items()}
    best, cost = asyncio.run(_bench(args.keys, sizes, args.repeat))
    print(
        f"{platform.python_implementation()} {platform.python_version()}, keys={args.keys}, "
        f"sizes={sizes}, best of {args.repeat} interleaved rounds; transactions per second"
    )
    line = "{:<26}{:>10}{:>10}{:>11}{:>15}{:>17}"
    print(
        line.format("workload", "found", "sqlite3", "aiosqlite", "sqlite3/found", "found/aiosqlite")
    )
    for workload, label in LABELS.items():
        f, s, a = (best[name][workload] for name in ("found", "sqlite3", "aiosqlite"))
        cells = (f"{f:,.0f}", f"{s:,.0f}", f"{a:,.0f}", f"{s / f:.2f}x", f"{f / a:.2f}x")
        print(line.format(label, *cells))
    # Machine-independent side of the durable writes: what each side asked of the disk and
    # the CPU it used (process time: all threads), per transaction.
    print("10-key durable write, per transaction: KB written to storage / CPU us")
    for name, (count, written, cpu) in cost.items():
        print(f"  {name:<10} {written / count / 1024:8.1f} KB {cpu / count * 1e6:10.0f} us")


if __name__ == "__main__":
    main()
