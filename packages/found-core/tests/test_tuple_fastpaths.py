"""Differential tests (against `fdb.tuple` 7.3) aimed at each fast path of found's tuple layer.

- unpack through learned shapes: one shape for a first type code (a straight decoder), two to
  four (told apart inline by `lastindex`), more (a list of converters);
- the general decoder's inlined cases: doubles of any bit pattern, UUIDs, strings with
  escaped NULs, integers of every size;
- pack's inlined cases: strings and bytes with and without NULs, integers at every size
  boundary, in nested tuples too.

Versionstamps and 32-bit floats are left to test_tuple_differential (fdb.tuple needs a
stand-in there). Values are compared by type and, for floats, by their bits.
"""

from __future__ import annotations

import pickle
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
from found import _tuple_shapes as shapes_module
from found import _tuple_table as table
from found._tuple import _decode

# fdb bundles an old `six` whose meta-path importer breaks later imports (see test_tuple_shapes).
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_SixMetaPathImporter"]

_EXAMPLES = 80 if platform.python_implementation() != "PyPy" else 25
FAST = settings(max_examples=_EXAMPLES, deadline=None, derandomize=True)


pytestmark = pytest.mark.usefixtures("learning_table")


def same(ours: Any, theirs: Any) -> bool:
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, tuple):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs))
    if isinstance(ours, float):
        return struct.pack(">d", ours) == struct.pack(">d", theirs)
    if isinstance(ours, UUID):
        return ours == theirs and hash(ours) == hash(theirs) and ours.is_safe is theirs.is_safe
    return bool(ours == theirs)


def _double(bits: int) -> float:
    return float(struct.unpack(">d", bits.to_bytes(8, "big"))[0])


_BOUNDARIES = sorted(
    {s * (256**n + d) for n in range(0, 9) for d in (-1, 0, 1) for s in (1, -1)}
    | {2**64 - 1, -(2**64 - 1), 2**64, -(2**64), 2**63, -(2**63), 2**70, -(2**70)}
)
integers = st.one_of(st.integers(-(2**72), 2**72), st.sampled_from(_BOUNDARIES))
doubles = st.one_of(st.floats(), st.builds(_double, st.integers(0, 2**64 - 1)))
nul_bytes = st.lists(st.sampled_from([b"\x00", b"\xff", b"a", b"\x00\xff", b"\x01"]), max_size=6)
byte_strings = st.one_of(st.binary(max_size=10), nul_bytes.map(b"".join))
texts = st.one_of(st.text(max_size=8), nul_bytes.map(lambda parts: "\x00".join(map(str, parts))))
scalars = st.one_of(st.none(), st.booleans(), integers, doubles, st.uuids(), byte_strings, texts)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3).map(tuple), max_leaves=8)
tuples = st.lists(values, max_size=5).map(tuple)


def check(value: Tuple[Any, ...]) -> bytes:
    """found packs `value` as fdb.tuple does, and decodes the key (through whatever path the
    table now takes) to what fdb.tuple decodes."""
    key = found.pack(value)
    assert key == ft.pack(value)
    assert same(found.unpack(key), ft.unpack(key))
    return key


# ----------------------------------------------------------------------------- pack and decode


@FAST
@given(tuples)
def test_pack_and_general_decoder_agree_with_fdb(value: Tuple[Any, ...]) -> None:
    key = check(value)
    assert same(_decode(key, 0), ft.unpack(key))


@FAST
@given(st.lists(st.one_of(integers, texts, byte_strings), min_size=1, max_size=6).map(tuple))
def test_common_elements_pack_as_fdb_does(value: Tuple[Any, ...]) -> None:
    assert found.pack(value) == ft.pack(value)
    assert found.pack((value, value)) == ft.pack((value, value))
    assert found.pack(value, b"\x15\x01") == ft.pack(value, b"\x15\x01")


@FAST
@given(doubles)
def test_doubles_decode_to_their_bits_on_both_paths(number: float) -> None:
    for value in ((number,), ("k", number, 7), ((number, None),)):
        for _ in range(3):  # unlearned, learned, fast path
            check(value)


# ----------------------------------------------------------------------------- learned shapes


def _fast(key: bytes) -> bool:
    decode = table.TABLE.dispatch[key[0]] if key else None
    return decode is not None and decode.__globals__["_fullmatch"](key, 0) is not None


@st.composite
def same_first_code(draw: st.DrawFn, shapes: int) -> List[Tuple[Any, ...]]:
    """Tuples of `shapes` different shapes that all start with a string, two of each."""
    tails = draw(
        st.lists(st.lists(scalars, max_size=3).map(tuple), min_size=shapes, max_size=shapes)
    )
    out = []
    for number, tail in enumerate(tails):
        # A distinct integer size per shape keeps the shapes apart.
        size = 256**number
        out.append((draw(texts), size, *tail))
        out.append((draw(texts), size, *tail))
    return out


@pytest.mark.parametrize("shapes", [1, 3, 6])
def test_several_shapes_under_one_first_code(shapes: int) -> None:
    @settings(max_examples=max(_EXAMPLES // 4, 10), deadline=None, derandomize=True)
    @given(same_first_code(shapes), st.data())
    def run(items: List[Tuple[Any, ...]], data: Any) -> None:
        table.TABLE.reset()
        keys = [check(value) for value in items for _ in range(2)]  # each learned
        for key in keys:
            assert _fast(key) or shapes_module.shape_of(key, 0) is None
        order = data.draw(st.permutations(range(len(items))))
        for index in order:  # every shape now decodes through the table
            check(items[index])

    run()


@pytest.mark.parametrize("count", [2, 3, 5, 8, 13])
def test_shapes_under_one_code_are_told_apart(count: int) -> None:
    """The generated decoder's binary search over leaf groups reaches every shape."""
    keys = [found.pack(("s", 256**n, n % 2 == 0)) for n in range(count)]
    for key in keys:
        found.unpack(key)
        found.unpack(key)
    assert len(table.TABLE.shapes()) == count
    for _ in range(2):
        for n, key in enumerate(keys):
            assert _fast(key)
            assert found.unpack(key) == ("s", 256**n, n % 2 == 0)


@FAST
@given(st.lists(st.sampled_from([b"\x00", b"\xff", b"\x00\xff", b"ab"]), max_size=8), texts)
def test_escaped_strings_through_the_fast_path(parts: List[bytes], text: str) -> None:
    table.TABLE.reset()
    template = (b"\x00", "\x00", 5)
    check(template)
    check(template)
    value = (b"".join(parts), text, 5)
    key = check(value)
    assert _fast(key)


@FAST
@given(st.lists(st.uuids(), min_size=1, max_size=3), texts)
def test_uuids_from_the_fast_path_behave_as_uuids(uuids: List[UUID], text: str) -> None:
    table.TABLE.reset()
    value = (*uuids, text)
    for _ in range(3):
        check(value)
    decoded = found.unpack(found.pack(value))
    for ours, theirs in zip(decoded, uuids):
        assert ours == theirs and hash(ours) == hash(theirs) and str(ours) == str(theirs)
        assert ours.is_safe is theirs.is_safe
        assert ours.__reduce__() == theirs.__reduce__()
        copied = pickle.loads(pickle.dumps(ours))
        assert type(copied) is UUID and copied == theirs and copied.is_safe is theirs.is_safe
