"""Model-based test: random sequences of writes, atomic operations, reads, key selectors,
commits and resets on the embedded backend, checked step by step against a dict.

The model keeps the committed state and the transaction's pending state; every read of the
transaction must equal the pending state (read-your-writes), and after a commit a fresh
transaction must see exactly the new committed state.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from typing import Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import found
from found import MutationType as T
from found._atomic import apply_atomic

KEYS = st.sampled_from([b"", b"a", b"a\x00", b"b", b"ba", b"c", b"d\xfe", b"e"])
VALUES = st.binary(max_size=6)
ATOMICS = st.sampled_from(
    [
        T.ADD,
        T.BIT_AND,
        T.BIT_OR,
        T.BIT_XOR,
        T.MAX,
        T.MIN,
        T.BYTE_MIN,
        T.BYTE_MAX,
        T.APPEND_IF_FITS,
        T.COMPARE_AND_CLEAR,
    ]
)


class TransactionModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.directory = tempfile.mkdtemp(prefix="found-model-")
        self.db = self.run(found.open(directory=self.directory))
        self.tx = found.make_transaction(self.db)
        self.committed: dict[bytes, bytes] = {}
        self.pending: dict[bytes, bytes] = {}

    def run(self, awaitable):
        return self.loop.run_until_complete(awaitable)

    def teardown(self) -> None:
        self.run(self.db.close())
        self.loop.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def ordered(self) -> list[tuple[bytes, bytes]]:
        return sorted(self.pending.items())

    @rule(key=KEYS, value=VALUES)
    def set(self, key: bytes, value: bytes) -> None:
        found.set(self.tx, key, value)
        self.pending[key] = value

    @rule(key=KEYS)
    def clear(self, key: bytes) -> None:
        found.clear(self.tx, key)
        self.pending.pop(key, None)

    @rule(begin=KEYS, end=KEYS)
    def clear_range(self, begin: bytes, end: bytes) -> None:
        begin, end = min(begin, end), max(begin, end)
        found.clear(self.tx, begin, end)
        for key in [k for k in self.pending if begin <= k < end]:
            del self.pending[key]

    @rule(op=ATOMICS, key=KEYS, param=VALUES)
    def atomic(self, op: int, key: bytes, param: bytes) -> None:
        self.tx.backend.atomic_op(key, param, int(op))
        result: Optional[bytes] = apply_atomic(int(op), self.pending.get(key), param)
        if result is None:
            self.pending.pop(key, None)
        else:
            self.pending[key] = result

    @rule(key=KEYS, snapshot=st.booleans())
    def get(self, key: bytes, snapshot: bool) -> None:
        assert self.run(self.tx.backend.get(key, snapshot)) == self.pending.get(key)

    @rule(begin=KEYS, end=KEYS, limit=st.integers(0, 4), reverse=st.booleans())
    def get_range(self, begin: bytes, end: bytes, limit: int, reverse: bool) -> None:
        rows = self.run(found.get_range(self.tx, begin, end, limit=limit, reverse=reverse))
        expected = [(k, v) for k, v in self.ordered() if begin <= k < end]
        if reverse:
            expected.reverse()
        assert rows == (expected[:limit] if limit else expected)

    @rule(key=KEYS, or_equal=st.booleans(), offset=st.integers(-3, 3))
    def get_key(self, key: bytes, or_equal: bool, offset: int) -> None:
        keys = [k for k, _ in self.ordered()]
        before = [k for k in keys if (k <= key if or_equal else k < key)]
        index = len(before) - 1 + offset
        expected = b"" if index < 0 else (keys[index] if index < len(keys) else b"\xff")
        assert (
            self.run(found.get_key(self.tx, found.KeySelector(key, or_equal, offset))) == expected
        )

    @rule()
    def commit(self) -> None:
        self.run(found.commit(self.tx))
        self.committed = dict(self.pending)
        self.tx = found.make_transaction(self.db)

    @rule()
    def reset(self) -> None:
        found.reset(self.tx)
        self.pending = dict(self.committed)

    @invariant()
    def committed_state_is_durable(self) -> None:
        fresh = found.make_transaction(self.db)
        rows = self.run(found.get_range(fresh, b"", b"\xff"))
        assert rows == sorted(self.committed.items())


TransactionModel.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_transaction_model = TransactionModel.TestCase


# -- conflicts: two overlapping transactions against the conflict rule --------------------

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("get"), KEYS),
        st.tuples(st.just("snapshot_get"), KEYS),
        st.tuples(st.just("range"), KEYS, KEYS),
        st.tuples(st.just("set"), KEYS, VALUES),
        st.tuples(st.just("clear"), KEYS),
        st.tuples(st.just("add"), KEYS, st.binary(min_size=1, max_size=2)),
    ),
    max_size=6,
)


class _Tracked:
    """A transaction plus what the conflict rule needs: the keys and ranges it read from the
    database (serializably, where it had not written itself) and what it wrote."""

    def __init__(self, db: found.Database) -> None:
        self.tx = found.make_transaction(db)
        self.own: set[bytes] = set()  # keys written independently (set / clear)
        self.reads: list[tuple[bytes, bytes]] = []
        self.writes: set[bytes] = set()
        self.mutations: list[tuple] = []
        self.exact = True

    async def apply(self, op: tuple) -> None:
        kind = op[0]
        if kind == "get":
            await found.get(self.tx, op[1])
            if op[1] not in self.own:
                self.reads.append((op[1], op[1] + b"\x00"))
        elif kind == "snapshot_get":
            await self.tx.backend.get(op[1], True)
        elif kind == "range":
            begin, end = min(op[1], op[2]), max(op[1], op[2])
            await found.get_range(self.tx, begin, end)
            self.reads.append((begin, end))
            # filtered by the keys it wrote before: the rule below is exact only without them
            self.exact = self.exact and not any(begin <= k < end for k in self.own)
        else:
            key = op[1]
            if kind == "set":
                found.set(self.tx, key, op[2])
                self.own.add(key)
            elif kind == "clear":
                found.clear(self.tx, key)
                self.own.add(key)
            else:
                found.add(self.tx, key, op[2])
            self.writes.add(key)
            self.mutations.append(op)

    def conflicts_with(self, writes: set[bytes]) -> bool:
        return any(b <= k < e for b, e in self.reads for k in writes)


def _replay(state: dict[bytes, bytes], mutations: list[tuple]) -> None:
    for op in mutations:
        if op[0] == "set":
            state[op[1]] = op[2]
        elif op[0] == "clear":
            state.pop(op[1], None)
        else:
            state[op[1]] = apply_atomic(int(T.ADD), state.get(op[1]), op[2])  # type: ignore[assignment]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.dictionaries(KEYS, VALUES, max_size=4), first=OPS, second=OPS)
def test_conflicts_follow_the_rule(seed, first, second):
    loop = asyncio.new_event_loop()
    directory = tempfile.mkdtemp(prefix="found-conflicts-")

    async def scenario() -> None:
        async with await found.open(directory=directory) as db:
            tx = found.make_transaction(db)
            for key, value in seed.items():
                found.set(tx, key, value)
            await found.commit(tx)
            one, two = _Tracked(db), _Tracked(db)
            await found.read_version(one.tx)
            await found.read_version(two.tx)
            for op in first:
                await one.apply(op)
            for op in second:
                await two.apply(op)
            found.set(one.tx, b"marker1", b"")  # both are writing transactions
            found.set(two.tx, b"marker2", b"")
            await found.commit(one.tx)
            expected = dict(seed)
            _replay(expected, one.mutations)
            try:
                await found.commit(two.tx)
                committed = True
            except found.FoundException as exc:
                assert exc.code == 1020
                committed = False
            if two.exact:
                assert committed == (not two.conflicts_with(one.writes))
            if committed:
                _replay(expected, two.mutations)
            check = found.make_transaction(db)
            rows = dict(await found.get_range(check, b"", b"\xff"))
            rows.pop(b"marker1", None)
            rows.pop(b"marker2", None)
            assert rows == expected

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()
        shutil.rmtree(directory, ignore_errors=True)
