"""`found._tuple.unpack_keys`: a page of range-read keys decoded in one call (nstore's scans).

Whatever the shape table knows, it must give exactly `[unpack(key, n) for key, _ in pairs]`:
the same values and types, the same errors for bad keys and bad prefix lengths.
"""

from __future__ import annotations

import platform
import struct
from typing import Any, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import found
from found._tuple import unpack_keys

_EXAMPLES = 60 if platform.python_implementation() != "PyPy" else 20
FAST = settings(max_examples=_EXAMPLES, deadline=None, derandomize=True)

pytestmark = pytest.mark.usefixtures("learning_table")

_SCALARS = st.one_of(
    st.text(max_size=6), st.binary(max_size=6), st.integers(-(2**70), 2**70), st.none()
)


_KINDS = [
    st.text(max_size=6),
    st.binary(max_size=6),
    st.integers(0, 255),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False),
    st.booleans(),
    st.uuids(),
    st.none(),
]


@st.composite
def same_shape_pair(draw: st.DrawFn) -> Tuple[Tuple[Any, ...], Tuple[Any, ...]]:
    """Two tuples whose elements are drawn from the same kinds, position by position."""
    kinds = draw(st.lists(st.sampled_from(_KINDS), min_size=1, max_size=4))
    return tuple(draw(k) for k in kinds), tuple(draw(k) for k in kinds)


def identical(a: Any, b: Any) -> bool:
    """Same types and values, floats by their bits (`-0.0` is not `0.0`)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return struct.pack(">d", a) == struct.pack(">d", b)
    return bool(a == b)


def _expected(pairs: List[Tuple[bytes, bytes]], skip: int) -> List[Any]:
    return [found.unpack(key, skip) for key, _ in pairs]


@FAST
@given(pair=same_shape_pair(), prefix=st.tuples(_SCALARS, _SCALARS), repeat=st.integers(1, 4))
def test_same_as_unpack_per_key(
    pair: Tuple[Any, Any], prefix: Tuple[Any, ...], repeat: int
) -> None:
    head = found.pack(prefix)
    pairs = [(head + found.pack(t), b"v") for t in pair] * repeat
    for _ in range(2):  # before and after the shape is learned
        got = unpack_keys(pairs, len(head))
        want = _expected(pairs, len(head))
        assert len(got) == len(want)
        assert all(identical(a, b) for a, b in zip(got, want))


@FAST
@given(items=st.lists(st.tuples(_SCALARS, _SCALARS), max_size=5))
def test_mixed_shapes_and_whole_keys(items: List[Tuple[Any, ...]]) -> None:
    pairs = [(found.pack(t), b"") for t in items]
    assert unpack_keys(pairs, 0) == _expected(pairs, 0)
    assert unpack_keys(pairs, 0) == [tuple(t) for t in items]


async def test_edge_keys_and_errors() -> None:
    head = found.pack(("s",))
    pairs = [(head, b""), (head + found.pack((1, "x")), b"")]
    assert unpack_keys(pairs, len(head)) == [(), (1, "x")]
    assert unpack_keys([], 3) == []
    with pytest.raises(ValueError, match="byte offset"):
        unpack_keys([(head + b"\x02abc", b"")], len(head))  # no terminator
    with pytest.raises(ValueError, match="outside"):
        unpack_keys(pairs, len(head) + 1)  # longer than the first key
    with pytest.raises(ValueError, match="outside"):
        unpack_keys(pairs, -1)
    with pytest.raises(TypeError, match="prefix_len"):
        unpack_keys(pairs, True)
    with pytest.raises(TypeError, match="expects bytes"):
        unpack_keys([("text", b"")], 0)
    # a bytearray key is accepted like unpack accepts it
    assert unpack_keys([(bytearray(found.pack(("a", 2))), b"")], 0) == [("a", 2)]


async def test_invalid_text_in_a_learned_shape() -> None:
    pairs = [(found.pack(("a", f"b{i}")), b"") for i in range(4)]
    assert unpack_keys(pairs, 0) == _expected(pairs, 0)  # the shape is learned by now
    with pytest.raises(ValueError, match="UTF-8"):
        unpack_keys([*pairs, (b"\x02a\x00\x02\xff\xfe\x00", b"")], 0)


async def test_misses_teach_the_shape_table() -> None:
    from found import _tuple_table as table

    head = found.pack(("subject",))
    pairs = [(head + found.pack((f"p{i}", i * 1000)), b"") for i in range(6)]
    assert table.TABLE.dispatch[0x02] is None  # an empty table (the fixture)
    assert unpack_keys(pairs, len(head)) == [(f"p{i}", i * 1000) for i in range(6)]
    assert table.TABLE.dispatch[0x02] is not None  # learned from the page's misses
    assert unpack_keys(pairs, len(head)) == _expected(pairs, len(head))
