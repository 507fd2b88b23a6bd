"""Multi-version reads: every read sees exactly the commits at or below its version."""

from __future__ import annotations

import asyncio

import pytest

from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

SET, CLEAR_RANGE = 0, 1


async def test_reads_at_old_versions(engine, put):
    v0 = engine.latest_version()
    v1 = await put(engine, {b"a": b"1", b"b": b"1"})
    v2 = await put(engine, {b"a": b"2", b"c": b"2"})
    v3 = await put(engine, {b"a": None})
    assert v0 < v1 < v2 < v3 == engine.latest_version()
    assert [engine.get(b"a", v) for v in (v0, v1, v2, v3)] == [None, b"1", b"2", None]
    assert engine.get_range(b"", b"\xff", v0, 0, False) == []
    assert engine.get_range(b"", b"\xff", v1, 0, False) == [(b"a", b"1"), (b"b", b"1")]
    assert engine.get_range(b"", b"\xff", v2, 0, False) == [
        (b"a", b"2"),
        (b"b", b"1"),
        (b"c", b"2"),
    ]
    assert engine.get_range(b"", b"\xff", v3, 0, False) == [(b"b", b"1"), (b"c", b"2")]


async def test_range_limit_reverse_and_bounds(engine, put):
    keys = [b"k%02d" % i for i in range(20)]
    version = await put(engine, {k: k.upper() for k in keys})
    await put(engine, {keys[3]: None, keys[4]: None})
    latest = engine.latest_version()
    forward = engine.get_range(b"k", b"l", latest, 5, False)
    assert [k for k, _ in forward] == [keys[i] for i in (0, 1, 2, 5, 6)]
    backward = engine.get_range(b"k", b"l", latest, 3, True)
    assert [k for k, _ in backward] == [keys[19], keys[18], keys[17]]
    # begin inclusive, end exclusive; an empty or inverted range reads nothing
    assert [k for k, _ in engine.get_range(keys[5], keys[7], latest, 0, False)] == keys[5:7]
    assert engine.get_range(keys[7], keys[7], latest, 0, False) == []
    assert engine.get_range(keys[8], keys[7], latest, 0, False) == []
    # the older version still has the cleared keys
    assert len(engine.get_range(b"k", b"l", version, 0, False)) == 20
    with pytest.raises(ValueError):
        engine.get_range(b"k", b"l", latest, -1, False)


async def test_clear_range_records_only_live_keys(engine, put):
    await put(engine, {b"r/%d" % i: b"x" for i in range(10)})
    before = engine.stats()
    latest = engine.latest_version()
    clear = [Mutation(CLEAR_RANGE, b"r/3", b"r/7"), Mutation(CLEAR_RANGE, b"s", b"t")]
    version, _ = await engine.commit(latest, clear, [], [(b"r/3", b"r/7"), (b"s", b"t")])
    assert [k for k, _ in engine.get_range(b"r/", b"r0", version, 0, False)] == [
        b"r/0",
        b"r/1",
        b"r/2",
        b"r/7",
        b"r/8",
        b"r/9",
    ]
    expected = {
        "kv_rows": before["kv_rows"] - 4,
        "history_rows": before["history_rows"] + 4,  # the four values cleared
        "log_rows": before["log_rows"] + 1,
    }
    assert engine.stats() == expected
    # clearing already-cleared keys records nothing
    await engine.commit(version, clear, [], [(b"r/3", b"r/7")])
    expected["log_rows"] += 1
    assert engine.stats() == expected
    # the cleared values stay readable at the version before the clear
    assert engine.get_range(b"r/3", b"r/7", latest, 0, True) == [
        (b"r/%d" % i, b"x") for i in (6, 5, 4, 3)
    ]


async def test_writes_in_one_commit_apply_in_order(engine):
    latest = engine.latest_version()
    mutations = [
        Mutation(SET, b"x", b"1"),
        Mutation(CLEAR_RANGE, b"x", b"y"),
        Mutation(SET, b"y", b"1"),
        Mutation(SET, b"y", b"2"),
    ]
    version, _ = await engine.commit(latest, mutations, [], [(b"x", b"z")])
    assert engine.get(b"x", version) is None
    assert engine.get(b"y", version) == b"2"


