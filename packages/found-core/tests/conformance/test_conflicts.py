"""Conflict detection: serializable reads conflict with later commits, snapshot reads and
blind writes never do, own writes filter read conflicts, manual conflict ranges and
NEXT_WRITE_NO_WRITE_CONFLICT_RANGE (semantics reference §6.2, §6.3, §8, §15.6, §15.7)."""

from __future__ import annotations

import asyncio

import pytest

import found


async def _write(db, key, value=b"w"):
    tx = found.make_transaction(db)
    found.set(tx, key, value)
    await found.commit(tx)


async def _commit_code(tx):
    found.set(tx, b"out", b"1")  # make it a writing transaction
    try:
        await found.commit(tx)
    except found.FoundException as exc:
        return exc.code
    return 0


async def test_serializable_read_conflicts(db):
    tx = found.make_transaction(db)
    await found.get(tx, b"a")
    await _write(db, b"a")
    assert await _commit_code(tx) == 1020


async def test_snapshot_read_does_not_conflict(db):
    tx = found.make_transaction(db)
    await tx.backend.get(b"a", True)
    await _write(db, b"a")
    assert await _commit_code(tx) == 0


async def test_unrelated_write_does_not_conflict(db):
    tx = found.make_transaction(db)
    await found.get(tx, b"a")
    await _write(db, b"b")
    assert await _commit_code(tx) == 0


async def test_blind_writes_never_conflict(db):
    tx = found.make_transaction(db)
    await tx.backend.get_read_version()
    found.set(tx, b"a", b"mine")
    found.add(tx, b"n", b"\x01")
    await _write(db, b"a")
    await _write(db, b"n")
    assert await _commit_code(tx) == 0


async def test_reading_own_write_adds_no_conflict(db):
    tx = found.make_transaction(db)
    found.set(tx, b"a", b"mine")
    assert await found.get(tx, b"a") == b"mine"
    found.clear(tx, b"r0", b"r9")
    assert await found.get_range(tx, b"r0", b"r9") == []
    await _write(db, b"a")
    await _write(db, b"r5")
    assert await _commit_code(tx) == 0


async def test_reading_pending_atomic_adds_conflict(db):
    tx = found.make_transaction(db)
    found.add(tx, b"n", b"\x01")
    await found.get(tx, b"n")
    await _write(db, b"n", b"\x05")
    assert await _commit_code(tx) == 1020


async def test_range_read_conflicts_inside_range_only(db):
    for key in (b"a", b"b", b"c", b"d"):
        await _write(db, key)
    tx = found.make_transaction(db)
    await found.get_range(tx, b"b", b"d")
    await _write(db, b"d")
    assert await _commit_code(tx) == 0
    tx = found.make_transaction(db)
    await found.get_range(tx, b"b", b"d")
    await _write(db, b"c\x00")
    assert await _commit_code(tx) == 1020


async def test_limited_range_read_conflicts_up_to_last_key(db):
    for key in (b"a", b"b", b"c", b"d"):
        await _write(db, key)
    tx = found.make_transaction(db)
    assert len(await found.get_range(tx, b"a", b"z", limit=2)) == 2
    await _write(db, b"c")  # after the last returned key: no conflict
    assert await _commit_code(tx) == 0
    tx = found.make_transaction(db)
    await found.get_range(tx, b"a", b"z", limit=2)
    await _write(db, b"a\x00")
    assert await _commit_code(tx) == 1020


async def test_get_key_conflict_range(db):
    for key in (b"b", b"d"):
        await _write(db, key)
    tx = found.make_transaction(db)
    assert await found.get_key(tx, found.gte(b"c")) == b"d"
    await _write(db, b"c5")
    assert await _commit_code(tx) == 1020


async def test_manual_conflict_ranges(db):
    tx = found.make_transaction(db)
    await found.read_version(tx)
    found.add_conflict_range(tx, b"m", b"n", found.ConflictRangeType.READ)
    await _write(db, b"m5")
    assert await _commit_code(tx) == 1020
    # a write conflict range alone makes the transaction a writing one
    tx = found.make_transaction(db)
    found.add_conflict_range(tx, b"w", b"x", found.ConflictRangeType.WRITE)
    await found.commit(tx)
    assert found.get_committed_version(tx) > 0
    reader = found.make_transaction(db)
    await found.get(reader, b"w1")
    writer = found.make_transaction(db)
    found.add_conflict_range(writer, b"w", b"x", found.ConflictRangeType.WRITE)
    await found.commit(writer)
    assert await _commit_code(reader) == 1020


