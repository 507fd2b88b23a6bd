"""found's cffi driver vs the official ctypes binding, over the same libfdb_c, in one run.

Run: ``python bench/bench_driver.py [--repeat R]`` with the interpreter to measure (CPython or
PyPy; it needs `cffi`, `foundationdb==7.3.79`, found installed, and a C compiler).

Both clients load the libfdb_c-compatible test library (`bindingtester/shim`, built for this
interpreter), which serves the C API from found's embedded engine; with a real cluster the
library's own cost would shrink and the bindings' share grow, so these ratios understate the
differences. Each side runs in its own child process (a process has one libfdb_c network) on a
fresh database, the two alternating `--repeat` times; the best time of each is kept.

found goes through its public API (`found.transactional`, `found.get`, `found.set`,
`found.query`); the official binding through `fdb.transactional`, `tr.get(...).wait()`,
`tr.get_range(...)`. Workloads, on 1,000 keys with 100-byte values:

- point gets: 2,000 sequential awaited gets in one transaction;
- sets+commit: 200 transactions of 10 sets, committed one after the other;
- 1,000-key range reads: 30 transactions each reading all 1,000 keys (WANT_ALL);
- 100 concurrent transactions: 5 rounds of 100 concurrent read-modify-write transactions.
  found: 100 asyncio tasks on one loop. Official binding: its blocking futures in 100 threads
  (`concurrent.futures.ThreadPoolExecutor(100)`, each running an `@fdb.transactional` function).

Printed: operations per second of each side and found/official (above 1: found is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KEYS = [b"bench/%06d" % i for i in range(1000)]
VALUE = b"v" * 100
WORKLOADS = [  # (name, operations counted)
    ("point gets", 2000),
    ("sets+commit (10 sets)", 200),
    ("1,000-key range reads", 30),
    ("100 concurrent transactions", 500),
]


async def run_found(cluster_file: str) -> dict[str, float]:
    import found
    from bindingtester.shim import use_library_in_process

    use_library_in_process()
    db = await found.open(cluster_file)

    async def load(tx, chunk):
        for key in chunk:
            found.set(tx, key, VALUE)

    for i in range(0, len(KEYS), 250):
        await found.transactional(db, load, KEYS[i : i + 250])
    times = {}

    async def gets(tx):
        for i in range(2000):
            await found.get(tx, KEYS[i % 1000])

    start = time.perf_counter()
    await found.transactional(db, gets)
    times["point gets"] = time.perf_counter() - start

    async def ten_sets(tx, n):
        for j in range(10):
            found.set(tx, b"w/%d/%d" % (n, j), VALUE)

    start = time.perf_counter()
    for n in range(200):
        await found.transactional(db, ten_sets, n)
    times["sets+commit (10 sets)"] = time.perf_counter() - start

    async def read_all(tx):
        rows = [kv async for kv in found.query(tx, b"bench/", b"bench0", mode="want_all")]
        assert len(rows) == 1000

    start = time.perf_counter()
    for _ in range(30):
        await found.transactional(db, read_all)
    times["1,000-key range reads"] = time.perf_counter() - start

    async def rmw(tx, i):
        value = await found.get(tx, KEYS[i])
        found.set(tx, b"c/%d" % i, value or b"")

    start = time.perf_counter()
    for _ in range(5):
        await asyncio.gather(*(found.transactional(db, rmw, i) for i in range(100)))
    times["100 concurrent transactions"] = time.perf_counter() - start
    await db.close()
    return times


def run_official(cluster_file: str) -> dict[str, float]:
    import ctypes
    import types

    if not hasattr(ctypes, "pythonapi"):  # PyPy: select the binding's own callback pinning
        ctypes.pythonapi = types.SimpleNamespace()  # type: ignore[attr-defined]
    import fdb

    fdb.api_version(730)
    db = fdb.open(cluster_file)

    @fdb.transactional
    def load(tr, chunk):
        for key in chunk:
            tr.set(key, VALUE)

    for i in range(0, len(KEYS), 250):
        load(db, KEYS[i : i + 250])
    times = {}

    @fdb.transactional
    def gets(tr):
        for i in range(2000):
            tr.get(KEYS[i % 1000]).wait()

    start = time.perf_counter()
    gets(db)
    times["point gets"] = time.perf_counter() - start

    @fdb.transactional
    def ten_sets(tr, n):
        for j in range(10):
            tr.set(b"w/%d/%d" % (n, j), VALUE)

    start = time.perf_counter()
    for n in range(200):
        ten_sets(db, n)
    times["sets+commit (10 sets)"] = time.perf_counter() - start

    @fdb.transactional
    def read_all(tr):
        rows = list(tr.get_range(b"bench/", b"bench0", streaming_mode=fdb.StreamingMode.want_all))
        assert len(rows) == 1000

    start = time.perf_counter()
    for _ in range(30):
        read_all(db)
    times["1,000-key range reads"] = time.perf_counter() - start

    @fdb.transactional
    def rmw(tr, i):
        value = tr.get(KEYS[i]).wait()
        tr.set(b"c/%d" % i, bytes(value) if value.present() else b"")

    start = time.perf_counter()
    with ThreadPoolExecutor(100) as pool:
        for _ in range(5):
            list(pool.map(lambda i: rmw(db, i), range(100)))
    times["100 concurrent transactions"] = time.perf_counter() - start
    return times


def child(side: str, cluster_file: str) -> None:
    if side == "found":
        times = asyncio.run(run_found(cluster_file))
    else:
        times = run_official(cluster_file)
    print(json.dumps(times))


def run_side(side: str, library_folder: str) -> dict[str, float]:
    from bindingtester.shim import cluster_file_for

    with tempfile.TemporaryDirectory(prefix=f"bench-driver-{side}-") as folder:
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = library_folder
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
        cluster_file = cluster_file_for(os.path.join(folder, "db"))
        done = subprocess.run(
            [sys.executable, __file__, "--child", side, cluster_file],
            env=env, capture_output=True, text=True, check=False, timeout=900,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{side} side failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--child", nargs=2, metavar=("SIDE", "CLUSTER_FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(REPO))
    from bindingtester.shim import build_library

    library_folder = str(build_library().parent)
    best: dict[str, dict[str, float]] = {"found": {}, "official": {}}
    for _ in range(args.repeat):
        for side in ("found", "official"):
            for name, seconds in run_side(side, library_folder).items():
                best[side][name] = min(seconds, best[side].get(name, float("inf")))
    implementation = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"found driver vs official fdb binding, {implementation}, best of {args.repeat}")
    print(f"{'workload':32} {'found ops/s':>12} {'official ops/s':>15} {'found/official':>15}")
    for name, operations in WORKLOADS:
        ours = operations / best["found"][name]
        theirs = operations / best["official"][name]
        print(f"{name:32} {ours:12.0f} {theirs:15.0f} {ours / theirs:15.2f}")


if __name__ == "__main__":
    main()
