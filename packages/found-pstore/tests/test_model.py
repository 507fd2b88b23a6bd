"""pstore against an in-memory model: random index / re-index / delete, then BM25 from scratch."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import found
from found.ext import pstore

WORDS = ["ant", "bee", "cat", "dog", "eel"]
COUNTER = st.dictionaries(st.sampled_from(WORDS), st.integers(1, 4), max_size=4)
OP = st.one_of(
    st.tuples(st.just("index"), st.integers(0, 5), COUNTER),
    st.tuples(st.just("delete"), st.integers(0, 5), st.none()),
)
QUERY = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(ops=st.lists(OP, max_size=14), query=QUERY, mode=st.sampled_from(["and", "or"]))
async def test_search_matches_the_model(db, bm25, ops, query, mode) -> None:
    store = pstore.make("model", ("test-pstore-model", uuid.uuid4()))
    model = {}
    for op, docuid, counter in ops:
        if op == "index":
            await found.transactional(db, pstore.index, store, docuid, counter)
            model[docuid] = [w for w, n in counter.items() for _ in range(n)]
        else:
            existed = await found.transactional(db, pstore.delete, store, docuid)
            assert existed == (model.pop(docuid, None) is not None)
    got = await found.transactional(db, pstore.search, store, query, None, mode=mode)
    want = sorted(bm25(model, query, mode).items(), key=lambda kv: (-kv[1], kv[0]))
    assert [d for d, _ in got] == [d for d, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-12)
