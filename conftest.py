"""Shared pytest fixtures for every package's tests: `db`, a fresh empty database per test,
parametrized over the backends, and `backend_name`.

Backends:

- `embedded`: the embedded engine in a fresh temporary directory;
- `capi`: the cffi driver (`found._capi`) over the libfdb_c-compatible test library, opened
  by `bindingtester.shim.open_test_database(directory)`;
- `cluster`: a real FoundationDB cluster, only when `FOUND_TEST_CLUSTER_FILE` names its
  cluster file; the whole user keyspace is cleared before each test.

`cluster` replaces `capi` when `FOUND_TEST_CLUSTER_FILE` is set: found's driver loads one
libfdb_c per process, and the real one (to reach the cluster) cannot share the process with
the test library that `capi` loads. The driver's own tests (`tests/capi`) still need the test
library, so run them in a separate pytest process without that variable.

Select one with `-k embedded` (or `capi`, `cluster`).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
from collections.abc import AsyncIterator

import pytest

import found

CLUSTER_FILE_ENV = "FOUND_TEST_CLUSTER_FILE"

#: The backends of this run: the driver's side is the real cluster when one is named, else
#: the test library (never both: see the module docstring).
BACKENDS = ["embedded", "cluster" if os.environ.get(CLUSTER_FILE_ENV) else "capi"]


def pytest_configure(config: pytest.Config) -> None:
    """On Python < 3.10, unset the main thread's event loop before any test runs.

    There `asyncio.get_event_loop()` outside a running loop creates a loop; pytest-asyncio
    calls it around every test, keeps the loop as "the previous one" and never closes it, so
    it warned (ResourceWarning, loop and self-pipe) when collected. Explicitly unset, the call
    raises instead, which pytest-asyncio handles.
    """
    if sys.version_info < (3, 10):
        asyncio.set_event_loop(None)


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    """The name of the backend the test runs on: "embedded", "capi" or "cluster"."""
    return str(request.param)


async def _clear_everything(tx: found.Transaction) -> None:
    found.clear(tx, b"", b"\xff")


async def open_backend(name: str, directory: str) -> found.Database:
    """Open an empty database on backend `name`, with `directory` for its files."""
    if name == "embedded":
        return await found.open(directory=directory)
    if name == "capi":
        from bindingtester.shim import open_test_database

        opened = open_test_database(directory)
        return await opened if inspect.isawaitable(opened) else opened
    if name == "cluster":
        db = await found.open(os.environ[CLUSTER_FILE_ENV])
        await found.transactional(db, _clear_everything)
        return db
    raise ValueError(f"unknown backend {name!r}")


@pytest.fixture
async def db(backend_name: str, tmp_path: os.PathLike[str]) -> AsyncIterator[found.Database]:
    """A fresh, empty `found.Database` on the backend named by `backend_name`; closed after
    the test."""
    database = await open_backend(backend_name, os.path.join(os.fspath(tmp_path), "db"))
    try:
        yield database
    finally:
        await database.close()