async def test_read_version_window(engine, clock, put):
    first = await put(engine, {b"k": b"1"})
    engine.check_read_version(first)
    with pytest.raises(FoundException) as future:
        engine.check_read_version(first + 1)
    assert future.value.code == 1009
    with pytest.raises(FoundException) as future:
        engine.get(b"k", first + 1)
    assert future.value.code == 1009
    clock.advance(4.9)
    await put(engine, {b"k": b"2"})
    engine.check_read_version(first)
    assert engine.get(b"k", first) == b"1"
    clock.advance(0.2)
    await put(engine, {b"k": b"3"})
    # `first` is still usable: the commit after it (at 4.9 s) is less than 5 s old
    assert engine.get(b"k", first) == b"1"
    clock.advance(4.9)
    await put(engine, {b"k": b"4"})
    for read in (engine.check_read_version, lambda v: engine.get(b"k", v)):
        with pytest.raises(FoundException) as future:
            read(first)
        assert future.value.code == 1007
    with pytest.raises(FoundException) as future:
        engine.get_range(b"", b"\xff", first, 0, False)
    assert future.value.code == 1007
    with pytest.raises(FoundException) as future:
        await put(engine, {b"k": b"5"}, read_version=first, reads=[(b"k", b"k\x00")])
    assert future.value.code == 1007


async def test_read_versions_survive_an_idle_period(engine, clock, put):
    # Versions only advance with commits, so after 10 idle seconds the first commit jumps
    # 10,000,000 versions ahead; read versions taken before it are not stale because of that.
    await put(engine, {b"a": b"1"})
    clock.advance(10)
    read_version = engine.latest_version()
    await put(engine, {b"b": b"1"})
    await put(engine, {b"c": b"1"}, read_version=read_version, reads=[(b"a", b"a\x00")])
    assert engine.get(b"a", read_version) == b"1"
    engine.check_read_version(read_version)


async def test_versions_follow_the_clock_and_never_go_back(engine, clock, put):
    a = await put(engine, {b"k": b"1"})
    assert a == clock.now + 1  # the database was created at clock.now
    clock.advance(2)
    b = await put(engine, {b"k": b"2"})
    assert b == clock.now
    clock.advance(-10)  # a wall clock stepping back must not reorder versions
    c = await put(engine, {b"k": b"3"})
    assert c == b + 1


async def test_latest_version_sees_other_engines_commits(engine, directory, put):
    other = Engine.open(directory)
    try:
        version = await put(other, {b"shared": b"1"})
        assert engine.latest_version() >= version
        assert engine.get(b"shared", engine.latest_version()) == b"1"
        mine = await put(engine, {b"shared": b"2"})
        assert mine > version
        assert other.get(b"shared", other.latest_version()) == b"2"
    finally:
        other.close()


async def test_data_survives_reopen(directory, put):
    first = Engine.open(directory)
    version = await put(first, {b"durable": b"yes"})
    first.close()
    again = Engine.open(directory)
    try:
        assert again.latest_version() == version
        assert again.get(b"durable", version) == b"yes"
    finally:
        again.close()


async def test_long_keys_and_binary_order(engine, put):
    keys = [b"", b"\x00", b"\x00\x00", b"a", b"a\x00", b"\xfe" * 10_000, b"\xff\xff"]
    version = await put(engine, {k: b"v" for k in keys})
    assert [k for k, _ in engine.get_range(b"", b"\xff\xff\xff", version, 0, False)] == keys


async def test_size_estimate_and_split_points(engine, put):
    version = await put(engine, {b"s/%03d" % i: b"v" * 95 for i in range(100)})
    assert engine.estimated_range_size_bytes(b"s/", b"s0") == 100 * (5 + 95)
    assert engine.estimated_range_size_bytes(b"t", b"u") == 0
    points = engine.range_split_points(b"s/", b"s0", 1000)
    assert points[0] == b"s/" and points[-1] == b"s0"
    assert points[1:-1] == [b"s/%03d" % i for i in range(10, 100, 10)]
    assert engine.range_split_points(b"a", b"b", 1000) == [b"a", b"b"]
    with pytest.raises(ValueError):
        engine.range_split_points(b"a", b"b", 0)
    with pytest.raises(FoundException) as future:
        engine.estimated_range_size_bytes(b"b", b"a")
    assert future.value.code == 2005
    assert version == engine.latest_version()


