"""bstore vs plain files: write and read throughput (MB/s) for blobs of several sizes, same run.

Run: ``python bench/bench_bstore.py [--scale S] [--repeat R]``.

The alternative is what a user would write instead: a content-addressed directory, one file
per blob named by its blake2b digest, written and fsync'ed (durable like a commit), then read
back whole. bstore stores the same blobs in the embedded engine: `get_or_create` in one
transaction per blob up to 8 MB, `upload` / `download` across transactions above that. Each
size runs both sides in turn, `--repeat` times, keeping the best. Printed: MB/s for each side
and the ratio files / bstore (how many times faster plain files are). `--scale` multiplies
the number of blobs per size.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import os
import platform
import random
import tempfile
import time
import uuid
from typing import Callable, List, Tuple

import found
from found.ext import bstore

MB = 1_000_000
SIZES = [(100_000, 100), (1 * MB, 20), (8 * MB, 3), (50 * MB, 1)]


def blobs(size: int, count: int, seed: int) -> List[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(size) for _ in range(count)]


def files_write(directory: str, items: List[bytes]) -> List[str]:
    names = []
    for blob in items:
        name = hashlib.blake2b(blob).hexdigest()
        path = os.path.join(directory, name)
        with open(path, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        names.append(path)
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)  # the new names are durable too
    finally:
        os.close(fd)
    return names


def files_read(paths: List[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += len(handle.read())
    return total


async def bstore_write(db, store, items: List[bytes]) -> List[bytes]:
    uids = []
    for blob in items:
        if len(blob) > 8 * MB:
            uids.append(await bstore.upload(db, store, blob))
        else:
            uids.append(await found.transactional(db, bstore.get_or_create, store, blob))
    return uids


async def bstore_read(db, store, uids: List[bytes], size: int) -> int:
    total = 0
    for uid in uids:
        if size > 8 * MB:
            async for chunk in bstore.download(db, store, uid):
                total += len(chunk)
        else:
            total += len(await found.transactional(db, bstore.get, store, uid))
    return total


def timed(func: Callable[[], object]) -> Tuple[float, object]:
    began = time.perf_counter()
    out = func()
    return time.perf_counter() - began, out


async def atimed(coroutine) -> Tuple[float, object]:
    began = time.perf_counter()
    out = await coroutine
    return time.perf_counter() - began, out


def _check(read: int, expected: int) -> None:
    if read != expected:
        raise RuntimeError(f"read back {read} bytes, expected {expected}")


async def run(scale: float, repeat: int, root: str) -> None:
    db = await found.open(directory=os.path.join(root, "found"))
    print(f"{'blobs':>16}{'':4}{'bstore MB/s':>13}{'files MB/s':>12}{'files/bstore':>14}")
    for size, count in SIZES:
        count = max(1, int(count * scale))
        volume = size * count / MB
        best = {"bw": 1e9, "br": 1e9, "fw": 1e9, "fr": 1e9}
        for attempt in range(repeat):
            items = blobs(size, count, seed=size + attempt)  # new content: no deduplication
            store = bstore.make("bench", ("bench", uuid.uuid4()))
            seconds, uids = await atimed(bstore_write(db, store, items))
            best["bw"] = min(best["bw"], seconds)
            seconds, read = await atimed(bstore_read(db, store, uids, size))
            _check(read, size * count)
            best["br"] = min(best["br"], seconds)
            directory = os.path.join(root, f"files-{size}-{attempt}")
            os.mkdir(directory)
            seconds, paths = timed(functools.partial(files_write, directory, items))
            best["fw"] = min(best["fw"], seconds)
            seconds, read = timed(functools.partial(files_read, paths))
            _check(read, size * count)
            best["fr"] = min(best["fr"], seconds)
        label = f"{count} x {size / MB:g} MB"
        for what, ours, theirs in (("write", "bw", "fw"), ("read", "br", "fr")):
            b_rate, f_rate = volume / best[ours], volume / best[theirs]
            print(f"{label:>16} {what:<5}{b_rate:11.1f}{f_rate:12.1f}{f_rate / b_rate:14.2f}")
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply blob counts")
    parser.add_argument("--repeat", type=int, default=2, help="runs per size (best kept)")
    args, _ = parser.parse_known_args()
    print(f"python {platform.python_implementation()} {platform.python_version()}")
    with tempfile.TemporaryDirectory() as root:
        asyncio.run(run(args.scale, args.repeat, root))


if __name__ == "__main__":
    main()
