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


class _Clock:
    """A settable microsecond clock for the embedded engine: time moves without sleeping."""

    def __init__(self) -> None:
        self.now = 1_700_000_000_000_000

    def __call__(self) -> int:
        return self.now


async def _embedded_with_clock(directory):
    # Embedded only: reaching versions older than the 5 s window needs the clock injected.
    from found._embedded import EmbeddedDatabase
    from found._embedded.engine import Engine

    clock = _Clock()
    return found.Database(EmbeddedDatabase(Engine.open(directory, clock=clock))), clock


async def test_read_version_older_than_the_window_is_1007(tmp_path):
    db, clock = await _embedded_with_clock(str(tmp_path / "db"))
    async with db:
        old = await _commit_value(db, b"one")
        clock.now += 1
        await _commit_value(db, b"two")
        clock.now += 10_000_000  # ten seconds later
        await _commit_value(db, b"three")
        tx = found.make_transaction(db)
        found.set_read_version(tx, old)
        with pytest.raises(found.FoundException) as info:
            await found.get(tx, b"k")
        assert info.value.code == 1007
        assert info.value.retryable
        await tx.backend.on_error(1007)  # retryable: a fresh read version works
        assert await found.get(tx, b"k") == b"three"


async def test_commit_after_the_window_is_1007(tmp_path):
    db, clock = await _embedded_with_clock(str(tmp_path / "db"))
    async with db:
        await _commit_value(db, b"one")
        tx = found.make_transaction(db)
        await found.get(tx, b"k")
        found.set(tx, b"k", b"late")
        clock.now += 1
        await _commit_value(db, b"two")
        clock.now += 10_000_000
        await _commit_value(db, b"three")
        with pytest.raises(found.FoundException) as info:
            await found.commit(tx)
        assert info.value.code == 1007


async def test_idle_read_version_older_than_5_seconds_is_1007(tmp_path):
    # Nobody commits: FoundationDB's versions still advance with wall time, so a read
    # version 5 s old fails on the next read and on commit (the engine clock is injected).
    db, clock = await _embedded_with_clock(str(tmp_path / "db"))
    async with db:
        await _commit_value(db, b"one")
        tx = found.make_transaction(db)
        assert await found.get(tx, b"k") == b"one"
        found.set(tx, b"k", b"late")
        clock.now += 4_900_000
        assert await found.get(tx, b"k") == b"late"  # 4.9 s: still readable
        assert await found.get(tx, b"other") is None
        clock.now += 200_000
        with pytest.raises(found.FoundException) as info:
            await found.get(tx, b"other")
        assert info.value.code == 1007
        with pytest.raises(found.FoundException) as info:
            await found.commit(tx)
        assert info.value.code == 1007
        await tx.backend.on_error(1007)  # retryable: the retry takes a fresh read version
        assert await found.get(tx, b"k") == b"one"
        found.set(tx, b"k", b"retried")
        await found.commit(tx)


async def test_idle_age_counts_from_the_read_version_not_the_transaction(tmp_path):
    db, clock = await _embedded_with_clock(str(tmp_path / "db"))
    async with db:
        await _commit_value(db, b"one")
        tx = found.make_transaction(db)
        clock.now += 10_000_000  # the transaction is old, its (lazy) read version is not
        assert await found.get(tx, b"k") == b"one"
        found.set(tx, b"k", b"two")
        await found.commit(tx)
        assert found.get_committed_version(tx) > 0


async def test_set_read_version_ages_from_when_it_was_set(tmp_path):
    db, clock = await _embedded_with_clock(str(tmp_path / "db"))
    async with db:
        version = await _commit_value(db, b"one")
        clock.now += 3_000_000
        tx = found.make_transaction(db)
        found.set_read_version(tx, version)
        clock.now += 3_000_000  # 6 s after that version was current, 3 s after it was set
        assert await found.get(tx, b"k") == b"one"
        clock.now += 2_100_000
        with pytest.raises(found.FoundException) as info:
            await found.get(tx, b"k")
        assert info.value.code == 1007
        tx = found.make_transaction(db)
        found.set_read_version(tx, version + 10_000_000_000)  # still 1009 when fresh
        with pytest.raises(found.FoundException) as info:
            await found.get(tx, b"k")
        assert info.value.code == 1009


async def test_a_granted_version_is_checked_once_the_clock_moved(tmp_path):
    # A read served from the transaction's own writes still refuses a version another
    # commit pushed out of the window, as soon as the clock says 2 s passed since GRV.
    db, clock = await _embedded_with_clock(str(tmp_path / "db"))
    async with db:
        await _commit_value(db, b"one")
        tx = found.make_transaction(db)
        await found.get(tx, b"k")
        found.set(tx, b"mine", b"1")
        clock.now += 1
        await _commit_value(db, b"two")
        clock.now += 12_500_000
        await _commit_value(db, b"three")
        clock.now -= 10_000_000  # the wall clock steps back: 2.5 s after the GRV again
        with pytest.raises(found.FoundException) as info:
            await found.get(tx, b"mine")
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
