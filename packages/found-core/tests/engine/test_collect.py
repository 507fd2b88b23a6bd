"""The collector bounds history to the 5-second window without changing any readable data.

The fake clock moves time, so no test sleeps.
"""

from __future__ import annotations

import os

import pytest

from found._embedded import schema
from found._embedded.collect import MIN_BUDGET
from found._embedded.committer import GC_EVERY
from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

SET = 0


async def test_history_stays_bounded_and_reads_stay_exact(engine, clock, put):
    keys = [b"hot/%d" % i for i in range(10)]
    states: dict[int, dict[bytes, bytes]] = {}
    for step in range(100):  # 10 seconds of commits, one every 0.1 s
        clock.advance(0.1)
        values = {k: b"%d" % step for k in keys}
        version = await put(engine, values)
        states[version] = values
        if step == 4:
            old_version = version
    stats = engine.stats()
    assert stats["kv_rows"] == 10  # the latest values only
    # five seconds of before-images (~50 commits of 10 keys), plus what waits for the
    # collector, which runs every GC_EVERY commits
    assert stats["history_rows"] <= 10 * (51 + GC_EVERY)
    assert stats["log_rows"] <= 52 + GC_EVERY
    latest = engine.latest_version()
    for version, values in states.items():
        if version >= latest - 5_000_000:
            assert engine.get_range(b"hot/", b"hot0", version, 0, False) == sorted(values.items())
            assert engine.get(keys[3], version) == values[keys[3]]
    with pytest.raises(FoundException) as failure:
        engine.get(keys[0], old_version)
    assert failure.value.code == 1007


async def test_cleared_values_are_collected(engine, clock, put):
    await put(engine, {b"t/%03d" % i: b"v" for i in range(100)})
    before_clear = engine.latest_version()
    await put(engine, {b"t/%03d" % i: None for i in range(100)})
    assert engine.stats()["kv_rows"] == 0
    assert engine.stats()["history_rows"] == 100
    assert len(engine.get_range(b"t/", b"t0", before_clear, 0, False)) == 100
    clock.advance(6)
    await put(engine, {b"other": b"x"})
    # the newest history row stays (ids are never reused) but no read reaches it
    assert engine.stats() == {"kv_rows": 1, "history_rows": 1, "log_rows": 1}
    assert engine.get_range(b"t/", b"t0", engine.latest_version(), 0, False) == []


