"""found's directory layer against the official binding (PyPI `foundationdb` 7.3, pinned in
requirements-test.txt), both over the libfdb_c-compatible test library's database.

- Same program, separate databases: a seeded program of creates, opens, moves, removals,
  lists and writes runs in a subprocess through the official binding and here through found,
  each with `random` seeded alike (the prefix allocator draws from it). The results, the trees
  and every byte of the two databases must be equal.
- One database, taking turns: the official binding builds a tree; found must read the same
  tree, prefixes and bytes; found changes it; the official binding must read found's result.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import found
from bindingtester.shim import build_library, cluster_file_for, open_test_database

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
_spec = importlib.util.spec_from_file_location("found_dir_program", HERE / "dir_program.py")
assert _spec is not None and _spec.loader is not None
program = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = program
_spec.loader.exec_module(program)

# PyPy starts the official binding's subprocesses slowly: fewer (same) programs there.
SEEDS = [1, 2, 3, 4] if platform.python_implementation() != "PyPy" else [1, 2]
STEPS = 70


def run_official(cluster_file: str, request: dict, tmp_path: Path) -> dict:
    """Run dir_program.py with the official binding on `cluster_file`; its JSON result."""
    request_file = tmp_path / f"request-{random.random()}.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")
    env = dict(os.environ, LD_LIBRARY_PATH=str(build_library().parent))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, str(HERE / "dir_program.py"), cluster_file, str(request_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def found_step(db: found.Database, entry: dict) -> Any:
    d = found.directory
    op, path = entry["op"], tuple(entry["path"])
    layer = bytes.fromhex(entry["layer"]) if entry.get("layer") is not None else None
    if op in ("create_or_open", "create", "open"):
        made = await getattr(d, op)(db, path, layer)
    elif op == "move":
        made = await d.move(db, path, tuple(entry["to"]))
    elif op in ("remove", "remove_if_exists", "exists"):
        return await getattr(d, op)(db, path)
    elif op == "list":
        return await d.list(db, path)
    else:

        async def write(tx: found.Transaction) -> list:
            space = await d.open(tx, path)
            key = space.pack(("v",))
            found.set(tx, key, bytes.fromhex(entry["value"]))
            return [key.hex()]

        return await found.transactional(db, write)
    return program.describe(type(made).__name__, made.get_path(), made.rawPrefix, made.get_layer())


async def run_found(db: found.Database, seed: int, ops: list) -> list:
    random.seed(seed)
    log = []
    for entry in ops:
        try:
            log.append(["ok", await found_step(db, entry)])
        except found.FoundException:
            raise
        except Exception as exc:
            log.append(program.error_entry(exc))
    return log


async def walk_found(db: found.Database) -> list:
    out: list = []

    async def visit(path: tuple) -> None:
        for name in await found.directory.list(db, path):
            child = await found.directory.open(db, (*path, name))
            out.append(
                program.describe(
                    type(child).__name__, child.get_path(), child.rawPrefix, child.get_layer()
                )
            )
            await visit((*path, name))

    await visit(())
    return out


async def dump_found(db: found.Database) -> list:
    async def read(tx: found.Transaction) -> list:
        return [[k.hex(), v.hex()] async for k, v in found.query(tx, b"", b"\xff")]

    return await found.transactional(db, read)


async def open_found(backend: str, directory: Path) -> found.Database:
    """found on the embedded database in `directory`: directly, or through the test library."""
    if backend == "embedded":
        return await found.open(directory=str(directory))
    return await open_test_database(directory)


@pytest.mark.parametrize("backend", ["embedded", "capi"])
@pytest.mark.parametrize("seed", SEEDS)
async def test_same_program_same_bytes(backend: str, seed: int, tmp_path: Path) -> None:
    ops = program.generate(seed, STEPS)
    theirs = run_official(
        cluster_file_for(tmp_path / "official"), {"seed": seed, "ops": ops}, tmp_path
    )
    db = await open_found(backend, tmp_path / "found")
    try:
        log = await run_found(db, seed, ops)
        for index, (mine, official) in enumerate(zip(log, theirs["log"])):
            assert mine == official, f"step {index} {ops[index]} differs"
        assert len(log) == len(theirs["log"])
        assert await walk_found(db) == theirs["tree"]
        assert await dump_found(db) == theirs["dump"]
    finally:
        await db.close()
    successes = sum(1 for entry in log if entry[0] == "ok")
    assert successes > STEPS // 3, "the program should mostly do things, not fail"


@pytest.mark.parametrize("backend", ["embedded", "capi"])
async def test_each_reads_what_the_other_wrote(backend: str, tmp_path: Path) -> None:
    directory = tmp_path / "shared"
    cluster_file = cluster_file_for(directory)
    first = run_official(cluster_file, {"seed": 10, "ops": program.generate(10, 60)}, tmp_path)
    assert first["tree"], "the official binding should have left directories behind"
    db = await open_found(backend, directory)
    try:
        assert await walk_found(db) == first["tree"]
        assert await dump_found(db) == first["dump"]
        # found reads every value the official binding wrote where it wrote it
        values = {bytes.fromhex(k): bytes.fromhex(v) for k, v in first["dump"]}
        for kind, path, prefix, _ in first["tree"]:
            if kind == "DirectorySubspace":
                space = await found.directory.open(db, tuple(path))
                key = space.pack(("v",))
                assert bytes.fromhex(prefix) == space.key()

                async def get(tx: found.Transaction, key: bytes = key) -> Any:
                    return await found.get(tx, key)

                assert await found.transactional(db, get) == values.get(key)
        await run_found(db, 11, program.generate(11, 60))
        mine_tree, mine_dump = await walk_found(db), await dump_found(db)
    finally:
        await db.close()
    second = run_official(cluster_file, {}, tmp_path)
    assert second["tree"] == mine_tree
    assert second["dump"] == mine_dump
    assert mine_tree != first["tree"]


async def test_allocator_windows_same_bytes(tmp_path: Path) -> None:
    """Enough creations to move the allocator through several windows (64 numbers each,
    advanced when half full): same prefixes, counters and recent marks as the official one."""
    ops = [{"op": "create", "path": ["w", str(i)], "layer": None} for i in range(80)]
    theirs = run_official(
        cluster_file_for(tmp_path / "official"), {"seed": 5, "ops": ops}, tmp_path
    )
    db = await found.open(directory=str(tmp_path / "found"))
    try:
        assert await run_found(db, 5, ops) == theirs["log"]
        assert await dump_found(db) == theirs["dump"]
    finally:
        await db.close()
    hca = found.Subspace(rawPrefix=b"\xfe\x01\xfe\x00\x01hca\x00")
    starts = [
        hca.unpack(bytes.fromhex(k))[1]
        for k, _ in theirs["dump"]
        if hca[0].contains(bytes.fromhex(k))
    ]
    assert starts and min(starts) >= 128  # the first windows were passed and forgotten
