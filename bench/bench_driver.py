"""found's cffi driver vs the official ctypes binding, over the same libfdb_c, in one run.

Run: ``python bench/bench_driver.py [--repeat R]`` with the interpreter to measure (CPython or
PyPy; it needs `cffi`, `foundationdb==7.3.79`, found installed, and a C compiler).

Both clients load the libfdb_c-compatible test library (`bindingtester/shim`, built for this
interpreter), which serves the C API from found's embedded engine; with a real cluster the
library's own cost would shrink and the bindings' share grow, so these ratios understate the
differences. The library serves both clients by the same code, whichever client calls:

- a read of a transaction with nothing running or queued on the network thread (no pending
  future, no timeout) is answered on the caller's thread before the call returns, as a real
  libfdb_c answers from its read-your-writes cache or a known read version: the future is
  ready at once, and both clients see that (found's driver through `fdb_future_is_ready`,
  the official binding's `wait()` through the same call) and read it without blocking;
- everything else (commits, watches, reads of a busy transaction) posts to the library's
  network thread (a Python asyncio loop: a self-pipe write and a GIL handoff per wakeup),
  which runs the engine call in the transaction's queue (a task only for what waits) and
  completes the C future by calling the client's callback: found's driver hands the result
  to its event loop, the official binding releases the semaphore its waiting thread blocks
  on;
- writes to a transaction with no pending future join its queue without waking the network
  thread (they run before the transaction's next call, on whichever thread runs that one);
  libfdb_c's C network thread takes each call as it comes, in the same order.

Each side runs in its own child process (a process has one libfdb_c network) on a fresh
database; the two alternate for `--repeat` rounds, each starting every other round, and each
process runs the workloads `--passes` times (the first pass warms up; on PyPy the default is
6 passes: its JIT keeps speeding both sides up for over a thousand transactions, found's side,
with its event loop, for longer than the official binding's blocking calls, and a server runs
warm). The best time of each side is kept; the per-round
ratios are printed as a range, to show the machine's noise.

found goes through its public API (`found.transactional`, `found.get`, `found.set`,
`found.query`); the official binding through `fdb.transactional`, `tr.get(...).wait()`,
`tr.get_range(...)`. Workloads, on 1,000 keys with 100-byte values:

- point gets: 2,000 sequential awaited gets in one transaction;
- sets+commit: 200 transactions of 10 sets, committed one after the other;
- 1,000-key range reads: 30 transactions each reading all 1,000 keys (WANT_ALL);
- 100 concurrent transactions: 5 rounds of 100 concurrent read-modify-write transactions.
  found: 100 asyncio tasks on one loop. Official binding: its blocking futures in 100 threads
  (`concurrent.futures.ThreadPoolExecutor(100)`, each running an `@fdb.transactional` function).

Printed: operations per second of each side, found/official of the best times (above 1: found
is faster), and, as a note, the range of the per-round ratios and the ratio of the best CPU
times (the process's, every thread: the client, the test library's network thread and the
engine), which a busy machine disturbs less than wall time.
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
CPU = "cpu: "  # key prefix of a workload's CPU time
WORKLOADS = [  # (name, operations counted)
    ("point gets", 2000),
    ("sets+commit (10 sets)", 200),
    ("1,000-key range reads", 30),
    ("100 concurrent transactions", 500),
]


async def run_found(cluster_file: str, passes: int) -> dict[str, float]:
    import found
    from bindingtester.shim import use_library_in_process

    use_library_in_process()
    db = await found.open(cluster_file)

    async def load(tx, chunk):
        for key in chunk:
            found.set(tx, key, VALUE)

    for i in range(0, len(KEYS), 250):
        await found.transactional(db, load, KEYS[i : i + 250])
    times: dict[str, float] = {}

    async def gets(tx):
        for i in range(2000):
            await found.get(tx, KEYS[i % 1000])

    async def ten_sets(tx, n):
        for j in range(10):
            found.set(tx, b"w/%d/%d" % (n, j), VALUE)

    async def read_all(tx):
        rows = [kv async for kv in found.query(tx, b"bench/", b"bench0", mode="want_all")]
        assert len(rows) == 1000

    async def rmw(tx, i):
        value = await found.get(tx, KEYS[i])
        found.set(tx, b"c/%d" % i, value or b"")

    for _ in range(passes):  # the first pass also warms up (JIT, caches); the best is kept
        start = clock()
        await found.transactional(db, gets)
        keep(times, "point gets", start)

        start = clock()
        for n in range(200):
            await found.transactional(db, ten_sets, n)
        keep(times, "sets+commit (10 sets)", start)

        start = clock()
        for _ in range(30):
            await found.transactional(db, read_all)
        keep(times, "1,000-key range reads", start)

        start = clock()
        for _ in range(5):
            await asyncio.gather(*(found.transactional(db, rmw, i) for i in range(100)))
        keep(times, "100 concurrent transactions", start)
    await db.close()
    return times


def run_official(cluster_file: str, passes: int) -> dict[str, float]:
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
    times: dict[str, float] = {}

    @fdb.transactional
    def gets(tr):
        for i in range(2000):
            tr.get(KEYS[i % 1000]).wait()

    @fdb.transactional
    def ten_sets(tr, n):
        for j in range(10):
            tr.set(b"w/%d/%d" % (n, j), VALUE)

    @fdb.transactional
    def read_all(tr):
        rows = list(tr.get_range(b"bench/", b"bench0", streaming_mode=fdb.StreamingMode.want_all))
        assert len(rows) == 1000

    @fdb.transactional
    def rmw(tr, i):
        value = tr.get(KEYS[i]).wait()
        tr.set(b"c/%d" % i, bytes(value) if value.present() else b"")

    with ThreadPoolExecutor(100) as pool:
        for _ in range(passes):  # as on found's side: the first pass warms up, best kept
            start = clock()
            gets(db)
            keep(times, "point gets", start)

            start = clock()
            for n in range(200):
                ten_sets(db, n)
            keep(times, "sets+commit (10 sets)", start)

            start = clock()
            for _ in range(30):
                read_all(db)
            keep(times, "1,000-key range reads", start)

            start = clock()
            for _ in range(5):
                list(pool.map(lambda i: rmw(db, i), range(100)))
            keep(times, "100 concurrent transactions", start)
    return times


def clock() -> tuple[float, float]:
    """Wall time and the process's CPU time (every thread), to take differences of."""
    return time.perf_counter(), time.process_time()