async def test_collection_is_incremental_and_resumable(directory, clock, put):
    keys = [b"k/%04d" % i for i in range(600)]
    writer = Engine.open(directory, clock=clock)
    try:
        await put(writer, {k: b"old" for k in keys})
        for start in range(0, 600, 10):  # 60 commits of 10 before-images each
            await put(writer, {k: b"new" for k in keys[start : start + 10]})
    finally:
        writer.close()
    clock.advance(6)
    # A process that wrote nothing itself collects MIN_BUDGET rows (+2 per mutation),
    # rounded up to whole commits, per run: several commits, and a reopen in between,
    # get through the 600 old rows.
    engine = Engine.open(directory, clock=clock)
    counts = [engine.stats()["history_rows"]]
    await put(engine, {b"tick": b"0"})
    counts.append(engine.stats()["history_rows"])
    engine.close()
    assert counts == [600, 600 - (MIN_BUDGET + 2 + 9) // 10 * 10]
    engine = Engine.open(directory, clock=clock)  # the position survives a reopen
    try:
        for step in range(1, 10):
            clock.advance(0.01)
            await put(engine, {b"tick": b"%d" % step})
            counts.append(engine.stats()["history_rows"])
        # bounded work per commit (one commit's rows beyond the budget), and it all got done
        assert all(
            before - after <= MIN_BUDGET + 2 + 10 for before, after in zip(counts, counts[1:])
        )
        assert counts[-1] <= 10  # the ticks' own before-images, inside the window
        latest = engine.latest_version()
        assert engine.get_range(b"k/", b"k0", latest, 0, False) == [(k, b"new") for k in keys]
        assert engine.check_consistency() == []
    finally:
        engine.close()


async def test_a_wide_clear_is_collected_with_its_commit(directory, clock, put):
    keys = [b"w/%04d" % i for i in range(1000)]
    writer = Engine.open(directory, clock=clock)
    try:
        await put(writer, {k: b"v" for k in keys})
        version = writer.latest_version()
        await writer.commit(version, [Mutation(1, b"w/", b"w0")], [], [(b"w/", b"w0")])
    finally:
        writer.close()
    clock.advance(6)
    engine = Engine.open(directory, clock=clock)
    try:
        assert engine.stats() == {"kv_rows": 0, "history_rows": 1000, "log_rows": 2}
        await put(engine, {b"tick": b"0"})
        # whole commits: the clear's 1,000 before-images go with its log row (but the newest)
        assert engine.stats() == {"kv_rows": 1, "history_rows": 1, "log_rows": 1}
        assert engine.get_range(b"w/", b"w0", engine.latest_version(), 0, False) == []
    finally:
        engine.close()


async def test_conflict_records_are_collected_but_window_still_checked(engine, clock, put):
    for step in range(20):
        await put(engine, {b"c": b"%d" % step})
    assert engine.stats()["log_rows"] == 20
    read_version = engine.latest_version()
    clock.advance(6)
    await put(engine, {b"c": b"late"})
    assert engine.stats()["log_rows"] == 1
    # the commit after read_version is recent: the read version is still usable, and the
    # conflict with that commit is still known
    with pytest.raises(FoundException) as failure:
        await engine.commit(read_version, [Mutation(SET, b"d", b"1")], [(b"c", b"d")], [])
    assert failure.value.code == 1020
    clock.advance(6)
    await put(engine, {b"e": b"1"})
    assert engine.stats()["log_rows"] == 1
    with pytest.raises(FoundException) as failure:
        await engine.commit(read_version, [Mutation(SET, b"d", b"1")], [(b"c", b"d")], [])
    assert failure.value.code == 1007


async def test_wal_is_checkpointed_while_reads_go_on(engine, directory, put):
    """Readers hold no read transaction between calls, so checkpoints keep the WAL near the
    autocheckpoint size (`schema.WAL_CHECKPOINT_PAGES`) while reads and commits interleave."""
    value = b"x" * 100_000
    wal = os.path.join(directory, "data.sqlite3-wal")
    limit = schema.WAL_CHECKPOINT_PAGES * 4096  # default page size
    commits = 5 * limit // (2 * 4 * len(value))  # 2.5 times what one checkpoint lets build up
    for step in range(commits):
        version = await put(engine, {b"w/%d/%d" % (step, i): value for i in range(4)})
        assert len(engine.get_range(b"w/", b"w0", version, 3, False)) == 3
        engine.get(b"w/0/0", version)
    assert os.path.getsize(wal) < 1.6 * limit


async def test_only_replaced_values_are_recorded_and_collected(engine, clock, put):
    """A bulk load records nothing (no key had a value); rewriting records one before-image
    per key rewritten, and the collector removes them once they leave the window."""
    dense = [b"d/%05d" % i for i in range(2000)]
    between = [b"s/%05d" % i for i in range(2000)]
    await put(engine, {k: b"1" for k in dense})
    await put(engine, {k: b"1" for k in between})
    assert engine.stats()["history_rows"] == 0
    await put(engine, {k: b"2" for k in dense})
    await put(engine, {k: b"2" for k in between[::20]})
    assert engine.stats()["kv_rows"] == 4000
    assert engine.stats()["history_rows"] == 2000 + 100
    for step in range(40):
        clock.advance(0.2)
        await put(engine, {b"tick": b"%d" % step})
    latest = engine.latest_version()
    # the ticks' before-images of the last 5 s, plus at most GC_EVERY waiting for the collector
    assert 24 <= engine.stats()["history_rows"] <= 26 + GC_EVERY
    assert engine.get_range(b"d/", b"d0", latest, 0, False) == [(k, b"2") for k in dense]
    expected = [(k, b"2" if i % 20 == 0 else b"1") for i, k in enumerate(between)]
    assert engine.get_range(b"s/", b"s0", latest, 0, False) == expected
