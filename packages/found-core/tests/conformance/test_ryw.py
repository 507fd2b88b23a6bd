"""Read-your-writes: a transaction's reads see its own sets, clears and atomic operations
merged over the database (semantics reference §6.1, §6.2, §15.8)."""

from __future__ import annotations

import pytest

import found


async def _seed(db, pairs):
    tx = found.make_transaction(db)
    for key, value in pairs:
        found.set(tx, key, value)
    await found.commit(tx)


async def test_get_sees_own_set_and_clear(db):
    await _seed(db, [(b"a", b"db")])
    tx = found.make_transaction(db)
    assert await found.get(tx, b"a") == b"db"
    found.set(tx, b"a", b"mine")
    assert await found.get(tx, b"a") == b"mine"
    found.clear(tx, b"a")
    assert await found.get(tx, b"a") is None
    found.set(tx, b"a", b"again")
    assert await found.get(tx, b"a") == b"again"


async def test_range_merges_writes_over_database(db):
    await _seed(db, [(b"a", b"1"), (b"c", b"3"), (b"e", b"5"), (b"g", b"7")])
    tx = found.make_transaction(db)
    found.set(tx, b"b", b"2")
    found.clear(tx, b"c")
    found.clear(tx, b"f", b"h")  # clear_range
    found.set(tx, b"f\x00", b"new")
    found.add(tx, b"e", b"\x01")
    rows = await found.get_range(tx, b"", b"\xff")
    assert rows == [(b"a", b"1"), (b"b", b"2"), (b"e", b"6"), (b"f\x00", b"new")]
    rows = await found.get_range(tx, b"", b"\xff", reverse=True)
    assert [k for k, _ in rows] == [b"f\x00", b"e", b"b", b"a"]


async def test_atomic_over_database_value_and_over_clear(db):
    await _seed(db, [(b"n", (5).to_bytes(8, "little"))])
    tx = found.make_transaction(db)
    found.add(tx, b"n", (3).to_bytes(8, "little"))
    found.add(tx, b"n", (2).to_bytes(8, "little"))
    assert await found.get(tx, b"n") == (10).to_bytes(8, "little")
    found.clear(tx, b"m")
    found.add(tx, b"m", b"\x07")
    assert await found.get(tx, b"m") == b"\x07"
    found.set(tx, b"s", b"\x01")
    found.bit_or(tx, b"s", b"\x02")
    assert await found.get(tx, b"s") == b"\x03"


async def test_compare_and_clear_reads_absent(db):
    await _seed(db, [(b"k", b"v")])
    tx = found.make_transaction(db)
    found.compare_and_clear(tx, b"k", b"v")
    assert await found.get(tx, b"k") is None
    assert await found.get_range(tx, b"", b"\xff") == []
    await found.commit(tx)
    tx = found.make_transaction(db)
    assert await found.get(tx, b"k") is None


async def test_snapshot_reads_see_own_writes_by_default(db):
    tx = found.make_transaction(db)
    found.set(tx, b"x", b"1")
    assert await tx.backend.get(b"x", True) == b"1"


async def test_snapshot_ryw_disable_is_a_counter(db):
    await _seed(db, [(b"x", b"db")])
    tx = found.make_transaction(db)
    found.set(tx, b"x", b"mine")
    found.set_option(tx, "snapshot_ryw_disable")
    assert await tx.backend.get(b"x", True) == b"db"
    assert await found.get(tx, b"x") == b"mine"  # serializable reads still see writes
    found.set_option(tx, "snapshot_ryw_disable")
    found.set_option(tx, "snapshot_ryw_enable")
    assert await tx.backend.get(b"x", True) == b"db"  # counter is still 0
    found.set_option(tx, "snapshot_ryw_enable")
    assert await tx.backend.get(b"x", True) == b"mine"


async def test_read_your_writes_disable(db):
    await _seed(db, [(b"x", b"db")])
    tx = found.make_transaction(db)
    found.set_option(tx, "read_your_writes_disable")
    found.set(tx, b"x", b"mine")
    found.set(tx, b"y", b"new")
    assert await found.get(tx, b"x") == b"db"
    assert await found.get_range(tx, b"", b"\xff") == [(b"x", b"db")]
    await found.commit(tx)
    tx = found.make_transaction(db)
    assert await found.get(tx, b"y") == b"new"


async def test_read_your_writes_disable_after_io_is_2000(db):
    tx = found.make_transaction(db)
    await found.get(tx, b"x")
    found.set_option(tx, "read_your_writes_disable")
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"x")
    assert info.value.code == 2000


async def test_clear_range_then_sets_inside(db):
    await _seed(db, [(bytes([c]), b"v") for c in b"abcdef"])
    tx = found.make_transaction(db)
    found.clear(tx, b"b", b"e")
    found.set(tx, b"c", b"back")
    found.clear(tx, b"a", b"c")
    assert await found.get_range(tx, b"", b"\xff") == [
        (b"c", b"back"),
        (b"e", b"v"),
        (b"f", b"v"),
    ]
    await found.commit(tx)
    tx = found.make_transaction(db)
    assert [k for k, _ in await found.get_range(tx, b"", b"\xff")] == [b"c", b"e", b"f"]
