"""found's tuple layer against `fdb.tuple` of the official binding (PyPI foundationdb 7.3.79).

Random nested tuples are packed by both and must give identical bytes; each decodes the
other's keys to the same values; sorting by packed bytes gives `fdb.tuple.compare` order;
`compare`, `range`, `pack_with_versionstamp`, `Versionstamp` and `SingleFloat` agree; and on
random or damaged bytes, found accepts exactly the canonical keys `fdb.tuple` reads back.

`fdb.tuple` imports without libfdb_c, but writing a Versionstamp reads `fdb.impl.Value`, and
importing `fdb.impl` loads libfdb_c. While these tests run, a stand-in `fdb.impl` with a
`Value` class is put on the `fdb` module unless the real one is already loaded.
"""

from __future__ import annotations

import functools
import math
import platform
import struct
import sys
import types
from typing import Any, Iterator, List
from uuid import UUID

import fdb
import fdb.tuple as ft
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import found
from found import SingleFloat, Versionstamp

# fdb bundles an old `six` whose meta-path importer has no find_spec(), so each later import
# warns (ImportWarning), which this test suite turns into errors. fdb never uses six.moves,
# the only thing that importer serves: take it out.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_SixMetaPathImporter"]

# Hypothesis generates slowly on PyPy: fewer (same) examples there keep the suite quick.
_EXAMPLES = 120 if platform.python_implementation() != "PyPy" else 40
FAST = settings(max_examples=_EXAMPLES, deadline=None, derandomize=True)


@pytest.fixture(scope="module", autouse=True)
def fdb_impl_stand_in() -> Iterator[None]:
    if hasattr(fdb, "impl"):
        yield
        return
    stand_in = types.ModuleType("fdb.impl")
    stand_in.Value = type("Value", (bytes,), {})  # type: ignore[attr-defined]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fdb, "impl", stand_in, raising=False)
        yield


# ----------------------------------------------------------------------------- value models


def to_fdb(value: Any) -> Any:
    """The same value built from fdb.tuple's types (lists stay lists: both accept them)."""
    if isinstance(value, Versionstamp):
        return ft.Versionstamp(value.tr_version, value.user_version)
    if isinstance(value, SingleFloat):
        return ft.SingleFloat(value.value)
    if isinstance(value, tuple):
        return tuple(to_fdb(item) for item in value)
    if isinstance(value, list):
        return [to_fdb(item) for item in value]
    return value


def from_fdb(value: Any) -> Any:
    if isinstance(value, ft.Versionstamp):
        return Versionstamp(value.tr_version, value.user_version)
    if isinstance(value, ft.SingleFloat):
        return SingleFloat(value.value)
    if isinstance(value, tuple):
        return tuple(from_fdb(item) for item in value)
    return value


def same(ours: Any, theirs: Any) -> bool:
    """Same types and values; floats by their bits (NaN payloads, -0.0).

    One deliberate difference: found keeps the exact bits of a 32-bit NaN it decodes, while
    fdb.tuple goes through a Python float, which turns a signalling NaN into a quiet one.
    """
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, tuple):
        return len(ours) == len(theirs) and all(same(x, y) for x, y in zip(ours, theirs))
    if isinstance(ours, float):
        return struct.pack(">d", ours) == struct.pack(">d", theirs)
    if isinstance(ours, SingleFloat) and math.isnan(ours.value):
        quieted = struct.unpack(">f", struct.pack(">f", ours.value))[0]
        return found.pack((SingleFloat(quieted),)) == found.pack((theirs,))
    return bool(ours == theirs)


def _double_from_bits(bits: int) -> float:
    return struct.unpack(">d", bits.to_bytes(8, "big"))[0]


_INT_EDGES = [s * (256**n + d) for n in range(1, 9) for d in (-1, 0, 1) for s in (1, -1)]
_INT_EDGES += [2**2040 - 1, -(2**2040 - 1), 2**64 - 1, -(2**64 - 1), 2**63, -(2**63), 0]

