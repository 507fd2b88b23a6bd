"""Fixtures for the storage engine tests: an engine on a fresh directory driven by a fake
clock, `put` to commit plain writes, and `spawn` / `finish` to run worker processes
(`workers/*.py`). Helpers are fixtures because test modules are imported by path.

After every test the engine's stored invariants are checked (`Engine.check_consistency`),
so each test also exercises the consistency of what it left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from typing import Optional

import pytest

import found
from found._embedded.engine import Engine, Mutation

SET, CLEAR_RANGE, ADD = 0, 1, 2
WORKERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workers")


class FakeClock:
    """A clock in microseconds that only moves when told to."""

    def __init__(self, start: int = 1_700_000_000_000_000):
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1_000_000)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def directory(tmp_path: os.PathLike[str]) -> str:
    return os.path.join(os.fspath(tmp_path), "db")


@pytest.fixture
async def engine(directory: str, clock: FakeClock) -> AsyncIterator[Engine]:
    opened = Engine.open(directory, clock=clock, poll_interval=0.005)
    try:
        yield opened
        assert opened.check_consistency() == []
    finally:
        opened.close()


def point(key: bytes) -> tuple[bytes, bytes]:
    """The conflict range of one key."""
    return (key, key + b"\x00")


async def _put(
    engine: Engine,
    pairs: dict[bytes, Optional[bytes]],
    read_version: Optional[int] = None,
    reads: Sequence[tuple[bytes, bytes]] = (),
) -> int:
    """Commit sets (value) and clears (None) of `pairs`; the commit version."""
    mutations = [
        Mutation(SET, k, v) if v is not None else Mutation(CLEAR_RANGE, k, k + b"\x00")
        for k, v in pairs.items()
    ]
    version = engine.latest_version() if read_version is None else read_version
    committed, _ = await engine.commit(version, mutations, list(reads), [point(k) for k in pairs])
    return committed


def _spawn(name: str, *args: str) -> subprocess.Popen[str]:
    """Start `workers/<name>.py` in a child interpreter that imports this `found`."""
    env = dict(os.environ)
    source = os.path.dirname(os.path.dirname(os.path.abspath(found.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([source, env.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, os.path.join(WORKERS, f"{name}.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str], timeout: float = 120) -> str:
    """Wait for a worker; its stdout (fails the test with its stderr if it failed)."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def put():  # type: ignore[no-untyped-def]
    """`await put(engine, {key: value or None}, read_version=None, reads=())` -> version."""
    return _put


@pytest.fixture
def spawn():  # type: ignore[no-untyped-def]
    """`spawn(name, *args)` starts a worker; `spawn.finish(process)` waits for its output."""
    processes: list[subprocess.Popen[str]] = []

    def start(name: str, *args: str) -> subprocess.Popen[str]:
        process = _spawn(name, *args)
        processes.append(process)
        return process

    start.finish = _finish  # type: ignore[attr-defined]
    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()
