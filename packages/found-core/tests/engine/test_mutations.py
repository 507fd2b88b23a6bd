"""Versionstamps and atomic operations applied at commit, and malformed mutations."""

from __future__ import annotations

import asyncio
import struct

import pytest

from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

SET, CLEAR_RANGE, ADD, STAMPED_KEY, STAMPED_VALUE, COMPARE_AND_CLEAR = 0, 1, 2, 14, 15, 20


def offset(position: int) -> bytes:
    return struct.pack("<i", position)


async def commit(engine: Engine, *mutations: Mutation) -> tuple[int, bytes]:
    writes = [(m.key, m.key + b"\x00") for m in mutations if m.op != STAMPED_KEY]
    return await engine.commit(engine.latest_version(), list(mutations), [], writes)


async def test_versionstamped_key_and_value(engine):
    placeholder = b"\xff" * 10
    version, stamp = await commit(
        engine,
        Mutation(STAMPED_KEY, b"log/" + placeholder + b"/end" + offset(4), b"payload"),
        Mutation(STAMPED_VALUE, b"pointer", b"at:" + placeholder + offset(3)),
    )
    assert len(stamp) == 10
    assert stamp == struct.pack(">QH", version, 0)
    latest = engine.latest_version()
    assert engine.get_range(b"log/", b"log0", latest, 0, False) == [
        (b"log/" + stamp + b"/end", b"payload")
    ]
    assert engine.get(b"pointer", latest) == b"at:" + stamp


async def test_stamps_grow_monotonically(engine):
    mutation = Mutation(STAMPED_KEY, b"s/" + bytes(10) + offset(2), b"")
    stamps = [(await commit(engine, mutation))[1] for _ in range(5)]
    stamps += [s for _, s in await asyncio.gather(*(commit(engine, mutation) for _ in range(20)))]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    keys = [k for k, _ in engine.get_range(b"s/", b"s0", engine.latest_version(), 0, False)]
    assert keys == [b"s/" + s for s in stamps]


async def test_atomic_ops_apply_to_the_value_at_commit(engine, put):
    await put(engine, {b"counter": struct.pack("<q", 10)})
    stale = engine.latest_version()
    await put(engine, {b"counter": struct.pack("<q", 100)})
    # atomic adds are blind writes: an old read version still adds to the current value
    await engine.commit(stale, [Mutation(ADD, b"counter", struct.pack("<q", 5))], [], [])
    await asyncio.gather(
        *(commit(engine, Mutation(ADD, b"counter", struct.pack("<q", 1))) for _ in range(10))
    )
    assert engine.get(b"counter", engine.latest_version()) == struct.pack("<q", 115)
    await commit(engine, Mutation(ADD, b"fresh", b"\x07"))
    assert engine.get(b"fresh", engine.latest_version()) == b"\x07"


async def test_compare_and_clear(engine, put):
    await put(engine, {b"a": b"same", b"b": b"other"})
    before = engine.stats()
    await commit(
        engine,
        Mutation(COMPARE_AND_CLEAR, b"a", b"same"),
        Mutation(COMPARE_AND_CLEAR, b"b", b"same"),
        Mutation(COMPARE_AND_CLEAR, b"c", b"same"),
    )
    latest = engine.latest_version()
    assert engine.get(b"a", latest) is None
    assert engine.get(b"b", latest) == b"other"
    after = engine.stats()
    assert after["kv_rows"] == before["kv_rows"] - 1  # "a" is gone
    # one before-image, of "a"; the keys left unchanged record nothing
    assert after["history_rows"] == before["history_rows"] + 1


async def test_atomic_sees_earlier_mutations_of_its_transaction(engine):
    await commit(
        engine,
        Mutation(SET, b"n", b"\x01"),
        Mutation(ADD, b"n", b"\x02"),
        Mutation(CLEAR_RANGE, b"m", b"m\x00"),
        Mutation(ADD, b"m", b"\x05"),
    )
    latest = engine.latest_version()
    assert engine.get(b"n", latest) == b"\x03"
    assert engine.get(b"m", latest) == b"\x05"


@pytest.mark.parametrize(
    ("mutation", "code"),
    [
        (Mutation(3, b"k", b"v"), 2018),
        (Mutation(21, b"k", b"v"), 2018),
        (Mutation(STAMPED_KEY, b"short", b"v"), 2000),
        (Mutation(STAMPED_KEY, b"k" * 10 + offset(1), b"v"), 2000),
        (Mutation(STAMPED_KEY, b"k" * 10 + offset(-1), b"v"), 2000),
        (Mutation(STAMPED_VALUE, b"k", b"abc"), 2000),
    ],
)
async def test_malformed_mutations_fail_alone(engine, mutation, code):
    with pytest.raises(FoundException) as failure:
        await commit(engine, Mutation(SET, b"before", b"1"), mutation)
    assert failure.value.code == code
    assert engine.get(b"before", engine.latest_version()) is None  # nothing was written
    await commit(engine, Mutation(SET, b"after", b"1"))  # the engine carries on


async def test_non_bytes_are_refused(engine):
    with pytest.raises(TypeError):
        await commit(engine, Mutation(SET, "text", b"v"))  # type: ignore[arg-type]


async def test_read_only_commit(engine):
    before = engine.latest_version()
    assert await engine.commit(before, [], [(b"a", b"b")], []) == (-1, b"")
    assert engine.latest_version() == before


async def test_runs_of_sets_and_clears_keep_their_order(engine, put):
    # Sets and single-key clears reach SQLite in batches: each run in mutation order.
    before = await put(engine, {b"a": b"0", b"b": b"0", b"old": b"0", b"r1": b"0", b"r2": b"0"})

    def clear(key: bytes) -> Mutation:
        return Mutation(CLEAR_RANGE, key, key + b"\x00")

    version, _ = await commit(
        engine,
        Mutation(SET, b"a", b"1"),
        clear(b"a"),
        Mutation(SET, b"a", b"2"),
        clear(b"b"),
        clear(b"b"),
        clear(b"absent"),
        Mutation(SET, b"c", b"1"),
        Mutation(SET, b"c", b"2"),
        clear(b"c"),
        Mutation(CLEAR_RANGE, b"r", b"s"),
        Mutation(SET, b"r2", b"1"),
        Mutation(ADD, b"n", struct.pack("<q", 5)),
        clear(b"old"),
    )
    assert engine.get_range(b"", b"\xff", version, 0, False) == [
        (b"a", b"2"),
        (b"n", struct.pack("<q", 5)),
        (b"r2", b"1"),
    ]
    assert engine.get(b"b", before) == b"0" and engine.get(b"b", version) is None


async def test_a_large_transaction_of_sets_applies_in_order(engine):
    """Plain-set transactions are written sorted by key; the last set of a key still wins,
    and what they touched is reported once per key."""
    keys = [b"bulk/%05d" % ((i * 7919) % 3000) for i in range(3000)]
    mutations = [Mutation(SET, k, b"first") for k in keys]
    mutations += [Mutation(SET, k, b"second") for k in reversed(keys[:100])]
    version, _ = await commit(engine, *mutations)
    found = engine.get_range(b"bulk/", b"bulk0", version, 0, False)
    assert [k for k, _ in found] == sorted(keys)
    changed = {k for k in keys[:100]}
    assert all(v == (b"second" if k in changed else b"first") for k, v in found)
