"""How the engine's SQL binds keys and values: as BLOBs, byte for byte, whichever way the
sqlite3 module is told to adapt ``bytes`` (`schema._bind_bytes_directly`)."""

from __future__ import annotations

import os
import sqlite3
import sys

from found._embedded import schema


def test_bytes_adapter_is_identity_on_cpython_only():
    adapter = sqlite3.adapters.get((bytes, sqlite3.PrepareProtocol))
    if sys.implementation.name == "cpython":
        assert adapter is getattr(bytes, "__bytes__", bytes)  # the cheapest identity there is
        value = b"\x00\xffkey"
        assert adapter(value) is value
    else:  # PyPy: an adapter for a base type would slow every bound parameter
        assert adapter is None


def test_an_adapter_registered_by_someone_else_is_kept():
    key = (bytes, sqlite3.PrepareProtocol)
    saved = sqlite3.adapters.get(key)

    def theirs(value: bytes) -> bytes:
        return value

    sqlite3.register_adapter(bytes, theirs)
    try:
        schema._bind_bytes_directly()
        assert sqlite3.adapters[key] is theirs
    finally:
        if saved is None:
            del sqlite3.adapters[key]
        else:
            sqlite3.register_adapter(bytes, saved)


async def test_keys_and_values_are_stored_as_blobs(engine, directory, put):
    pairs = {b"\x00": b"", b"k\xff": b"\x00" * 3, b"text": b"plain ascii"}
    version = await put(engine, pairs)
    conn = sqlite3.connect(os.path.join(directory, schema.DATA_FILE))
    try:
        stored = conn.execute(
            "SELECT key, typeof(key), value, typeof(value) FROM kv WHERE version = ?", (version,)
        ).fetchall()
    finally:
        conn.close()
    assert {key: value for key, _, value, _ in stored} == pairs
    assert {kind for _, kind, _, _ in stored} == {"blob"}
    assert {kind for _, _, value, kind in stored if value} == {"blob"}
    assert all(engine.get(key, version) == value for key, value in pairs.items())
