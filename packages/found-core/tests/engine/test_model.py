"""Model-based test: random commits, clock moves and old read versions against a dict model.

The model keeps a snapshot per commit version and the write ranges of each commit. After
every step, reads at every version not yet too old (the next commit after it is at most 5 s
older than the newest) must equal the snapshots, and each commit must succeed or fail
(1020 / 1007) exactly as the model predicts.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from typing import Optional

from hypothesis import given, settings
from hypothesis import strategies as st

from found._atomic import apply_atomic
from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

SET, CLEAR_RANGE, ADD = 0, 1, 2
WINDOW = 5_000_000

keys = st.sampled_from([b"", b"a", b"a\x00", b"b", b"c", b"cc", b"d"])
mutation = st.one_of(
    st.builds(Mutation, st.just(SET), keys, st.binary(max_size=3)),
    st.builds(Mutation, st.just(CLEAR_RANGE), keys, keys),
    st.builds(Mutation, st.just(ADD), keys, st.binary(min_size=1, max_size=2)),
)
step = st.tuples(
    st.lists(mutation, max_size=4),
    st.lists(st.tuples(keys, keys), max_size=2),  # read-conflict ranges
    st.integers(0, 6),  # how many commits back the read version is
    st.sampled_from([0, 0, 0.5, 2.5, 6]),  # seconds the clock moves first
)


def touched(mutations: list[Mutation]) -> list[tuple[bytes, bytes]]:
    return [
        (m.key, m.param) if m.op == CLEAR_RANGE else (m.key, m.key + b"\x00") for m in mutations
    ]


def apply(state: dict[bytes, bytes], mutations: list[Mutation]) -> dict[bytes, bytes]:
    state = dict(state)
    for m in mutations:
        if m.op == SET:
            state[m.key] = m.param
        elif m.op == CLEAR_RANGE:
            for key in [k for k in state if m.key <= k < m.param]:
                del state[key]
        else:
            new: Optional[bytes] = apply_atomic(m.op, state.get(m.key), m.param)
            if new is None:
                state.pop(m.key, None)
            else:
                state[m.key] = new
    return state


class Clock:
    def __init__(self) -> None:
        self.now = 10**15

    def __call__(self) -> int:
        return self.now


async def run(directory: str, steps: list) -> None:
    clock = Clock()
    engine = Engine.open(directory, clock=clock)
    try:
        history = [(engine.latest_version(), {}, [])]  # (version, snapshot, write ranges)
        for mutations, reads, back, seconds in steps:
            clock.now += int(seconds * 1_000_000)
            read_version, snapshot, _ = history[max(0, len(history) - 1 - back)]
            last = history[-1][0]
            if any(read_version < version <= last - WINDOW for version, _, _ in history):
                expected = 1007
            elif any(
                rb < we and wb < re and rb < re and wb < we
                for version, _, writes in history
                if version > read_version
                for wb, we in writes
                for rb, re in reads
            ):
                expected = 1020
            else:
                expected = 0
            writes = touched(mutations) or [(b"z", b"z\x00")]
            try:
                version, _ = await engine.commit(read_version, mutations, reads, writes)
                code = 0
            except FoundException as exc:
                code = exc.code
            assert code == expected
            if code == 0:
                history.append((version, apply(history[-1][1], mutations), writes))
            newest = engine.latest_version()
            assert newest == history[-1][0]
            for (version, snapshot, _), following in zip(history, [*history[1:], None]):
                if following is None or following[0] > newest - WINDOW:  # not too old
                    rows = engine.get_range(b"", b"\xff", version, 0, False)
                    assert rows == sorted(snapshot.items())
                    assert engine.get_range(b"", b"\xff", version, 2, True) == rows[::-1][:2]
                else:
                    try:
                        engine.get(b"a", version)
                    except FoundException as exc:
                        assert exc.code == 1007
                    else:
                        raise AssertionError(f"read at {version} should be too old")
        assert engine.check_consistency() == []
    finally:
        engine.close()


@settings(max_examples=20, deadline=None)
@given(st.lists(step, min_size=1, max_size=12))
def test_engine_matches_model(steps):
    directory = tempfile.mkdtemp(prefix="found-model-")
    # A private loop, not asyncio.run: that would reset the current loop pytest-asyncio
    # set up, which then leaks on Python 3.9.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(run(directory, steps))
    finally:
        loop.close()
        shutil.rmtree(directory, ignore_errors=True)
