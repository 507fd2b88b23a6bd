"""Fixtures for the driver tests: the test library built for this interpreter, loaded by
found's driver in-process, and a fresh database over it per test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bindingtester.shim import build_library, cluster_file_for, use_library_in_process

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="session")
def shim_path() -> str:
    """Path of the test library, which found's driver in this process loads."""
    return use_library_in_process()


@pytest.fixture
async def backend(shim_path: str, tmp_path: Path) -> AsyncIterator[Any]:
    """A `CapiDatabase` (found's driver, no public API on top) over a fresh embedded database."""
    from found._capi import open_database

    db = await open_database(cluster_file_for(tmp_path / "db"))
    try:
        yield db
    finally:
        await db.close()


class Counters:
    """The test library's own bookkeeping, read through a second cffi handle on it."""

    def __init__(self, path: str) -> None:
        from cffi import FFI

        self.ffi = FFI()
        self.ffi.cdef("int found_shim_live_futures(void); int found_shim_bad_destroys(void);")
        self.lib = self.ffi.dlopen(path)

    def live_futures(self) -> int:
        return int(self.lib.found_shim_live_futures())

    def bad_destroys(self) -> int:
        return int(self.lib.found_shim_bad_destroys())


@pytest.fixture(scope="session")
def counters(shim_path: str) -> Counters:
    return Counters(shim_path)


def _run_python(
    code: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter like this one, with `env` added to the environment."""
    full_env = dict(os.environ)
    full_env.update(env)
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *([full_env["PYTHONPATH"]] if full_env.get("PYTHONPATH") else [])]
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def library_folder() -> str:
    """The folder holding `libfdb_c.so` (for LD_LIBRARY_PATH in subprocesses)."""
    return str(build_library().parent)


@pytest.fixture(scope="session")
def run_python() -> Any:
    """`run_python(code, env)`: run code in a fresh interpreter, return the CompletedProcess."""
    return _run_python
