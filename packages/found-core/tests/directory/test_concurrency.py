"""Concurrent creation never hands out the same prefix twice: many transactions at once,
many tasks in one transaction, and several processes (found and the official binding) on one
database. Every prefix must also be free of every other (neither contains another)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import found
from bindingtester.shim import build_library, cluster_file_for

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]


def assert_prefix_free(prefixes: list) -> None:
    assert len(set(prefixes)) == len(prefixes), "a prefix was handed out twice"
    ordered = sorted(prefixes)
    for before, after in zip(ordered, ordered[1:]):
        assert not after.startswith(before), f"{before!r} contains {after!r}"


async def test_many_transactions_at_once(db: found.Database) -> None:
    await found.directory.create(db, "c")
    made = await asyncio.gather(*(found.directory.create(db, ("c", str(i))) for i in range(48)))
    assert_prefix_free([d.key() for d in made])
    listed = await found.directory.list(db, "c")
    assert sorted(listed) == sorted(str(i) for i in range(48))
    for d in made:  # every directory reopens to the prefix it was created with
        assert (await found.directory.open(db, d.get_path())).key() == d.key()


async def test_many_tasks_in_one_transaction(db: found.Database) -> None:
    await found.directory.create(db, "t")

    async def create_all(tx: found.Transaction) -> list:
        made = await asyncio.gather(*(found.directory.create(tx, ("t", str(i))) for i in range(40)))
        return [d.key() for d in made]

    prefixes = await found.transactional(db, create_all)
    assert_prefix_free(prefixes)
    assert len(await found.directory.list(db, "t")) == 40


def _spawn(args: list, env: dict) -> subprocess.Popen:
    full = dict(os.environ, **env)
    full["PYTHONPATH"] = os.pathsep.join([str(REPO), full.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, str(HERE / "create_worker.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full,
    )


async def test_several_processes_and_bindings(tmp_path: Path) -> None:
    directory = tmp_path / "db"
    cluster_file = cluster_file_for(directory)  # creates the folder, names it
    library = build_library()
    count = 24
    processes = [
        _spawn(["found", str(directory), "f1", str(count)], {}),
        _spawn(["found", str(directory), "f2", str(count)], {}),
        _spawn(
            ["official", cluster_file, "o1", str(count)],
            {"LD_LIBRARY_PATH": str(library.parent)},
        ),
    ]
    prefixes = []
    for process in processes:
        out, err = await asyncio.get_running_loop().run_in_executor(
            None, lambda p=process: p.communicate(timeout=300)
        )
        assert process.returncode == 0, err
        lines = out.split()
        assert len(lines) == count
        prefixes += [bytes.fromhex(line) for line in lines]
    assert_prefix_free(prefixes)
    async with await found.open(directory=str(directory)) as db:
        assert await found.directory.list(db, "procs") == ["f1", "f2", "o1"]
        for name in ("f1", "f2", "o1"):
            assert len(await found.directory.list(db, ("procs", name))) == count
