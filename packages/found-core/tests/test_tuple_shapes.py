"""The learned-shape fast path of `found.unpack` (`found._tuple_shapes`, `found._tuple_table`).

Pairs of tuples of one shape (same type codes, different contents) are generated: the first
teaches the shape, the second must then decode through the fast path, to exactly what the
general element-by-element decoder gives (types and float bits included) and back to the
same bytes under `fdb.tuple.pack`. Malformed keys close to a learned shape still raise
`ValueError` with an offset, and the learning rules (second sighting, caps, relearning) hold.
"""

from __future__ import annotations

import platform
import struct
import sys
from typing import Any, List, Tuple
from uuid import UUID

import fdb.tuple as ft
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import found
from found import SingleFloat, Versionstamp
from found import _tuple_shapes as shapes
from found import _tuple_table as table
from found._tuple import _decode

sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_SixMetaPathImporter"]

_EXAMPLES = 100 if platform.python_implementation() != "PyPy" else 30
FAST = settings(max_examples=_EXAMPLES, deadline=None, derandomize=True)


pytestmark = pytest.mark.usefixtures("learning_table")


def fast_match(key: bytes, pos: int = 0) -> bool:
    if pos >= len(key):
        return False
    decode = table.TABLE.dispatch[key[pos]]
    # The regex the generated decoder matches with (it is exec'd in its own namespace).
    return decode is not None and decode.__globals__["_fullmatch"](key, pos) is not None