complete_stamps = st.builds(
    Versionstamp,
    st.binary(min_size=10, max_size=10).filter(lambda b: b != b"\xff" * 10),
    st.integers(0, 65535),
)
scalars = st.one_of(
    st.none(),
    st.binary(max_size=12),
    st.sampled_from([b"\x00", b"\x00\xff", b"\xff\x00", b"\x00\x00"]),
    st.text(max_size=8),
    st.integers(-(2**80), 2**80),
    st.integers(-(2**2040) + 1, 2**2040 - 1).filter(lambda n: n.bit_length() > 64),
    st.sampled_from(_INT_EDGES),
    st.floats(),
    st.builds(_double_from_bits, st.integers(0, 2**64 - 1)),
    st.builds(SingleFloat, st.floats(width=32)),
    st.builds(SingleFloat, st.floats()),
    st.booleans(),
    st.uuids(),
    complete_stamps,
)
elements = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4).map(tuple) | st.lists(inner, max_size=3)
)
tuples = st.lists(elements, max_size=6).map(tuple)


# ----------------------------------------------------------------------------- encode / decode


@FAST
@given(tuples)
def test_same_bytes_and_cross_decoding(value: tuple) -> None:
    ours = found.pack(value)
    theirs = ft.pack(to_fdb(value))
    assert ours == theirs
    assert same(found.unpack(theirs), from_fdb(ft.unpack(theirs)))
    assert ft.pack(ft.unpack(ours)) == ours
    assert found.pack(found.unpack(theirs)) == theirs


@FAST
@given(tuples, st.binary(max_size=6))
def test_prefix_and_range_agree(value: tuple, prefix: bytes) -> None:
    assert found.pack(value, prefix=prefix) == ft.pack(to_fdb(value), prefix=prefix)
    key = found.pack(value, prefix=prefix)
    assert same(found.unpack(key, prefix_len=len(prefix)), found.unpack(found.pack(value)))
    assert found.range(value) == ft.range(to_fdb(value))


@st.composite
def with_one_incomplete(draw: st.DrawFn) -> tuple:
    """A tuple with exactly one incomplete Versionstamp somewhere, maybe nested."""
    stamp = Versionstamp.incomplete(draw(st.integers(0, 65535)))
    value: List[Any] = list(draw(tuples))
    holder = value
    for _ in range(draw(st.integers(0, 3))):
        inner: List[Any] = list(draw(st.lists(elements, max_size=3)))
        holder.insert(draw(st.integers(0, len(holder))), inner)
        holder = inner
    holder.insert(draw(st.integers(0, len(holder))), stamp)
    return tuple(value)


@FAST
@given(with_one_incomplete(), st.binary(max_size=6))
def test_pack_with_versionstamp_agrees(value: tuple, prefix: bytes) -> None:
    assert found.has_incomplete_versionstamp(value)
    assert ft.has_incomplete_versionstamp(to_fdb(value))
    ours = found.pack_with_versionstamp(value, prefix=prefix)
    assert ours == ft.pack_with_versionstamp(to_fdb(value), prefix=prefix)
    with pytest.raises(ValueError):
        found.pack(value)
    doubled = (*value, Versionstamp.incomplete())
    with pytest.raises(ValueError):
        found.pack_with_versionstamp(doubled)
    with pytest.raises(ValueError):
        ft.pack_with_versionstamp(to_fdb(doubled))


@FAST
@given(tuples)
def test_has_incomplete_versionstamp_agrees_without_one(value: tuple) -> None:
    assert found.has_incomplete_versionstamp(value) is False
    assert ft.has_incomplete_versionstamp(to_fdb(value)) is False
    with pytest.raises(ValueError):
        found.pack_with_versionstamp(value)


# ----------------------------------------------------------------------------- order

order_elements = st.recursive(
    st.one_of(scalars, st.builds(Versionstamp.incomplete, st.integers(0, 65535))),
    lambda inner: st.lists(inner, max_size=3).map(tuple),
)
order_tuples = st.lists(order_elements, max_size=4).map(tuple)


def _sign(number: int) -> int:
    return (number > 0) - (number < 0)


@FAST
@given(order_tuples, order_tuples)
def test_compare_agrees(a: tuple, b: tuple) -> None:
    assert found.compare(a, b) == _sign(ft.compare(to_fdb(a), to_fdb(b)))


