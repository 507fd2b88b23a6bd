"""found-server under load: requests per second and latency of navigate and change detail.

Run: ``python bench/bench_server.py [--requests N] [--concurrency C] [--tuples T]``

It seeds a temporary embedded database with one applied change of `T` tuples (directly through
found.ext.vnstore), starts the real `found-vnstore` command on a free loopback port, and sends
each workload `N` requests from `C` concurrent httpx connections (a bounded asyncio client, in
this process: the load generator shares the machine's cores with the server, so the numbers are
a floor). Every run is also bounded in time (`--seconds`).

Workloads, side by side in the same run:

- `404 page`: routing + error template, no database read (the floor of the stack);
- `navigate`: a one-column pattern matching 42 tuples (a full page), latest state;
- `navigate as_of`: the same pattern through the history index as of the applied change;
- `change detail`: the change page listing its `T` tuples.

Each with identity, gzip and zstd response encodings: `bytes` is the median body size on the
wire, and the last column compares each encoding's req/s with identity for that workload
(> 1: faster than uncompressed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

import found
from found.ext import vnstore

NAME = "found.vnstore:server"


async def seed(directory: str, tuples: int) -> str:
    """One applied change with `tuples` tuples; 42 of them share the key "k0". Its hex id."""
    db = await found.open(directory=directory)
    store = vnstore.make(NAME, (NAME,), ["uid", "key", "value"])

    async def build(tx: Any) -> Any:
        changeid = await vnstore.change_create(tx, store, "benchmark data")
        for i in range(tuples):
            await vnstore.add(tx, store, i, f"k{i % max(1, tuples // 42)}", f"value {i}")
        return changeid

    try:
        changeid = await found.transactional(db, build)
        await found.transactional(db, vnstore.change_apply, store, changeid)
    finally:
        await db.close()
    return str(changeid.hex)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as client:
        while True:
            try:
                await client.get(base + "/")
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)


async def load(
    base: str, path: str, encoding: str, requests: int, concurrency: int, seconds: float
) -> dict[str, float]:
    """Send up to `requests` GETs (stopping after `seconds`); req/s and latency quantiles."""
    latencies: list[float] = []
    sizes: list[int] = []
    remaining = requests
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"accept-encoding": encoding}
    async with httpx.AsyncClient(base_url=base, limits=limits, headers=headers) as client:
        start = time.perf_counter()
        stop = start + seconds

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0 and time.perf_counter() < stop:
                remaining -= 1
                began = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - began)
                sizes.append(response.num_bytes_downloaded)
                if response.status_code not in (200, 404):
                    raise RuntimeError(f"{path}: status {response.status_code}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "n": len(latencies),
        "bytes": statistics.median(sizes),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


async def run(args: argparse.Namespace) -> None:
    script = Path(sys.executable).parent / "found-vnstore"
    with tempfile.TemporaryDirectory(prefix="found-bench-server-") as directory:
        database = os.path.join(directory, "db")
        changeid = await seed(database, args.tuples)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(script),
                "--port",
                str(port),
                "--database",
                f"embedded:{database}",
                "--log-level",
                "warning",
            ]
        )
        try:
            await wait_ready(base)
            workloads = [
                ("404 page", "/nowhere/"),
                ("navigate", "/navigate/?key=k0"),
                ("navigate as_of", f"/navigate/?key=k0&as_of={changeid}"),
                ("change detail", f"/history/u/{changeid}/"),
            ]
            print(
                f"{args.requests} requests per row, {args.concurrency} concurrent, "
                f"{args.tuples} tuples, Python {sys.version.split()[0]}"
            )
            print(
                f"{'workload':<16}{'encoding':<10}{'bytes':>8}{'req/s':>9}"
                f"{'p50 ms':>9}{'p99 ms':>9}{'vs identity':>13}"
            )
            for label, path in workloads:
                await load(base, path, "identity", 20, 2, 10)  # warm up
                baseline = 0.0
                for encoding in ("identity", "gzip", "zstd"):
                    r = await load(
                        base, path, encoding, args.requests, args.concurrency, args.seconds
                    )
                    baseline = baseline or r["rps"]
                    print(
                        f"{label:<16}{encoding:<10}{r['bytes']:>8.0f}{r['rps']:>9.0f}{r['p50']:>9.1f}"
                        f"{r['p99']:>9.1f}{r['rps'] / baseline:>12.2f}x"
                    )
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--tuples", type=int, default=420)
    parser.add_argument("--seconds", type=float, default=20.0, help="time bound per row")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
