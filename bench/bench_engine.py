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

Each side runs `--repeat` times in turn and the best is kept. Printed: transactions per
second for each side and the ratios sqlite3/found and found/aiosqlite (how many times faster
the first is than the second).
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
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import aiosqlite

import found

CONCURRENCY = 64
SCHEMA = "CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID"
PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 30000")


def _key(i: int) -> bytes:
    return b"bench/key/%014d" % i


def _value(rng: random.Random) -> bytes:
    return rng.randbytes(100) if hasattr(rng, "randbytes") else os.urandom(100)


# -- found ----------------------------------------------------------------------------------


async def _found_side(
    directory: str, keys: int, sizes: Dict[str, int], seed: int
) -> Dict[str, float]:
    rng = random.Random(seed)
    out: Dict[str, float] = {}
    async with await found.open(directory=directory) as db:
        for start in range(0, keys, 1000):

            async def load(tx: found.Transaction, start: int = start) -> None:
                for i in range(start, min(start + 1000, keys)):
                    found.set(tx, _key(i), _value(rng))

            await found.transactional(db, load)

        async def point(tx: found.Transaction) -> None:
            for _ in range(10):
                await found.get(tx, _key(rng.randrange(keys)))

        async def scan(tx: found.Transaction) -> None:
            begin = _key(rng.randrange(keys - 100))
            rows = [kv async for kv in found.query(tx, begin, b"bench/key0", limit=100)]
            assert len(rows) == 100

        async def write(tx: found.Transaction) -> None:
            for _ in range(10):
                found.set(tx, _key(rng.randrange(keys)), _value(rng))

        out["point"] = await _rate(sizes["point"], lambda: found.transactional(db, point))
        out["range"] = await _rate(sizes["range"], lambda: found.transactional(db, scan))
        out["write"] = await _rate(sizes["write"], lambda: found.transactional(db, write))

        async def writer() -> None:
            for _ in range(sizes["concurrent"]):
                await found.transactional(db, write)

        t0 = time.perf_counter()
        await asyncio.gather(*(writer() for _ in range(CONCURRENCY)))
        out["concurrent"] = CONCURRENCY * sizes["concurrent"] / (time.perf_counter() - t0)
    return out


async def _rate(count: int, make: Callable[[], Awaitable[Any]]) -> float:
    t0 = time.perf_counter()
    for _ in range(count):
        await make()
    return count / (time.perf_counter() - t0)


# -- raw sqlite3 ----------------------------------------------------------------------------


def _sqlite_connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute(SCHEMA)
    return conn


def _sqlite_side(path: str, keys: int, sizes: Dict[str, int], seed: int) -> Dict[str, float]:
    rng = random.Random(seed)
    conn = _sqlite_connect(path)
    upsert = "INSERT OR REPLACE INTO kv VALUES (?, ?)"
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(upsert, [(_key(i), _value(rng)) for i in range(keys)])
    conn.execute("COMMIT")

    def point() -> None:
        conn.execute("BEGIN")
        for _ in range(10):
            sql = "SELECT value FROM kv WHERE key = ?"
            conn.execute(sql, (_key(rng.randrange(keys)),)).fetchone()
        conn.execute("COMMIT")

    def scan() -> None:
        begin = _key(rng.randrange(keys - 100))
        conn.execute("BEGIN")
        sql = "SELECT key, value FROM kv WHERE key >= ? ORDER BY key LIMIT 100"
        rows = conn.execute(sql, (begin,)).fetchall()
        conn.execute("COMMIT")
        assert len(rows) == 100

    def write() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(upsert, [(_key(rng.randrange(keys)), _value(rng)) for _ in range(10)])
        conn.execute("COMMIT")

    out: Dict[str, float] = {}
    for name, func in (("point", point), ("range", scan), ("write", write)):
        t0 = time.perf_counter()
        for _ in range(sizes[name]):
            func()
        out[name] = sizes[name] / (time.perf_counter() - t0)
    total = CONCURRENCY * sizes["concurrent"]
    t0 = time.perf_counter()
    for _ in range(total):
        write()
    out["concurrent"] = total / (time.perf_counter() - t0)
    conn.close()
    return out


# -- aiosqlite ------------------------------------------------------------------------------


