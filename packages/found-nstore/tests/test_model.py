"""nstore against a brute-force model: random tuples, random patterns, repeated variables."""

from __future__ import annotations

import itertools
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import found
from found.ext import nstore
from found.ext.nstore import var

N = 3
VALUES = st.one_of(
    st.integers(-3, 3),
    st.sampled_from(["a", "b", "", "a\x00b", "\u00e9", b"a", None, True, 1.0, (1, "a")]),
)
TUPLES = st.lists(st.tuples(*[VALUES] * N), max_size=25)
# a pattern position is a value or one of three variable names (so repeats are common)
POSITION = st.one_of(VALUES, st.sampled_from(["?x", "?y", "?z"]))
PATTERN = st.tuples(*[POSITION] * N)

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def to_pattern(raw):
    return tuple(var(x[1:]) if isinstance(x, str) and x.startswith("?") else x for x in raw)


def same(a, b) -> bool:
    return found.pack((a,)) == found.pack((b,))


def model_select(facts, pattern, seed=None):
    """All bindings of `pattern` over `facts`, by brute force."""
    out = []
    for fact in facts:
        bindings = dict(seed or {})
        ok = True
        for value, slot in zip(fact, pattern):
            if isinstance(slot, nstore.Variable):
                if slot.name in bindings:
                    ok = ok and same(bindings[slot.name], value)
                else:
                    bindings[slot.name] = value
            else:
                ok = ok and same(slot, value)
        if ok:
            out.append(bindings)
    return out


def model_query(facts, patterns):
    out = [{}]
    for pattern in patterns:
        out = [b for seed in out for b in model_select(facts, pattern, seed)]
    return out


def canon(bindings):
    return sorted(tuple(sorted((k, found.pack((v,))) for k, v in b.items())) for b in bindings)


def unique(facts):
    seen = {}
    for fact in facts:
        seen.setdefault(found.pack(fact), fact)
    return list(seen.values())


@SETTINGS
@given(facts=TUPLES, removed=st.lists(st.integers(0, 24), max_size=5), raw=PATTERN)
async def test_select_and_count_match_the_model(db, facts, removed, raw) -> None:
    store = nstore.make("model", ("test-model", uuid.uuid4()), N)
    facts = unique(facts)
    gone = [facts[i] for i in removed if i < len(facts)]
    alive = [f for f in facts if all(found.pack(f) != found.pack(g) for g in gone)]
    pattern = to_pattern(raw)

    async def fill(tx):
        for fact in facts:
            await nstore.add(tx, store, *fact, value=found.pack(fact))
        for fact in gone:
            await nstore.remove(tx, store, *fact)

    await found.transactional(db, fill)

    async def read(tx):
        got = [b async for b in nstore.select(tx, store, *pattern)]
        total = await nstore.count(tx, store, *pattern)
        values = [await nstore.get(tx, store, *f) for f in facts]
        return got, total, values

    got, total, values = await found.transactional(db, read)
    expected = model_select(alive, pattern)
    assert canon(got) == canon(expected)
    assert total == len(expected)
    alive_keys = {found.pack(f) for f in alive}
    for fact, value in zip(facts, values):
        assert value == (found.pack(fact) if found.pack(fact) in alive_keys else None)


@SETTINGS
@given(facts=TUPLES, raws=st.lists(PATTERN, min_size=1, max_size=3), ordered=st.booleans())
async def test_query_matches_the_model(db, facts, raws, ordered) -> None:
    store = nstore.make("model", ("test-model", uuid.uuid4()), N)
    facts = unique(facts)
    patterns = [to_pattern(r) for r in raws]

    async def fill(tx):
        for fact in facts:
            await nstore.add(tx, store, *fact)

    await found.transactional(db, fill)

    async def read(tx):
        return [b async for b in nstore.query(tx, store, *patterns, ordered=ordered)]

    got = await found.transactional(db, read)
    assert canon(got) == canon(model_query(facts, patterns))


def test_model_helpers_are_sound() -> None:
    # the model itself: a repeated variable binds once, and True is not 1
    facts = [(1, 1, True), (1, True, 1), (2, 2, 2)]
    assert model_select(facts, (var("x"), var("x"), var("y"))) == [
        {"x": 1, "y": True},
        {"x": 2, "y": 2},
    ]
    assert len(list(itertools.chain(model_query(facts, [(var("x"), var("x"), var("x"))])))) == 1