async def test_next_write_no_write_conflict_range(db):
    reader = found.make_transaction(db)
    await found.get(reader, b"a")
    await found.get(reader, b"b")
    writer = found.make_transaction(db)
    found.set_option(writer, "next_write_no_write_conflict_range")
    found.set(writer, b"a", b"1")  # consumes the option
    await found.commit(writer)
    assert await _commit_code(reader) == 0
    reader = found.make_transaction(db)
    await found.get(reader, b"b")
    writer = found.make_transaction(db)
    found.set_option(writer, "next_write_no_write_conflict_range")
    found.set(writer, b"a", b"1")
    found.set(writer, b"b", b"1")  # this write has its conflict range
    await found.commit(writer)
    assert await _commit_code(reader) == 1020


async def test_conflict_range_argument_errors(db):
    tx = found.make_transaction(db)
    with pytest.raises(found.FoundException) as info:
        tx.backend.add_conflict_range(b"b", b"a", 0)
    assert info.value.code == 2005
    with pytest.raises(found.FoundException) as info:
        tx.backend.add_conflict_range(b"a", b"b", 7)
    assert info.value.code == 2000
    tx.backend.add_conflict_range(b"a", b"\xff\x01", 1)
    with pytest.raises(found.FoundException) as info:
        await found.commit(tx)
    assert info.value.code == 2004


async def test_read_only_transaction_never_conflicts(db):
    tx = found.make_transaction(db)
    await found.get(tx, b"a")
    await _write(db, b"a")
    await found.commit(tx)
    assert found.get_committed_version(tx) == -1


async def test_concurrent_read_modify_write_is_serializable(db):
    async def increment(tx):
        value = await found.get(tx, b"counter")
        number = int(value) if value is not None else 0
        found.set(tx, b"counter", b"%d" % (number + 1))

    await asyncio.gather(*(found.transactional(db, increment) for _ in range(40)))
    tx = found.make_transaction(db)
    assert await found.get(tx, b"counter") == b"40"


async def test_thousands_of_concurrent_atomic_commits(db):
    async def bump(i):
        tx = found.make_transaction(db)
        found.add(tx, b"total", (1).to_bytes(4, "little"))
        found.set(tx, b"item%05d" % i, b"")
        await found.commit(tx)

    await asyncio.gather(*(bump(i) for i in range(1000)))
    tx = found.make_transaction(db)
    assert await found.get(tx, b"total") == (1000).to_bytes(4, "little")
    assert len(await found.get_range(tx, b"item", b"item\xff")) == 1000


async def test_conflict_ranges_in_special_keys(db):
    read = b"\xff\xff/transaction/read_conflict_range/"
    write = b"\xff\xff/transaction/write_conflict_range/"
    tx = found.make_transaction(db)
    await found.get(tx, b"a")
    await tx.backend.get(b"z", True)  # snapshot: no conflict range
    found.set(tx, b"b", b"1")
    found.clear(tx, b"c", b"e")
    found.clear(tx, b"d", b"f")
    assert await found.get_range(tx, read, read + b"\xff") == [
        (read + b"a", b"1"),
        (read + b"a\x00", b"0"),
    ]
    assert await found.get_range(tx, write, write + b"\xff") == [
        (write + b"b", b"1"),
        (write + b"b\x00", b"0"),
        (write + b"c", b"1"),
        (write + b"f", b"0"),
    ]
    assert await found.get(tx, write + b"c") == b"1"
    with pytest.raises(found.FoundException) as info:
        await found.get_range(tx, b"\xff\xff/nothing/", b"\xff\xff/nothing0")
    assert info.value.code == 2113
    with pytest.raises(found.FoundException) as info:
        await found.get_range(tx, read, b"\xff\xff/zzz")
    assert info.value.code == 2112