def keep(times: dict[str, float], name: str, start: tuple[float, float]) -> None:
    """Record the wall and CPU time since `start` for workload `name`, each if the best yet."""
    wall, cpu = clock()
    times[name] = min(wall - start[0], times.get(name, float("inf")))
    times[CPU + name] = min(cpu - start[1], times.get(CPU + name, float("inf")))


def child(side: str, cluster_file: str, passes: int) -> None:
    if side == "found":
        times = asyncio.run(run_found(cluster_file, passes))
    else:
        times = run_official(cluster_file, passes)
    print(json.dumps(times))


def run_side(side: str, library_folder: str, passes: int) -> dict[str, float]:
    from bindingtester.shim import cluster_file_for

    with tempfile.TemporaryDirectory(prefix=f"bench-driver-{side}-") as folder:
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = library_folder
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
        cluster_file = cluster_file_for(os.path.join(folder, "db"))
        done = subprocess.run(
            [sys.executable, __file__, "--child", side, cluster_file, str(passes)],
            env=env, capture_output=True, text=True, check=False, timeout=900,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{side} side failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=4, help="rounds (a process per side)")
    parser.add_argument(
        "--passes", type=int, default=6 if platform.python_implementation() == "PyPy" else 2,
        help="passes per process (the first warms up)",
    )  # fmt: skip
    parser.add_argument(
        "--child", nargs=3, metavar=("SIDE", "CLUSTER_FILE", "PASSES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    sys.path.insert(0, str(REPO))
    from bindingtester.shim import build_library

    library_folder = str(build_library().parent)
    best: dict[str, dict[str, float]] = {"found": {}, "official": {}}
    ratios: dict[str, list[float]] = {name: [] for name, _ in WORKLOADS}
    for round_ in range(args.repeat):
        # Interleaved rounds, each side starting every other round: drifting machine load
        # then weighs on both alike.
        sides = ("found", "official") if round_ % 2 == 0 else ("official", "found")
        measured = {side: run_side(side, library_folder, args.passes) for side in sides}
        for side, times in measured.items():
            for name, seconds in times.items():
                best[side][name] = min(seconds, best[side].get(name, float("inf")))
        for name in ratios:
            ratios[name].append(measured["official"][name] / measured["found"][name])
    implementation = f"{platform.python_implementation()} {platform.python_version()}"
    print(
        f"found driver vs official fdb binding, {implementation}, best of {args.repeat} rounds"
        f" x {args.passes} passes"
    )
    print(
        f"{'workload':32} {'found ops/s':>12} {'official ops/s':>15} {'found/official':>15}"
        "  (range of the rounds, CPU-time ratio)"
    )
    for name, operations in WORKLOADS:
        ours = operations / best["found"][name]
        theirs = operations / best["official"][name]
        cpu = best["official"][CPU + name] / best["found"][CPU + name]
        spread = f"({min(ratios[name]):.2f}-{max(ratios[name]):.2f}, cpu {cpu:.2f})"  # a note
        print(f"{name:32} {ours:12.0f} {theirs:15.0f} {ours / theirs:15.2f}  {spread}")


if __name__ == "__main__":
    main()