@FAST
@given(st.lists(tuples, min_size=2, max_size=6))
def test_sorting_by_bytes_is_fdb_compare_order(values: List[tuple]) -> None:
    by_bytes = sorted(values, key=found.pack)
    by_fdb = sorted(values, key=lambda v: functools.cmp_to_key(ft.compare)(to_fdb(v)))
    assert [found.pack(v) for v in by_bytes] == [found.pack(v) for v in by_fdb]
    for lower, upper in zip(by_bytes, by_bytes[1:]):
        assert ft.compare(to_fdb(lower), to_fdb(upper)) <= 0


# ----------------------------------------------------------------------------- value types


@FAST
@given(
    st.one_of(st.none(), st.binary(min_size=10, max_size=10)),
    st.integers(0, 65535),
    st.one_of(st.none(), st.binary(min_size=10, max_size=10)),
    st.integers(0, 65535),
)
def test_versionstamps_agree(tr_a: Any, user_a: int, tr_b: Any, user_b: int) -> None:
    a, b = Versionstamp(tr_a, user_a), Versionstamp(tr_b, user_b)
    fa, fb = ft.Versionstamp(tr_a, user_a), ft.Versionstamp(tr_b, user_b)
    assert a.to_bytes() == fa.to_bytes()
    assert hash(a) == hash(fa)
    assert (a == b, a < b, a <= b, a > b, a >= b) == (
        fa == fb,
        fa < fb,
        fa <= fb,
        fa > fb,
        fa >= fb,
    )
    assert Versionstamp.from_bytes(fa.to_bytes()) == from_fdb(
        ft.Versionstamp.from_bytes(a.to_bytes())
    )


@FAST
@given(st.one_of(st.floats(), st.builds(_double_from_bits, st.integers(0, 2**64 - 1))))
def test_single_floats_agree(number: float) -> None:
    ours, theirs = SingleFloat(number), ft.SingleFloat(number)
    assert struct.pack(">d", ours.value) == struct.pack(">d", theirs.value)
    assert found.pack((ours,)) == ft.pack((theirs,))
    if not math.isnan(number):
        assert hash(ours) == hash(theirs)
    other = SingleFloat(number / 3)
    assert (ours < other) == (theirs < ft.SingleFloat(number / 3))
    assert (ours == other) == (theirs == ft.SingleFloat(number / 3))


# ----------------------------------------------------------------------------- malformed input


def _fdb_reading(data: bytes) -> Any:
    """What fdb.tuple reads from `data`, or None if it fails (it may raise anything)."""
    try:
        return ft.unpack(data)
    except Exception:
        return None


def _check_against_fdb(data: bytes) -> None:
    try:
        ours = found.unpack(data)
    except ValueError:
        theirs = _fdb_reading(data)
        # Rejected: fdb.tuple either fails too or reads something that is not this key
        # (it accepts some truncated input, such as an unterminated string or nested tuple).
        if theirs is not None:
            assert not isinstance(theirs, tuple) or ft.pack(theirs) != data
        return
    theirs = _fdb_reading(data)
    assert theirs is not None, "found accepted a key that fdb.tuple cannot read"
    assert same(ours, from_fdb(theirs))


@FAST
@given(st.binary(max_size=48))
def test_random_bytes_against_fdb(data: bytes) -> None:
    _check_against_fdb(data)


@FAST
@given(tuples, st.integers(0, 2**32), st.integers(0, 3))
def test_damaged_keys_against_fdb(value: tuple, where: int, kind: int) -> None:
    key = bytearray(found.pack(value))
    at = where % (len(key) + 1)
    if kind == 0 and at < len(key):
        key[at] = where >> 8 & 0xFF
    elif kind == 1:
        del key[at:]
    elif kind == 2:
        del key[at : at + 1]
    else:
        key[at:at] = bytes([where >> 8 & 0xFF])
    _check_against_fdb(bytes(key))


def test_fixed_vector_provenance() -> None:
    """A few of test_tuple.py's vectors, recomputed with fdb.tuple in this run."""
    for value, hexkey in [
        ((2**64 - 1, -(2**64 - 1)), "1d08ffffffffffffffff0bf70000000000000000"),
        ((("vnstore", "changes"), UUID(int=1), True, None), None),
        (((None, (None, ()), b""),), "0500ff0500ff050000010000"),
    ]:
        packed = ft.pack(to_fdb(value))
        assert found.pack(value) == packed
        if hexkey is not None:
            assert packed.hex() == hexkey
