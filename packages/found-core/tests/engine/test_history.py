"""Reads at older versions go through the history table (format 4 on): they must see exactly
the data of their version while later commits set, clear and re-create the same keys."""

from __future__ import annotations

import random
from typing import Optional

import pytest

from found._embedded.engine import Engine, Mutation

SET, CLEAR_RANGE = 0, 1
KEYS = [b"h/%03d" % i for i in range(300)]


def _expect(state: dict[bytes, bytes], begin: bytes, end: bytes, limit: int, reverse: bool):
    pairs = sorted((k, v) for k, v in state.items() if begin <= k < end)
    if reverse:
        pairs.reverse()
    return pairs[:limit] if limit else pairs


def _check(engine: Engine, version: int, state: dict[bytes, bytes], rnd: random.Random) -> None:
    for key in rnd.sample(KEYS, 20):
        assert engine.get(key, version) == state.get(key)
    for _ in range(4):
        first = rnd.randrange(len(KEYS) - 100)
        begin, end = KEYS[first], KEYS[first + 100]  # 100-key ranges
        for limit in (0, 7):
            for reverse in (False, True):
                found = engine.get_range(begin, end, version, limit, reverse)
                assert found == _expect(state, begin, end, limit, reverse)


@pytest.mark.parametrize("clears", [True, False])
async def test_old_versions_stay_exact_under_writes(engine, clock, clears):
    """With clears, reads of changed keys search the history since their version; without,
    they walk back through each key's before-images."""
    rnd = random.Random(4)
    state: dict[bytes, bytes] = {}
    snapshots: list[tuple[int, dict[bytes, bytes]]] = []
    for step in range(120):
        clock.advance(0.02)
        mutations: list[Mutation] = []
        for _ in range(rnd.randrange(1, 12)):
            key = rnd.choice(KEYS)
            choice = rnd.random() if clears else 0.0
            if choice < 0.6:
                value: Optional[bytes] = b"%d/%d" % (step, rnd.randrange(1000))
                mutations.append(Mutation(SET, key, value))
                state[key] = value
            elif choice < 0.9:
                mutations.append(Mutation(CLEAR_RANGE, key, key + b"\x00"))
                state.pop(key, None)
            else:
                end = KEYS[min(KEYS.index(key) + rnd.randrange(1, 20), len(KEYS) - 1)]
                mutations.append(Mutation(CLEAR_RANGE, key, end))
                for k in [k for k in state if key <= k < end]:
                    del state[k]
        version, _ = await engine.commit(engine.latest_version(), mutations, [], [(b"h/", b"h0")])
        snapshots.append((version, dict(state)))
        if step % 10 == 9:  # reads at every earlier version still in the window
            for old, old_state in snapshots[-30:]:
                _check(engine, old, old_state, rnd)
    assert engine.check_consistency() == []


async def test_one_commit_sets_and_clears_a_key_repeatedly(engine, put):
    v0 = await put(engine, {b"a": b"0", b"b": b"0"})
    mutations = [
        Mutation(SET, b"a", b"1"),
        Mutation(CLEAR_RANGE, b"a", b"b"),
        Mutation(SET, b"a", b"2"),
        Mutation(SET, b"a", b"3"),
        Mutation(CLEAR_RANGE, b"b", b"c"),
        Mutation(CLEAR_RANGE, b"a", b"c"),
        Mutation(SET, b"b", b"4"),
        Mutation(SET, b"c", b"5"),
        Mutation(CLEAR_RANGE, b"c", b"d"),
    ]
    v1, _ = await engine.commit(v0, mutations, [], [(b"a", b"d")])
    # one before-image per key that had a value before the commit: what it held at v0
    assert engine.stats()["history_rows"] == 2
    assert engine.get_range(b"", b"\xff", v0, 0, False) == [(b"a", b"0"), (b"b", b"0")]
    assert engine.get_range(b"", b"\xff", v1, 0, False) == [(b"b", b"4")]
    assert [engine.get(k, v0) for k in (b"a", b"b", b"c")] == [b"0", b"0", None]


async def test_a_recreated_key_reads_absent_between(engine, put):
    v1 = await put(engine, {b"k": b"1"})
    v2 = await put(engine, {b"k": None})
    v3 = await put(engine, {b"k": b"3"})
    v4 = await put(engine, {b"k": b"4"})
    expected = [None, b"1", None, b"3", b"4"]
    assert [engine.get(b"k", v) for v in (v1 - 1, v1, v2, v3, v4)] == expected
    ranges = [engine.get_range(b"k", b"l", v, 0, False) for v in (v1 - 1, v1, v2, v3, v4)]
    assert ranges == [[(b"k", v)] if v is not None else [] for v in expected]


async def test_reads_stay_exact_when_collection_empties_the_history(engine, clock, put):
    """The collector leaves the newest history row (so ids are never reused) and reads at
    versions after a collection still find the rows written since."""
    await put(engine, {b"k": b"a"})
    await put(engine, {b"k": b"b"})
    assert engine.stats()["history_rows"] == 1
    clock.advance(6)
    tick = await put(engine, {b"tick": b"1"})
    assert engine.stats()["history_rows"] == 1  # the newest row stays, out of every read's way
    assert engine.check_consistency() == []
    later = await put(engine, {b"k": b"c"})
    cleared = await put(engine, {b"tick": None})
    assert engine.stats()["history_rows"] == 3
    assert [engine.get(b"k", v) for v in (tick, later, cleared)] == [b"b", b"c", b"c"]
    assert [engine.get(b"tick", v) for v in (tick, later, cleared)] == [b"1", b"1", None]
    assert engine.get_range(b"", b"\xff", tick, 0, False) == [(b"k", b"b"), (b"tick", b"1")]
    for _ in range(2):
        clock.advance(6)
        await put(engine, {b"other": b"x"})
        assert engine.check_consistency() == []
    assert engine.stats()["history_rows"] == 1
    latest = engine.latest_version()
    assert engine.get_range(b"", b"\xff", latest, 0, False) == [(b"k", b"c"), (b"other", b"x")]


async def test_a_hot_key_reads_exact_at_every_version(engine, put):
    """A key changed more often than the walk back takes steps is read by the walk forward."""
    states = []
    for step in range(40):
        pairs = {b"hot": b"%d" % step, b"cold/%d" % step: b"x"}
        if step == 7:
            pairs[b"hot"] = None
        states.append((await put(engine, pairs), None if step == 7 else b"%d" % step))
    for version, value in states:
        assert engine.get(b"hot", version) == value
        expected = [(b"hot", value)] if value is not None else []
        assert engine.get_range(b"hot", b"hou", version, 0, False) == expected