def identical(a: Any, b: Any) -> bool:
    """Same types and values, floats by their bits."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return struct.pack(">d", a) == struct.pack(">d", b)
    if isinstance(a, SingleFloat):
        return found.pack((a,)) == found.pack((b,))
    if isinstance(a, UUID):
        return a == b and a.is_safe is b.is_safe
    return bool(a == b)


# ----------------------------------------------------------------------------- same-shape pairs


def _int_kind(size: int, negative: bool) -> st.SearchStrategy[int]:
    """Integers that pack with exactly `size` payload bytes and the given sign."""
    if size == 0:
        return st.just(0)
    low, high = 256 ** (size - 1), 256**size - 1
    if size == 8:
        high -= 1  # 2**64 - 1 already takes the big-integer code
    values = st.integers(low, high)
    return values.map(lambda n: -n) if negative else values


def _big_kind(size: int, negative: bool) -> st.SearchStrategy[int]:
    values = st.integers(256 ** (size - 1), 256**size - 1).filter(lambda n: n >= 2**64 - 1)
    return values.map(lambda n: -n) if negative else values


_STAMPS = st.builds(
    Versionstamp,
    st.binary(min_size=10, max_size=10).filter(lambda b: b != b"\xff" * 10),
    st.integers(0, 65535),
)
_FIXED_KINDS: List[st.SearchStrategy[Any]] = [
    st.text(max_size=8).filter(lambda s: "\x00" not in s),
    st.text(max_size=8).map(lambda s: s + "\x00"),
    st.binary(max_size=10).filter(lambda b: b"\x00" not in b),
    st.binary(max_size=10).map(lambda b: b"\x00" + b),
    st.none(),
    st.just(True),
    st.just(False),
    st.floats(),
    st.builds(SingleFloat, st.floats(width=32)),
    st.uuids(),
    _STAMPS,
]


@st.composite
def kinds(draw: st.DrawFn, depth: int = 0) -> List[Any]:
    """A shape: a list of strategies, or nested lists for nested tuples."""
    out: List[Any] = []
    for _ in range(draw(st.integers(0, 5))):
        choice = draw(st.integers(0, 3 if depth < 2 else 2))
        if choice == 0:
            out.append(draw(st.sampled_from(_FIXED_KINDS)))
        elif choice == 1:
            out.append(_int_kind(draw(st.integers(0, 8)), draw(st.booleans())))
        elif choice == 2:
            big = draw(st.integers(8, 12))
            out.append(_big_kind(big, draw(st.booleans())))
        else:
            out.append(draw(kinds(depth + 1)))
    return out


def _value(draw: st.DrawFn, shape: List[Any]) -> Tuple[Any, ...]:
    return tuple(_value(draw, k) if isinstance(k, list) else draw(k) for k in shape)


@st.composite
def same_shape_pair(draw: st.DrawFn) -> Tuple[Tuple[Any, ...], Tuple[Any, ...]]:
    shape = draw(kinds())
    return _value(draw, shape), _value(draw, shape)


@FAST
@given(same_shape_pair(), st.binary(max_size=4))
def test_learned_shape_decodes_its_siblings(pair: Tuple[Any, Any], prefix: bytes) -> None:
    table.TABLE.reset()
    first, second = (found.pack(v, prefix) for v in pair)
    pos = len(prefix)
    for _ in range(2):
        assert identical(found.unpack(first, pos), _decode(first, pos))
    learnable = shapes.shape_of(first, pos) is not None
    assert fast_match(first, pos) == learnable
    if learnable and shapes.shape_of(second, pos) == shapes.shape_of(first, pos):
        assert fast_match(second, pos)
    ours = found.unpack(second, pos)
    assert identical(ours, _decode(second, pos))
    assert found.pack(ours, prefix) == second
    if not _has(pair[1], (Versionstamp, SingleFloat)):  # see test_tuple_differential
        assert ft.pack(ft.unpack(second, pos), prefix) == second


def _has(value: Tuple[Any, ...], kinds: Tuple[type, ...]) -> bool:
    return any(_has(v, kinds) if isinstance(v, tuple) else isinstance(v, kinds) for v in value)


def test_the_generated_pairs_exercise_the_fast_path() -> None:
    """Guard against a generator that never reaches the fast path for the second key."""
    hits = 0

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(same_shape_pair())
    def probe(pair: Tuple[Any, Any]) -> None:
        nonlocal hits
        table.TABLE.reset()
        first, second = (found.pack(v) for v in pair)
        found.unpack(first)
        found.unpack(first)
        hits += fast_match(second) and len(pair[1]) > 1

    probe()
    assert hits >= 10


# ----------------------------------------------------------------------------- learning rules


def test_shape_learned_on_second_sighting_only() -> None:
    key = found.pack(("user", 1234, "x"))
    found.unpack(key)
    assert table.TABLE.shapes() == []
    found.unpack(key)
    assert len(table.TABLE.shapes()) == 1
    other = found.pack(("another", 9999, ""))
    assert fast_match(other)
    assert found.unpack(other) == ("another", 9999, "")


def _two_ints(n: int) -> bytes:
    return found.pack((256 ** (n // 8), 256 ** (n % 8)))  # a new pair of integer sizes per n


def test_table_is_capped() -> None:
    for n in range(table.MAX_SHAPES + 1):
        for _ in range(2):
            found.unpack(_two_ints(n))
    assert len(table.TABLE.shapes()) == table.MAX_SHAPES
    assert fast_match(_two_ints(0))
    assert not fast_match(_two_ints(table.MAX_SHAPES))


def test_unhelpful_table_forgets_and_gets_selective(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table, "_WINDOW", 40)
    for n in range(20):  # 20 shapes, each seen twice then never again: 40 misses, no hits
        for _ in range(2):
            assert found.unpack(_two_ints(n)) == (256 ** (n // 8), 256 ** (n % 8))
    assert table.TABLE.shapes() == []
    assert (table.TABLE._needed, table.TABLE._every) == (8, 4)
    key = _two_ints(30)
    for _ in range(31):  # every fourth miss is examined, and eight sightings are needed
        found.unpack(key)
    assert not fast_match(key)
    found.unpack(key)
    assert fast_match(key)


def test_helpful_table_keeps_its_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table, "_WINDOW", 40)
    for n in range(20):
        for _ in range(4):  # learned on the second sighting, then hit twice
            found.unpack(_two_ints(n))
    assert len(table.TABLE.shapes()) == 20
    assert all(fast_match(_two_ints(n)) for n in range(20))


def test_evaluation_ends_after_enough_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table, "_EVAL_HITS", 10)
    monkeypatch.setattr(table, "_WINDOW", 8)
    key = found.pack(("a", 1))
    for _ in range(2):
        found.unpack(key)
    assert table.TABLE.evaluating
    for _ in range(10):  # hits, counted: the tenth ends the evaluation
        assert found.unpack(key) == ("a", 1)
    assert not table.TABLE.evaluating
    for _ in range(5):  # hits no longer counted
        assert found.unpack(key) == ("a", 1)
    assert table.TABLE._hits == 10
    for n in range(8):  # a window of misses starts the next evaluation
        found.unpack(_two_ints(n))  # each shape seen once: misses only
    assert table.TABLE.evaluating
    assert table.TABLE._hits == 0
    assert fast_match(key)


def test_disabled_table_learns_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table.TABLE, "enabled", False)
    key = found.pack(("a", 1))
    for _ in range(3):
        assert found.unpack(key) == ("a", 1)
    assert table.TABLE.shapes() == []
    assert all(decode is None for decode in table.TABLE.dispatch)


def test_long_keys_are_not_learned() -> None:
    key = found.pack(tuple(range(shapes.MAX_ELEMENTS + 1)))
    for _ in range(3):
        assert found.unpack(key) == tuple(range(shapes.MAX_ELEMENTS + 1))
    assert table.TABLE.shapes() == []


def test_fast_path_takes_bytearray_and_memoryview() -> None:
    key = found.pack(("a", (1, None), b"\x00b", UUID(int=7), 1.5, True))
    found.unpack(key)
    found.unpack(key)
    assert fast_match(key)
    expected = ("a", (1, None), b"\x00b", UUID(int=7), 1.5, True)
    assert found.unpack(bytearray(key)) == expected
    assert found.unpack(memoryview(key)) == expected


# ----------------------------------------------------------------------------- malformed input


def _learn(value: Tuple[Any, ...]) -> bytes:
    key = found.pack(value)
    found.unpack(key)
    found.unpack(key)
    assert fast_match(key)
    return key


def test_invalid_utf8_in_a_matching_key_names_the_offset() -> None:
    _learn(("abc", 5, "xyz"))
    bad = b"\x02ok\x00\x15\x05\x02\xff\xfe\x00"
    assert fast_match(bad)
    with pytest.raises(ValueError, match="offset 6"):
        found.unpack(bad)


@pytest.mark.parametrize("cut", [1, 2, 4, 6, 7])
def test_truncated_keys_of_a_learned_shape_raise(cut: int) -> None:
    key = _learn(("abc", 300, "xyz"))
    with pytest.raises(ValueError, match="offset"):
        found.unpack(key[:-cut])


@FAST
@given(same_shape_pair(), st.data())
def test_damaged_keys_agree_with_the_general_decoder(pair: Tuple[Any, Any], data: Any) -> None:
    table.TABLE.reset()
    key = found.pack(pair[0])
    found.unpack(key)
    damaged = bytearray(found.pack(pair[1]))
    if damaged:
        spot = data.draw(st.integers(0, len(damaged) - 1))
        damaged[spot] = data.draw(st.integers(0, 255))
    damaged_key = bytes(damaged)
    try:
        expected = _decode(damaged_key, 0)
    except ValueError:
        with pytest.raises(ValueError, match="offset"):
            found.unpack(damaged_key)
    else:
        assert identical(found.unpack(damaged_key), expected)
    assert identical(found.unpack(key), _decode(key, 0))
