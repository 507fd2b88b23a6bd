"""Commits of plain sets go to SQLite as multi-row upserts (`mutations.CHUNK` rows per
statement, then `mutations.SMALL`, then the rest in one). Every size around those
boundaries, one common value or one per key, sorted or not, keys set twice: the data, the
history of replaced values (reads at the older version), the byte sample and the stored
invariants must be what a loop of single sets leaves."""

from __future__ import annotations

import random
import sqlite3

import pytest

from found._embedded import mutations
from found._embedded.engine import Mutation
from found._embedded.sample import problems
from found._embedded.schema import data_path

SET = 0
CHUNK, SMALL = mutations.CHUNK, mutations.SMALL
EVERYTHING = (b"", b"\xff")


def _keys(rng: random.Random, count: int) -> list[bytes]:
    return [b"k" + rng.randbytes(rng.randint(1, 6)) for _ in range(count)]


async def _commit(engine, pairs: list[tuple[bytes, bytes]]) -> int:  # type: ignore[no-untyped-def]
    batch = [Mutation(SET, key, value) for key, value in pairs]
    version, _ = await engine.commit(engine.latest_version(), batch, [], [EVERYTHING])
    return version


def _state(engine, version: int) -> dict[bytes, bytes]:  # type: ignore[no-untyped-def]
    return dict(engine.get_range(b"", b"\xff", version, 0, False))


@pytest.mark.parametrize(
    "count", [1, 10, SMALL, SMALL + 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + SMALL + 7]
)
@pytest.mark.parametrize("common", [True, False])
@pytest.mark.parametrize("ordered", [True, False])
async def test_bulk_sets_match_a_model(engine, directory, count, common, ordered):
    rng = random.Random(count * 4 + common * 2 + ordered)
    keys = _keys(rng, count)
    if ordered:
        keys = sorted(set(keys))
    first = [(k, b"" if common else rng.randbytes(rng.randint(0, 5))) for k in keys]
    before = await _commit(engine, first)
    model = dict(first)
    assert _state(engine, before) == model

    # Half the keys again (each set twice, the last winning), plus new ones, unsorted.
    again = rng.sample(keys, len(keys) // 2) + _keys(rng, count // 3 + 1)
    second = [(k, b"x" if common else rng.randbytes(3)) for k in again]
    second += [(k, b"x" if common else rng.randbytes(4)) for k in again[::2]]
    if ordered:
        latest = dict(second)
        second = sorted(latest.items())
    after = await _commit(engine, second)
    newer = {**model, **dict(second)}

    assert _state(engine, after) == newer
    assert _state(engine, before) == model  # replaced values kept in the history
    for key in again[:20]:
        assert engine.get(key, before) == model.get(key)
        assert engine.get(key, after) == newer[key]
    conn = sqlite3.connect(data_path(directory))
    try:
        assert problems(conn) == []  # the byte sample holds the newest sizes
    finally:
        conn.close()
    assert engine.check_consistency() == []


async def test_bulk_sets_of_one_key_many_times(engine):
    pairs = [(b"same", bytes([i % 256])) for i in range(3 * CHUNK)]
    version = await _commit(engine, pairs)
    assert _state(engine, version) == {b"same": pairs[-1][1]}


def test_chunk_statement_binds_within_sqlite_limits():
    # SQLite builds before 3.32 allow 999 parameters per statement.
    assert 2 * CHUNK + 1 <= 999
