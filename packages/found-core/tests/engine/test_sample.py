"""The byte sample: size estimates and split points of large ranges without reading them."""

from __future__ import annotations

import random
import sqlite3

from found._embedded import schema
from found._embedded.engine import Engine, Mutation
from found._embedded.sample import EXACT_KEYS, SAMPLE_EVERY, sampled

SET, CLEAR_RANGE, ADD, COMPARE_AND_CLEAR = 0, 1, 2, 20


def _exact(engine: Engine, begin: bytes, end: bytes) -> int:
    pairs = engine.get_range(begin, end, engine.latest_version(), 0, False)
    return sum(len(k) + len(v) for k, v in pairs)


def _stored_sample(directory: str) -> dict[bytes, int]:
    conn = sqlite3.connect(schema.data_path(directory))
    try:
        return dict(conn.execute("SELECT key, size FROM sample").fetchall())
    finally:
        conn.close()


async def test_estimates_of_large_ranges_are_within_a_stated_factor(engine, put):
    rng = random.Random(5)
    keys = [b"big/%06d" % i for i in range(20_000)]
    for start in range(0, len(keys), 5_000):
        await put(engine, {k: b"v" * rng.randrange(10, 200) for k in keys[start : start + 5_000]})
    # whole range, halves, and a 2,000-key slice: within 1.25x of the truth
    for begin, end in [
        (b"big/", b"big0"),
        (keys[0], keys[10_000]),
        (keys[10_000], b"big0"),
        (keys[3_000], keys[5_000]),
    ]:
        exact = _exact(engine, begin, end)
        estimate = engine.estimated_range_size_bytes(begin, end)
        assert exact / 1.25 <= estimate <= exact * 1.25, (begin, end, exact, estimate)
    # small ranges are exact
    small = (keys[100], keys[100 + EXACT_KEYS])
    assert engine.estimated_range_size_bytes(*small) == _exact(engine, *small)
    # split points of a large range come from the sample: about 1 MB chunks of ~2.3 MB
    points = engine.range_split_points(b"big/", b"big0", 1_000_000)
    assert points[0] == b"big/" and points[-1] == b"big0"
    assert points == sorted(set(points))
    assert 2 <= len(points) - 1 <= 4
    for begin, end in zip(points[1:-2], points[2:-1]):
        assert 0.7e6 <= _exact(engine, begin, end) <= 1.3e6


async def test_the_sample_follows_sets_clears_and_atomic_ops(engine, directory, put):
    keys = [b"s/%05d" % i for i in range(3_000)]
    chosen = [k for k in keys if sampled(k)]
    assert len(keys) / SAMPLE_EVERY / 2 < len(chosen) < len(keys) / SAMPLE_EVERY * 2
    await put(engine, {k: b"x" * 10 for k in keys})
    assert _stored_sample(directory) == {k: len(k) + 10 for k in chosen}
    # a clear range, then a set inside it, an add and a compare-and-clear, in one commit
    cleared = [k for k in chosen if b"s/01000" <= k < b"s/02000"]
    mutations = [
        Mutation(CLEAR_RANGE, b"s/01000", b"s/02000"),
        Mutation(SET, cleared[0], b"back"),
        Mutation(ADD, chosen[0], b"\x01"),
        Mutation(COMPARE_AND_CLEAR, chosen[-1], b"x" * 10),
    ]
    latest = engine.latest_version()
    await engine.commit(latest, mutations, [], [(b"s/", b"s0")])
    expected = {k: len(k) + 10 for k in chosen if not b"s/01000" <= k < b"s/02000"}
    expected[cleared[0]] = len(cleared[0]) + 4
    expected[chosen[0]] = len(chosen[0]) + 1  # ADD keeps the parameter's length
    del expected[chosen[-1]]
    assert _stored_sample(directory) == expected
    exact = _exact(engine, b"s/", b"s0")
    assert exact / 1.25 <= engine.estimated_range_size_bytes(b"s/", b"s0") <= exact * 1.25
