"""Versionstamps: versionstamped keys and values, get_versionstamp, unreadable ranges (1036),
offset validation (2000), read-only commits (2021, -1) (semantics reference §6.1, §7, §8)."""

from __future__ import annotations

import struct

import pytest

import found


def _with_offset(data: bytes, offset: int) -> bytes:
    return data + struct.pack("<i", offset)


async def _code(awaitable) -> int:
    with pytest.raises(found.FoundException) as info:
        await awaitable
    return info.value.code


async def test_versionstamped_key_and_value(db):
    tx = found.make_transaction(db)
    stamp_future = found.get_versionstamp(tx)
    found.set_versionstamped_key(tx, _with_offset(b"p" + b"\x00" * 10 + b"s", 1), b"val")
    found.set_versionstamped_value(tx, b"v", _with_offset(b"<" + b"\x00" * 10 + b">", 1))
    await found.commit(tx)
    stamp = await stamp_future
    assert len(stamp) == 10
    version = found.get_committed_version(tx)
    assert int.from_bytes(stamp[:8], "big") == version
    tx = found.make_transaction(db)
    assert await found.get(tx, b"p" + stamp + b"s") == b"val"
    assert await found.get(tx, b"v") == b"<" + stamp + b">"


async def test_stamps_grow_across_commits(db):
    stamps = []
    for _ in range(3):
        tx = found.make_transaction(db)
        future = found.get_versionstamp(tx)
        found.set(tx, b"x", b"1")
        await found.commit(tx)
        stamps.append(await future)
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


async def test_unreadable_until_commit(db):
    tx = found.make_transaction(db)
    found.set_versionstamped_value(tx, b"v", _with_offset(b"\x00" * 10, 0))
    assert await _code(found.get(tx, b"v")) == 1036
    assert await _code(found.get_range(tx, b"a", b"z")) == 1036
    assert await found.get_range(tx, b"w", b"z") == []  # not touching it is fine
    found.set_versionstamped_key(tx, _with_offset(b"k" + b"\x00" * 10, 1), b"x")
    assert await _code(found.get(tx, b"k" + b"\x55" * 10)) == 1036
    assert await _code(found.get_key(tx, found.gte(b"j"))) == 1036
    assert await found.get(tx, b"j") is None
    found.set(tx, b"v", b"plain")  # a later set makes the key readable again
    assert await found.get(tx, b"v") == b"plain"


async def test_bad_offsets_are_2000(db):
    for key, value, op in [
        (_with_offset(b"short", 0), b"x", found.set_versionstamped_key),
        (_with_offset(b"\x00" * 10, 1), b"x", found.set_versionstamped_key),
        (_with_offset(b"\x00" * 10, -1), b"x", found.set_versionstamped_key),
        (b"abc", b"x", found.set_versionstamped_key),
        (b"k", b"abc", found.set_versionstamped_value),
        (b"k", _with_offset(b"\x00" * 12, 3), found.set_versionstamped_value),
    ]:
        tx = found.make_transaction(db)
        op(tx, key, value)
        assert await _code(found.commit(tx)) == 2000


async def test_read_only_commit(db):
    tx = found.make_transaction(db)
    future = found.get_versionstamp(tx)
    await found.get(tx, b"x")
    await found.commit(tx)
    assert found.get_committed_version(tx) == -1
    assert await _code(future) == 2021


async def test_versionstamp_after_commit_started_is_2017(db):
    tx = found.make_transaction(db)
    found.set(tx, b"x", b"1")
    await found.commit(tx)
    assert await _code(found.get_versionstamp(tx)) == 2017


async def test_failed_commit_versionstamp_is_2020(db):
    tx = found.make_transaction(db)
    other = found.make_transaction(db)
    await found.get(tx, b"c")
    found.set(other, b"c", b"1")
    await found.commit(other)
    found.set(tx, b"d", b"1")
    future = found.get_versionstamp(tx)
    assert await _code(found.commit(tx)) == 1020
    assert await _code(future) == 2020


async def test_metadata_version_key(db):
    key = b"\xff/metadataVersion"
    tx = found.make_transaction(db)
    assert await found.get(tx, key) is None  # readable without system-key options
    found.set_versionstamped_value(tx, key, bytes(14))
    assert await _code(found.get(tx, key)) == 1036
    await found.commit(tx)
    tx = found.make_transaction(db)
    assert len(await found.get(tx, key)) == 10
    found.set(tx, key, b"x")
    assert await _code(found.commit(tx)) == 2000


async def test_stamped_key_is_a_write_conflict_once_stamped(db):
    reader = found.make_transaction(db)
    assert await found.get_range(reader, b"log/", b"log0") == []
    writer = found.make_transaction(db)
    found.set_versionstamped_key(writer, _with_offset(b"log/" + b"\x00" * 10, 4), b"entry")
    await found.commit(writer)
    found.set(reader, b"other", b"1")
    assert await _code(found.commit(reader)) == 1020
    unrelated = found.make_transaction(db)
    await found.get(unrelated, b"log/")  # the exact key the placeholder bytes would form
    writer = found.make_transaction(db)
    found.set_versionstamped_key(writer, _with_offset(b"log/" + b"\x00" * 10, 4), b"entry")
    await found.commit(writer)
    found.set(unrelated, b"other", b"1")
    await found.commit(unrelated)  # only the stamped key conflicts, not a guess of it
