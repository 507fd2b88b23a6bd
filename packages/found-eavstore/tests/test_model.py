"""eavstore against an in-memory model: the index stays exact after random writes."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import found
from found.ext import eavstore

ATTRIBUTES = st.sampled_from(["a", "b", "c", 1, (2, "x")])
VALUES = st.one_of(
    st.integers(-3, 3),
    st.booleans(),
    st.sampled_from([None, 1.0, 0.0, -0.0, "x", "y", b"x", (1, "x"), (1, ("y",))]),
    st.text(max_size=4),
)
ENTITY = st.dictionaries(ATTRIBUTES, VALUES, max_size=4)
OP = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 4), ENTITY),
    st.tuples(st.just("update"), st.integers(0, 4), ENTITY),
    st.tuples(st.just("remove"), st.integers(0, 4), st.none()),
)

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def packed(value) -> bytes:
    return found.pack((value,))


@SETTINGS
@given(ops=st.lists(OP, max_size=15), one_transaction=st.booleans())
async def test_index_is_exact_after_random_writes(db, ops, one_transaction) -> None:
    store = eavstore.make("model", ("test-eavstore-model", uuid.uuid4()))
    model = {}  # uid -> {packed attribute: (attribute, value)}

    async def apply(tx, op, uid, entity):
        if op == "remove":
            await eavstore.remove(tx, store, uid)
        elif op == "update":
            await eavstore.update(tx, store, uid, entity)
        else:
            await eavstore.create(tx, store, entity, uid)

    async def apply_all(tx):
        for op in ops:
            await apply(tx, *op)

    if one_transaction:
        await found.transactional(db, apply_all)
    else:
        for op in ops:
            await found.transactional(db, apply, *op)
    for op, uid, entity in ops:
        if op == "remove":
            model.pop(uid, None)
        else:
            model[uid] = {packed(k): (k, v) for k, v in entity.items()}

    expected_index = sorted(
        found.pack((*store.prefix, 2, k, v, uid))
        for uid, entity in model.items()
        for k, v in entity.values()
    )

    async def check(tx):
        begin = found.pack((*store.prefix, 2))
        index = [k async for k, _ in found.query(tx, begin, found.next_prefix(begin))]
        assert index == expected_index
        for uid in range(5):
            got = await eavstore.get(tx, store, uid)
            want = model.get(uid, {})
            assert {packed(k): packed(v) for k, v in got.items()} == {
                p: packed(v) for p, (_, v) in want.items()
            }
            for k, v in want.values():
                assert uid in [u async for u in eavstore.query(tx, store, k, v)]

    await found.transactional(db, check)
