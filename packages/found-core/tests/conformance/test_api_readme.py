"""The 0.13 README example, verbatim, on the embedded engine chosen through FOUND_DATABASE;
and the 0.13 test-suite idioms (clearing with `found.clear(tx, b"", b"\\xff")`, passing write
functions straight to `transactional`)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

import found


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[found.Database]:
    """Point `found.open()` at a fresh embedded database and remember what it opened, so the
    test can close databases the example leaves open."""
    monkeypatch.setenv("FOUND_DATABASE", f"embedded:{tmp_path / 'readme'}")
    databases: list[found.Database] = []
    real_open = found.open

    async def recording_open(*args: Any, **kwargs: Any) -> found.Database:
        db = await real_open(*args, **kwargs)
        databases.append(db)
        return db

    monkeypatch.setattr(found, "open", recording_open)
    return databases


async def test_readme_example_verbatim(opened: list[found.Database]) -> None:
    # --- from the 0.13 README, unchanged (except that it is awaited, not asyncio.run) ---
    async def readme():
        async def get(tx, key):
            out = await found.get(tx, key)
            return out

        async def set(tx, key, value):
            await found.set(tx, key, value)

        db = await found.open()
        out = await found.transactional(db, get, b"hello")
        assert out is None

        await found.transactional(db, set, b"hello", b"world")
        out = await found.transactional(db, get, b"hello")
        assert out == b"world"

        await found.transactional(db, set, b"azul", b"world")
        out = await found.transactional(db, get, b"azul")
        assert out == b"world"

        async def query(tx, key, other):
            out = await found.all(found.query(tx, key, other))
            return out

        out = await found.transactional(db, query, b"", b"\xff")
        assert out == [(b"azul", b"world"), (b"hello", b"world")]

    # --- end of the README example ---
    try:
        await readme()
    finally:
        for db in opened:
            await db.close()
    assert len(opened) == 1


async def test_0_13_test_suite_idioms(opened: list[found.Database]) -> None:
    db = await found.open()
    try:

        async def purge(tx):
            await found.clear(tx, b"", b"\xff")

        await found.transactional(db, purge)
        for i in range(10):
            await found.transactional(db, found.set, found.pack((i,)), b"\x00" * 100)
        out = await found.transactional(
            db, found.estimated_size_bytes, found.pack((0,)), found.pack((100,))
        )
        assert out >= 0
        await found.transactional(db, purge)

        async def count(tx):
            return len(await found.all(found.query(tx, b"", b"\xff")))

        assert await found.transactional(db, count) == 0
    finally:
        await db.close()


def test_readme_example_with_asyncio_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The README runs its example with `asyncio.run`; that works too (and closes nothing, so
    the database is closed here to keep the suite's warnings-as-errors quiet)."""
    monkeypatch.setenv("FOUND_DATABASE", f"embedded:{tmp_path / 'run'}")

    async def main() -> Any:
        db = await found.open()
        try:
            await found.transactional(db, found.set, b"hello", b"world")

            async def get(tx: found.Transaction) -> Any:
                return await found.get(tx, b"hello")

            return await found.transactional(db, get)
        finally:
            await db.close()

    # In a thread of its own, so asyncio.run does not replace the loop pytest-asyncio manages.
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(main())))
    thread.start()
    thread.join()
    assert results == [b"world"]
