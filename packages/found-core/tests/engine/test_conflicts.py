"""Optimistic conflict detection: 1020 exactly when a read range meets a later write range."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from found._embedded.conflicts import (
    ReadSet,
    RecentWrites,
    coalesce,
    decode,
    encode,
    encode_points,
    key_ranges,
)
from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

SET = 0


def point(key: bytes) -> tuple[bytes, bytes]:
    return (key, key + b"\x00")


async def attempt(engine, read_version, reads, writes):
    """Commit sets of `writes` keys, reading `reads` ranges; the error code or 0."""
    mutations = [Mutation(SET, k, b"v") for k in writes]
    try:
        await engine.commit(read_version, mutations, reads, [point(k) for k in writes])
    except FoundException as exc:
        return exc.code
    return 0


@pytest.mark.parametrize(
    ("reads", "written", "code"),
    [
        ([point(b"b")], b"b", 1020),  # read the key that was written
        ([point(b"a")], b"b", 0),  # disjoint
        ([(b"a", b"b")], b"b", 0),  # half-open: the end key itself is not read
        ([(b"b", b"c")], b"b", 1020),  # the begin key is read
        ([(b"a", b"b\x00")], b"b", 1020),
        ([(b"b\x00", b"z")], b"b", 0),
        ([(b"a", b"a")], b"a", 0),  # empty ranges read nothing
        ([point(b"x"), (b"a", b"c")], b"b", 1020),  # any of several
        ([], b"b", 0),  # write-only transactions never conflict
    ],
)
async def test_read_write_overlap(engine, put, reads, written, code):
    read_version = engine.latest_version()
    await put(engine, {written: b"new"})
    assert await attempt(engine, read_version, reads, [b"out"]) == code


async def test_only_commits_after_the_read_version_conflict(engine, put):
    committed = await put(engine, {b"k": b"1"})
    assert await attempt(engine, committed, [point(b"k")], [b"k"]) == 0
    stale = committed
    await put(engine, {b"k": b"2"})
    assert await attempt(engine, stale, [point(b"k")], [b"k"]) == 1020
    # a failed transaction wrote nothing
    assert engine.get(b"k", engine.latest_version()) == b"2"


async def test_conflicts_inside_one_batch(engine):
    read_version = engine.latest_version()
    blocker = asyncio.ensure_future(attempt(engine, read_version, [], [b"first"]))
    await asyncio.sleep(0)  # the blocker's batch is now being written
    writer = engine.commit(read_version, [Mutation(SET, b"x", b"1")], [], [point(b"x")])
    reader = engine.commit(read_version, [Mutation(SET, b"y", b"1")], [point(b"x")], [point(b"y")])
    other = engine.commit(read_version, [Mutation(SET, b"z", b"1")], [point(b"z")], [point(b"z")])
    results = await asyncio.gather(writer, reader, other, return_exceptions=True)
    assert await blocker == 0
    (v_writer, s_writer), failure, (v_other, s_other) = results
    assert isinstance(failure, FoundException) and failure.code == 1020
    # writer and other shared one batch: consecutive orders in their versionstamps
    assert s_writer[8:] == b"\x00\x00" and s_other[8:] == b"\x00\x02"
    assert v_writer < v_other
    latest = engine.latest_version()
    assert engine.get(b"y", latest) is None and engine.get(b"z", latest) == b"1"


async def test_conflicts_across_engines_on_one_directory(engine, directory, clock, put):
    other = Engine.open(directory, clock=clock)
    try:
        read_version = engine.latest_version()
        await put(other, {b"k": b"theirs"})
        assert await attempt(engine, read_version, [point(b"k")], [b"k"]) == 1020
        read_version = other.latest_version()
        await put(engine, {b"j": b"mine"})
        assert await attempt(other, read_version, [(b"a", b"z")], [b"q"]) == 1020
        assert await attempt(other, other.latest_version(), [(b"a", b"z")], [b"q"]) == 0
    finally:
        other.close()


keys = st.binary(max_size=3)
ranges = st.lists(st.tuples(keys, keys), max_size=6)


@settings(max_examples=75, deadline=None)
@given(ranges)
def test_coalesce_and_encoding(raw):
    merged = coalesce(raw)
    assert decode(encode(merged)) == merged
    for (_, end), (begin, _) in zip(merged, merged[1:]):
        assert end < begin  # disjoint and not adjacent
    probes = {k for r in raw for k in r} | {k + b"\x00" for r in raw for k in r}
    for key in probes:
        inside_raw = any(b <= key < e for b, e in raw)
        assert inside_raw == any(b <= key < e for b, e in merged)


mostly_single_keys = st.lists(
    st.one_of(keys.map(lambda k: (k, k + b"\x00")), st.tuples(keys, keys)), max_size=8
)


@settings(max_examples=75, deadline=None)
@given(mostly_single_keys)
def test_coalesce_and_encoding_of_single_keys(raw):
    """The single-key fast paths (sort keys alone, compact encoding) agree with the rest."""
    assert decode(encode(raw)) == raw
    merged = coalesce(raw)
    assert coalesce(merged) == merged
    assert decode(encode(merged)) == merged
    for (_, end), (begin, _) in zip(merged, merged[1:]):
        assert end < begin
    probes = {k for r in raw for k in r} | {k + b"\x00" for r in raw for k in r}
    for key in probes:
        assert any(b <= key < e for b, e in raw) == any(b <= key < e for b, e in merged)


@settings(max_examples=75, deadline=None)
@given(st.lists(st.sampled_from([b"", b"a", b"a\x00", b"a\x00\x00", b"b", b"b\x01"]), max_size=8))
def test_key_ranges_is_coalesce_of_single_keys(chosen):
    """Keys and their successors (which merge into one range) in any order, repeated."""
    assert key_ranges(chosen) == coalesce([(k, k + b"\x00") for k in chosen])


@settings(max_examples=75, deadline=None)
@given(st.lists(ranges, min_size=1, max_size=5), ranges, st.integers(0, 5))
def test_recent_writes_match_brute_force(commits, reads, read_version):
    recent = RecentWrites()
    for version, written in enumerate(commits, start=1):
        recent.add(version, coalesce(written))
    read_set = ReadSet(reads)
    # The conflicting read ranges (REPORT_CONFLICTING_KEYS): the coalesced ones a newer write
    # range meets, in key order; an empty list when there is no conflict.
    expected = [
        (rb, re)
        for rb, re in read_set.ranges
        if any(
            rb < we and wb < re and wb < we
            for version, written in enumerate(commits, start=1)
            if version > read_version
            for wb, we in written
        )
    ]
    assert recent.conflicts(read_version, read_set) == expected


@settings(max_examples=75, deadline=None)
@given(st.lists(st.tuples(ranges, st.integers(0, 3)), min_size=1, max_size=12), ranges)
def test_recent_writes_pruned_as_they_go(commits, reads):
    """Commits added one by one, each followed by a prune of the versions more than a random
    lag behind it (pruned entries are dropped lazily): the entries held and the conflicts
    of every read version left are those of the commits above the horizon."""
    recent, horizon = RecentWrites(), 0
    for version, (written, lag) in enumerate(commits, start=1):
        recent.add(version, coalesce(written))
        horizon = max(horizon, version - lag)
        recent.prune(horizon)
        assert len(recent) == version - horizon
        assert len(recent.versions) <= 2 * len(recent) + 1  # the pruned head is deleted
    read_set = ReadSet(reads)
    for read_version in range(horizon, len(commits) + 1):
        expected = [
            (rb, re)
            for rb, re in read_set.ranges
            if any(
                rb < we and wb < re and wb < we
                for version, (written, _) in enumerate(commits, start=1)
                if version > read_version
                for wb, we in written
            )
        ]
        assert recent.conflicts(read_version, read_set) == expected


def test_recent_writes_rollback_after_prune():
    recent = RecentWrites()
    for version in range(1, 11):
        recent.add(version, [point(b"k%d" % version)])
    recent.prune(4)
    mark = recent.mark()
    recent.add(11, [point(b"x")])
    recent.rollback(mark)
    assert (len(recent), recent.newest) == (6, 10)
    assert recent.conflicts(4, ReadSet([point(b"x")])) == []
    assert recent.conflicts(4, ReadSet([point(b"k5")])) == [point(b"k5")]
    assert recent.conflicts(5, ReadSet([point(b"k5")])) == []


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 4), st.lists(st.binary(min_size=4, max_size=4), max_size=8))
def test_encoding_of_equal_length_keys_is_the_per_key_layout(size, raw):
    """Point ranges whose keys share one length (one header, repeated) are stored exactly as
    the per-key layout: a 4-byte header (length | bit 31) before each key."""
    points = [(key[:size], key[:size] + b"\x00") for key in raw]
    expected = b"".join((len(begin) | 1 << 31).to_bytes(4, "little") + begin for begin, _ in points)
    assert encode(points) == expected
    assert decode(expected) == points


@settings(max_examples=50, deadline=None)
@given(st.lists(keys, max_size=8))
def test_encode_points_is_encode_of_the_single_key_ranges(raw):
    assert encode_points(raw) == encode([(key, key + b"\x00") for key in raw])