async def _aio_connect(path: str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        await conn.execute(pragma)
    await conn.execute(SCHEMA)
    return conn


async def _aio_side(path: str, keys: int, sizes: Dict[str, int], seed: int) -> Dict[str, float]:
    rng = random.Random(seed)
    upsert = "INSERT OR REPLACE INTO kv VALUES (?, ?)"
    conn = await _aio_connect(path)
    await conn.execute("BEGIN IMMEDIATE")
    await conn.executemany(upsert, [(_key(i), _value(rng)) for i in range(keys)])
    await conn.execute("COMMIT")

    async def point(c: aiosqlite.Connection = conn) -> None:
        await c.execute("BEGIN")
        for _ in range(10):
            cursor = await c.execute(
                "SELECT value FROM kv WHERE key = ?", (_key(rng.randrange(keys)),)
            )
            await cursor.fetchone()
        await c.execute("COMMIT")

    async def scan(c: aiosqlite.Connection = conn) -> None:
        begin = _key(rng.randrange(keys - 100))
        await c.execute("BEGIN")
        sql = "SELECT key, value FROM kv WHERE key >= ? ORDER BY key LIMIT 100"
        rows = await (await c.execute(sql, (begin,))).fetchall()
        await c.execute("COMMIT")
        assert len(rows) == 100

    async def write(c: aiosqlite.Connection = conn) -> None:
        await c.execute("BEGIN IMMEDIATE")
        rows = [(_key(rng.randrange(keys)), _value(rng)) for _ in range(10)]
        await c.executemany(upsert, rows)
        await c.execute("COMMIT")

    out = {
        "point": await _rate(sizes["point"], point),
        "range": await _rate(sizes["range"], scan),
        "write": await _rate(sizes["write"], write),
    }
    await conn.close()
    conns = [await _aio_connect(path) for _ in range(CONCURRENCY)]

    async def writer(c: aiosqlite.Connection) -> None:
        for _ in range(sizes["concurrent"]):
            await write(c)

    t0 = time.perf_counter()
    await asyncio.gather(*(writer(c) for c in conns))
    out["concurrent"] = CONCURRENCY * sizes["concurrent"] / (time.perf_counter() - t0)
    for c in conns:
        await c.close()
    return out


# -- driver ---------------------------------------------------------------------------------


def _best(runs: List[Dict[str, float]]) -> Dict[str, float]:
    return {name: max(run[name] for run in runs) for name in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every workload size")
    args = parser.parse_args()
    base = {"point": 1000, "range": 300, "write": 100, "concurrent": 3}
    sizes = {k: max(1, int(v * args.scale)) for k, v in base.items()}
    runs: Dict[str, List[Dict[str, float]]] = {"found": [], "sqlite3": [], "aiosqlite": []}
    for repeat in range(args.repeat):
        for side in runs:
            workdir = tempfile.mkdtemp(prefix=f"bench-engine-{side}-")
            try:
                path = os.path.join(workdir, "db.sqlite")
                seed = 1000 + repeat
                if side == "found":
                    result = asyncio.run(_found_side(workdir, args.keys, sizes, seed))
                elif side == "sqlite3":
                    result = _sqlite_side(path, args.keys, sizes, seed)
                else:
                    result = asyncio.run(_aio_side(path, args.keys, sizes, seed))
                runs[side].append(result)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
    best = {side: _best(results) for side, results in runs.items()}
    print(
        f"{platform.python_implementation()} {platform.python_version()}, keys={args.keys}, "
        f"sizes={sizes}, best of {args.repeat}; transactions per second"
    )
    header = ("workload", "found", "sqlite3", "aiosqlite", "sqlite3/found", "found/aiosqlite")
    print("{:<26}{:>11}{:>11}{:>11}{:>15}{:>17}".format(*header))
    labels = {
        "point": "10 point reads / tx",
        "range": "100-key range read / tx",
        "write": "10-key durable write / tx",
        "concurrent": f"{CONCURRENCY} concurrent writers",
    }
    rows: List[Tuple[str, ...]] = []
    for name, label in labels.items():
        f, s, a = best["found"][name], best["sqlite3"][name], best["aiosqlite"][name]
        rows.append(
            (label, f"{f:,.0f}", f"{s:,.0f}", f"{a:,.0f}", f"{s / f:.2f}x", f"{f / a:.2f}x")
        )
    for row in rows:
        print("{:<26}{:>11}{:>11}{:>11}{:>15}{:>17}".format(*row))


if __name__ == "__main__":
    main()