async def test_closed_engine_refuses_calls(directory):
    engine = Engine.open(directory)
    engine.close()
    engine.close()  # idempotent
    for call in (
        engine.latest_version,
        lambda: engine.get(b"k", 1),
        lambda: engine.get_range(b"a", b"b", 1, 0, False),
    ):
        with pytest.raises(FoundException) as future:
            call()
        assert future.value.code == 1000
    with pytest.raises(FoundException):
        await engine.commit(1, [Mutation(SET, b"k", b"v")], [], [])


def test_engine_outlives_an_event_loop(directory):
    """An event loop closing with a commit in flight and a watch pending does not wedge the
    engine for the next loop."""
    engine = Engine.open(directory)
    other = Engine.open(directory)
    try:

        async def abandon() -> None:
            engine.watch(b"w", None)
            other.watch(b"w", None)
            pending = asyncio.ensure_future(
                engine.commit(engine.latest_version(), [Mutation(SET, b"k", b"1")], [], [])
            )
            await asyncio.sleep(0)  # the batch is handed to the worker thread
            pending.cancel()

        first = asyncio.new_event_loop()
        first.run_until_complete(abandon())
        first.close()
        other.close()  # its watch belongs to the closed loop: dropped quietly

        async def carry_on() -> None:
            watch = engine.watch(b"w", None)
            mutations = [Mutation(SET, b"k", b"2"), Mutation(SET, b"w", b"x")]
            commit = engine.commit(engine.latest_version(), mutations, [], [])
            await asyncio.wait_for(commit, 30)
            await asyncio.wait_for(watch, 30)
            assert engine.get(b"k", engine.latest_version()) == b"2"

        second = asyncio.new_event_loop()
        try:
            second.run_until_complete(carry_on())
        finally:
            second.close()
        assert engine.check_consistency() == []
    finally:
        engine.close()


def _commit_without_a_loop_turn(other: Engine, key: bytes, value: bytes) -> int:
    """Commit through `other`'s committer on this thread: the event loop does not turn, as
    when a commit is learned of from another process through a blocking call."""
    from found._embedded.committer import Request

    request = Request(other.latest_version(), [Mutation(SET, key, value)], [], [])
    (result,) = other._committer.run([request])  # type: ignore[union-attr]
    return int(result.version)


async def test_reads_of_one_loop_iteration_share_a_snapshot_yet_grv_is_fresh(
    engine, directory, put
):
    await put(engine, {b"k": b"1"})
    other = Engine.open(directory)
    try:
        before = engine.latest_version()
        assert engine.get(b"k", before) == b"1"  # opens this iteration's shared snapshot
        version = _commit_without_a_loop_turn(other, b"k", b"2")
        # Still the same loop iteration: a GRV takes a fresh snapshot and sees the commit.
        assert engine.latest_version() == version
        assert engine.get(b"k", version) == b"2"
        assert engine.get_range(b"a", b"z", version, 0, False) == [(b"k", b"2")]
        assert engine.get(b"k", before) == b"1"
        # A version learned elsewhere (no GRV here) is readable too, not 1009.
        newer = _commit_without_a_loop_turn(other, b"k", b"3")
        assert engine.get_range(b"a", b"z", newer, 0, True) == [(b"k", b"3")]
        newest = _commit_without_a_loop_turn(other, b"k", b"4")
        assert engine.get(b"k", newest) == b"4"
        engine.check_read_version(newest)
        await asyncio.sleep(0)  # the next iteration ends the shared snapshot
        assert engine.get(b"k", engine.latest_version()) == b"4"
    finally:
        other.close()


async def test_grv_snapshot_is_shared_by_reads_yet_the_next_grv_is_fresh(engine, directory, put):
    await put(engine, {b"k": b"1"})
    other = Engine.open(directory)
    try:
        first = engine.latest_version()  # opens this iteration's shared snapshot
        assert engine.get(b"k", first) == b"1"
        version = _commit_without_a_loop_turn(other, b"k", b"2")
        assert engine.get(b"k", first) == b"1"
        assert engine.latest_version() == version  # same iteration, still fresh
        assert engine.get(b"k", version) == b"2"
        assert engine.get_range(b"a", b"z", version, 1, True) == [(b"k", b"2")]
        assert engine.get(b"k", first) == b"1"
    finally:
        other.close()


async def test_reads_off_the_event_loop_are_autocommit(engine, put):
    version = await put(engine, {b"k": b"1"})
    loop = asyncio.get_running_loop()
    value = await loop.run_in_executor(None, engine.get, b"k", version)
    assert value == b"1"
    assert engine.get(b"k", version) == b"1"  # the loop thread takes over the connection
