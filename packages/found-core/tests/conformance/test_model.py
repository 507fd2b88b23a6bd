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

from hypothesis import HealthCheck, settings
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
