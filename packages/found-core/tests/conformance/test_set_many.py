"""`found.set_many`: a bulk `set` that behaves exactly as a loop of `found.set` (values, order,
write-conflict ranges, approximate size, deferred errors), on every backend."""

from __future__ import annotations

import pytest

import found

WRITE = b"\xff\xff/transaction/write_conflict_range/"


async def _state(tx):
    rows = await found.get_range(tx, b"", b"\xff")
    conflicts = await found.get_range(tx, WRITE, WRITE + b"\xff")
    return rows, conflicts, await found.get_approximate_size(tx)


async def test_same_as_a_loop_of_set(db):
    keys = [b"k/%03d" % i for i in (5, 1, 9, 1, 3)]  # unsorted, one key twice
    values = [b"v%d" % i for i in range(len(keys))]
    looped = found.make_transaction(db)
    found.set(looped, b"k/001", b"old")  # an existing entry gets replaced
    for key, value in zip(keys, values):
        found.set(looped, key, value)
    bulk = found.make_transaction(db)
    found.set(bulk, b"k/001", b"old")
    found.set_many(bulk, keys, values)
    assert await _state(bulk) == await _state(looped)
    assert await found.get(bulk, b"k/001") == b"v3"  # the last value of a repeated key wins
    await found.commit(bulk)
    tx = found.make_transaction(db)
    assert await found.get_range(tx, b"k/", b"k0") == [
        (b"k/001", b"v3"),
        (b"k/003", b"v4"),
        (b"k/005", b"v0"),
        (b"k/009", b"v2"),
    ]


async def test_default_values_and_iterables(db):
    tx = found.make_transaction(db)
    found.set_many(tx, (b"e/%d" % i for i in range(3)))
    found.set_many(tx, iter([b"f"]), iter([bytearray(b"x")]))
    assert await found.get_range(tx, b"e/", b"f\x00") == [
        (b"e/0", b""),
        (b"e/1", b""),
        (b"e/2", b""),
        (b"f", b"x"),
    ]
    found.set_many(tx, [])  # nothing to do
    subspace = found.Subspace(("s",))
    found.set_many(tx, [subspace.pack((1,))], [b"1"])  # key objects are converted
    assert await found.get(tx, subspace.pack((1,))) == b"1"


async def test_no_write_conflict(db):
    looped = found.make_transaction(db)
    for key in (b"a", b"b"):
        found.set_option(looped, found.TransactionOption.NEXT_WRITE_NO_WRITE_CONFLICT_RANGE)
        found.set(looped, key, b"1")
    bulk = found.make_transaction(db)
    found.set_many(bulk, [b"a", b"b"], [b"1", b"1"], no_write_conflict=True)
    assert await _state(bulk) == await _state(looped)
    assert (await _state(bulk))[1] == []


async def test_errors_are_those_of_set(db):
    tx = found.make_transaction(db)
    with pytest.raises(ValueError):
        found.set_many(tx, [b"a", b"b"], [b"1"])
    with pytest.raises(TypeError):
        found.set_many(tx, [b"a"], ["text"])
    with pytest.raises(TypeError):
        found.set_many(tx, [1], [b"1"])
    found.set_many(tx, [b"ok", b"x" * 10_001], [b"1", b"1"])  # key too large: deferred
    with pytest.raises(found.FoundException) as info:
        await found.commit(tx)
    assert info.value.code == 2102
    tx = found.make_transaction(db)
    found.set_many(tx, [b"big"], [b"v" * 100_001])
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"big")
    assert info.value.code == 2103
    tx = found.make_transaction(db)
    found.set_many(tx, [b"\xff/system"], [b"1"])
    with pytest.raises(found.FoundException) as info:
        await found.commit(tx)
    assert info.value.code == 2004
    with pytest.raises(found.FoundException) as info:
        await found.transactional(db, _bulk_in_snapshot, snapshot=True)
    assert info.value.code == 2023


async def _bulk_in_snapshot(tx):
    found.set_many(tx, [b"a"], [b"1"])


async def test_after_commit_is_used_during_commit(db):
    tx = found.make_transaction(db)
    found.set_many(tx, [b"c1"], [b"1"])
    await found.commit(tx)
    found.set_many(tx, [b"c2"], [b"2"])
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"c1")
    assert info.value.code == 2017


async def test_watch_fires_on_a_bulk_write(db):
    tx = found.make_transaction(db)
    watch = found.watch(tx, b"w")
    found.set_many(tx, [b"w"], [b"changed"])  # fires it: the transaction's own write
    await found.commit(tx)
    await watch


async def test_keys_with_the_same_value_stay_independent(db):
    """Later writes to one of many keys bulk-written with one value change that key only."""
    keys = [b"s/%02d" % i for i in range(10)]
    tx = found.make_transaction(db)
    found.set_many(tx, keys)  # all b""
    found.set(tx, b"s/01", b"one")
    found.add(tx, b"s/02", b"\x05")
    found.set_versionstamped_value(tx, b"s/03", b"\x00" * 10 + b"\x00\x00\x00\x00")
    found.clear(tx, b"s/04")
    found.set_many(tx, [b"s/05", b"s/06"], [b"", b"six"])
    found.add(tx, b"s/05", b"\x01")
    expected = {key: b"" for key in keys}
    expected.update({b"s/01": b"one", b"s/02": b"\x05", b"s/05": b"\x01", b"s/06": b"six"})
    del expected[b"s/04"]
    del expected[b"s/03"]  # unreadable until commit
    assert await found.get_range(tx, b"s/", b"s/03") == sorted(
        (k, v) for k, v in expected.items() if k < b"s/03"
    )
    assert await found.get_range(tx, b"s/04", b"s0") == sorted(
        (k, v) for k, v in expected.items() if k >= b"s/04"
    )
    await found.commit(tx)
    check = found.make_transaction(db)
    rows = dict(await found.get_range(check, b"s/", b"s0"))
    assert len(rows.pop(b"s/03")) == 10  # the versionstamp
    assert rows == expected
