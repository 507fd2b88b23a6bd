"""Read versions and multi-version reads: lazy GRV, set_read_version to an older version,
1009 future versions, 2010 / 2011 misuse (semantics reference §1.5, §4, §8)."""

from __future__ import annotations

import pytest

import found


async def _commit_value(db, value):
    tx = found.make_transaction(db)
    found.set(tx, b"k", value)
    await found.commit(tx)
    return found.get_committed_version(tx)


async def test_reads_at_an_older_version(db):
    first = await _commit_value(db, b"one")
    second = await _commit_value(db, b"two")
    assert second > first
    tx = found.make_transaction(db)
    found.set_read_version(tx, first)
    assert await found.read_version(tx) == first
    assert await found.get(tx, b"k") == b"one"
    tx = found.make_transaction(db)
    found.set_read_version(tx, second)
    assert await found.get(tx, b"k") == b"two"


async def test_read_version_is_stable_within_a_transaction(db):
    await _commit_value(db, b"one")
    tx = found.make_transaction(db)
    version = await found.read_version(tx)
    assert await found.get(tx, b"k") == b"one"
    await _commit_value(db, b"two")
    assert await found.get(tx, b"k") == b"one"
    assert await found.read_version(tx) == version


async def test_read_version_at_least_last_commit(db):
    version = await _commit_value(db, b"x")
    tx = found.make_transaction(db)
    assert await found.read_version(tx) >= version


async def test_future_version_is_1009(db):
    version = await _commit_value(db, b"x")
    tx = found.make_transaction(db)
    found.set_read_version(tx, version + 10_000_000_000)
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"k")
    assert info.value.code == 1009


async def test_stale_read_version_is_1007(db):
    version = await _commit_value(db, b"x")
    tx = found.make_transaction(db)
    found.set_read_version(tx, max(version - 1_000_000_000, 1))
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"k")
    assert info.value.code == 1007


async def test_set_read_version_errors(db):
    tx = found.make_transaction(db)
    found.set_read_version(tx, 0)
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"k")
    assert info.value.code == 2011
    tx = found.make_transaction(db)
    await found.read_version(tx)
    found.set_read_version(tx, 5)
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"k")
    assert info.value.code == 2010


async def test_commit_versions_increase(db):
    versions = [await _commit_value(db, b"%d" % i) for i in range(5)]
    assert versions == sorted(versions) and len(set(versions)) == 5
