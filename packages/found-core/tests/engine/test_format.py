"""The storage format: a directory written in another format is refused, clearly."""

from __future__ import annotations

import os
import sqlite3

import pytest

from found._embedded import schema
from found._embedded.engine import Engine


def _make_file(directory: str, user_version: int, table: str) -> None:
    os.makedirs(directory, exist_ok=True)
    conn = sqlite3.connect(schema.data_path(directory), isolation_level=None)
    try:
        conn.execute(table).close()
        conn.execute(f"PRAGMA user_version = {user_version}").close()
    finally:
        conn.close()


@pytest.mark.parametrize("old", [1, 4])
def test_an_older_format_is_refused(directory, old):
    _make_file(directory, old, "CREATE TABLE kv (key BLOB, version INTEGER, value BLOB)")
    with pytest.raises(schema.FormatError, match=f"format {old} cannot be opened"):
        Engine.open(directory)


def test_a_foreign_sqlite_file_is_refused(directory):
    _make_file(directory, 0, "CREATE TABLE notes (body TEXT)")
    with pytest.raises(schema.FormatError, match="not an embedded found database"):
        Engine.open(directory)


async def test_the_current_format_reopens(directory, put):
    engine = Engine.open(directory)
    try:
        version = await put(engine, {b"k": b"v"})
    finally:
        engine.close()
    engine = Engine.open(directory)
    try:
        assert engine.get(b"k", engine.latest_version()) == b"v"
        assert engine.latest_version() == version
    finally:
        engine.close()
    conn = sqlite3.connect(schema.data_path(directory))
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.FORMAT
    finally:
        conn.close()
