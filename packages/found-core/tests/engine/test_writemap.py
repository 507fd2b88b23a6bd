"""The write map's lazy sets: plain sets wait in `pending` until the map is read, and every
read of the map sees them, in order, among the writes of other kinds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from found._atomic import apply_atomic
from found._embedded.writemap import WriteMap

SET, ADD = 0, 2
keys = st.binary(min_size=1, max_size=2)
values = st.binary(max_size=2)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("set"), keys, values),
        st.tuples(st.just("clear"), keys, keys),
        st.tuples(st.just("add"), keys, st.binary(min_size=1, max_size=2)),
        st.tuples(st.just("read"), keys, keys),
    ),
    max_size=12,
)


def _apply(writes: WriteMap, op: str, a: bytes, b: bytes) -> None:
    if op == "set":
        writes.pending.append((SET, a, b))  # as `Writes.set` records a plain set
    elif op == "clear":
        writes.clear_range(min(a, b), max(a, b))
    elif op == "add":
        writes.atomic(a, ADD, b)


@settings(max_examples=60, deadline=None)
@given(ops)
def test_pending_sets_read_like_eager_sets(script):
    """A map fed pending sets answers like one whose sets were applied at once."""
    lazy, eager = WriteMap(), WriteMap()
    for op, a, b in script:
        if op == "read":
            assert lazy.keys == eager.keys
            for key in eager.keys:
                got, want = lazy.entries[key], eager.entries[key]
                assert (got.independent, got.value, list(got.ops)) == (
                    want.independent,
                    want.value,
                    list(want.ops),
                )
            assert lazy.known(a) == eager.known(a)
            continue
        _apply(lazy, op, a, b)
        if op == "set":
            eager.set(a, b)
        else:
            _apply(eager, op, a, b)
    assert lazy.empty() == eager.empty()
    assert lazy.keys == eager.keys
    assert not lazy.pending


def test_pending_set_then_atomic_folds_over_the_set_value():
    writes = WriteMap()
    writes.pending.append((SET, b"k", b"\x01"))
    writes.atomic(b"k", ADD, b"\x02")
    entry = writes.entries[b"k"]
    assert entry.independent and entry.value == apply_atomic(ADD, b"\x01", b"\x02")
    assert not writes.empty()


def test_only_pending_sets_is_not_empty():
    writes = WriteMap()
    assert writes.empty()
    writes.pending.append((SET, b"a", b"1"))
    assert not writes.empty()
    assert writes.keys_in(b"a", b"b") == [b"a"]
    assert writes.unwritten_parts(b"a", b"c") == [(b"a\x00", b"c")]
