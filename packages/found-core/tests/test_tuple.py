"""The tuple layer on its own: fixed keys, each type's edge cases, errors and properties.

The byte vectors below were produced by `fdb.tuple` of the official binding (foundationdb
7.3.79); the last group has the key shapes the asyncio-foundationdb 0.13 layers wrote
(nstore, eavstore, bstore, vnstore, pstore). Keys written by either must read back unchanged
and be written again byte for byte. The comparison against `fdb.tuple` itself, on random
input, is in test_tuple_differential.py.
"""

from __future__ import annotations

import ctypes
import enum
import math
import platform
import struct
from collections import namedtuple
from typing import Any, List
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import found
from found import SingleFloat, Versionstamp

# Hypothesis generates slowly on PyPy: fewer (same) examples there keep the suite quick.
_EXAMPLES = 150 if platform.python_implementation() != "PyPy" else 50
FAST = settings(max_examples=_EXAMPLES, deadline=None, derandomize=True)


def _f64(hexbits: str) -> float:
    return struct.unpack(">d", bytes.fromhex(hexbits))[0]


def same(a: Any, b: Any) -> bool:
    """Equality that tells -0.0 from 0.0, compares NaNs by their bits and lists as tuples."""
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (
            isinstance(a, tuple)
            and isinstance(b, (tuple, list))
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b))
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack(">d", a) == struct.pack(">d", b)
    return bool(a == b)


VECTORS = [
    ((), ""),
    ((None,), "00"),
    ((b"foo\x00bar",), "01666f6f00ff62617200"),
    (("F\u00d4O\u0000bar",), "0246c3944f00ff62617200"),
    ((0,), "14"),
    ((1,), "1501"),
    ((-1,), "13fe"),
    ((255,), "15ff"),
    ((256,), "160100"),
    ((-255,), "1300"),
    ((-256,), "12feff"),
    ((-5551212,), "11ab4b93"),
    ((2**64 - 2,), "1cfffffffffffffffe"),
    ((2**64 - 1,), "1d08ffffffffffffffff"),
    ((-(2**64 - 1),), "0bf70000000000000000"),
    ((2**64,), "1d09010000000000000000"),
    ((-(2**64),), "0bf6feffffffffffffffff"),
    ((2**100, -(2**100)), "1d0d100000000000000000000000000bf2efffffffffffffffffffffffff"),
    ((2**2040 - 1,), "1dff" + "ff" * 255),
    ((-(2**2040 - 1),), "0b00" + "00" * 255),
    ((True, False), "2726"),
    (
        (1.0, -1.0, 0.0, -0.0),
        "21bff000000000000021400fffffffffffff218000000000000000217fffffffffffffff",
    ),
    (
        (3.14, -2.5e-300, float("inf"), float("-inf")),
        "21c0091eb851eb851f217e4536584c48cfd021fff000000000000021000fffffffffffff",
    ),
    (
        (_f64("7ff8000000000000"), _f64("7ff0000000000001"), _f64("fff8000000000123")),
        "21fff800000000000021fff0000000000001210007fffffffffedc",
    ),
    (
        (SingleFloat(-42.0), SingleFloat(1.5), SingleFloat(-0.0), SingleFloat(float("inf"))),
        "203dd7ffff20bfc00000207fffffff20ff800000",
    ),
    (
        (SingleFloat(1e300), SingleFloat(-1e300), SingleFloat(0.1)),
        "20ff80000020007fffff20bdcccccd",
    ),
    (((b"foo\x00bar", None, ()),), "0501666f6f00ff6261720000ff050000"),
    (((),), "0500"),
    (((None,),), "0500ff00"),
    (((1, (None,)),), "0515010500ff0000"),
    (((None, (None, ()), b""),), "0500ff0500ff050000010000"),
    ((UUID(int=1),), "3000000000000000000000000000000001"),
    ((UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),), "300f1e2d3c4b5a69788796a5b4c3d2e1f0"),
    ((Versionstamp(bytes(range(10)), 65535),), "3300010203040506070809ffff"),
    ((Versionstamp(b"\x01" * 10, 5),), "33010101010101010101010005"),
    (("\u65e5\u672c\u8a9e", "\U0001f600", ""), "02e697a5e69cace8aa9e0002f09f9880000200"),
    ((b"\x00\x00\xff\x00", b"", b"\xff"), "0100ff00ffff00ff00010001ff00"),
    (
        ("nstore", 0, UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), "title", "hello world"),
        "026e73746f72650014300f1e2d3c4b5a69788796a5b4c3d2e1f0027469746c65000268656c6c6f20"
        "776f726c6400",
    ),
    (
        (("eavstore",), UUID(int=1), "age", 42),
        "050265617673746f7265000030000000000000000000000000000000010261676500152a",
    ),
    (
        (("bstore",), "blob", UUID(int=1), 3),
        "05026273746f7265000002626c6f620030000000000000000000000000000000011503",
    ),
    (
        (("vnstore", "changes"), UUID(int=1), 1700000000, True, None),
        "0502766e73746f726500026368616e67657300003000000000000000000000000000000001186553f1002700",
    ),
    ((("pstore",), "token", 1.25, -3), "05027073746f7265000002746f6b656e0021bff400000000000013fc"),
    ((256**1 - 1, 256**1, -(256**1 - 1), -(256**1)), "15ff160100130012feff"),
    ((256**2 - 1, 256**2, -(256**2 - 1), -(256**2)), "16ffff1701000012000011feffff"),
    ((256**3 - 1, 256**3, -(256**3 - 1), -(256**3)), "17ffffff18010000001100000010feffffff"),
    (
        (256**4 - 1, 256**4, -(256**4 - 1), -(256**4)),
        "18ffffffff19010000000010000000000ffeffffffff",
    ),
    (
        (256**5 - 1, 256**5, -(256**5 - 1), -(256**5)),
        "19ffffffffff1a0100000000000f00000000000efeffffffffff",
    ),
    (
        (256**6 - 1, 256**6, -(256**6 - 1), -(256**6)),
        "1affffffffffff1b010000000000000e0000000000000dfeffffffffffff",
    ),
    (
        (256**7 - 1, 256**7, -(256**7 - 1), -(256**7)),
        "1bffffffffffffff1c01000000000000000d000000000000000cfeffffffffffffff",
    ),
    (
        (256**8 - 1, 256**8, -(256**8 - 1), -(256**8)),
        "1d08ffffffffffffffff1d090100000000000000000bf700000000000000000bf6feffffffffffffffff",
    ),
]
STAMPED = [
    ((b"a", Versionstamp.incomplete(3)), b"", "01610033ffffffffffffffffffff000304000000"),
    (
        ("k", (1, Versionstamp.incomplete(7)), "z"),
        b"pre",
        "707265026b0005150133ffffffffffffffffffff000700027a000a000000",
    ),
    ((Versionstamp(), None), b"\x00\xff", "00ff33ffffffffffffffffffff00000003000000"),
]


@pytest.mark.parametrize(("value", "hexkey"), VECTORS)
def test_vectors_pack(value: tuple, hexkey: str) -> None:
    assert found.pack(value) == bytes.fromhex(hexkey)


@pytest.mark.parametrize(("value", "hexkey"), VECTORS)
def test_vectors_unpack(value: tuple, hexkey: str) -> None:
    key = bytes.fromhex(hexkey)
    decoded = found.unpack(key)
    assert same(decoded, value)
    assert found.pack(decoded) == key


@pytest.mark.parametrize(("value", "prefix", "hexkey"), STAMPED)
def test_stamped_vectors(value: tuple, prefix: bytes, hexkey: str) -> None:
    packed = found.pack_with_versionstamp(value, prefix=prefix)
    assert packed == bytes.fromhex(hexkey)
    offset = struct.unpack("<I", packed[-4:])[0]
    assert packed[offset : offset + 10] == b"\xff" * 10
    assert packed[: len(prefix)] == prefix


def test_stamped_offset_ignores_earlier_ff_runs() -> None:
    stamp = Versionstamp.incomplete(9)
    value = (b"\xff" * 12, (Versionstamp(b"\xff" * 9 + b"\x00", 1), stamp))
    packed = found.pack_with_versionstamp(value)
    offset = struct.unpack("<I", packed[-4:])[0]
    assert found.unpack(packed[:-4])[1][1] == stamp
    assert packed[offset - 1] == 0x33 and packed[offset + 10 : offset + 12] == b"\x00\x09"


def test_incomplete_versionstamp_rules() -> None:
    incomplete = Versionstamp.incomplete(1)
    for value in [(incomplete,), (1, (2, [incomplete]))]:
        assert found.has_incomplete_versionstamp(value)
        with pytest.raises(ValueError, match="incomplete Versionstamp"):
            found.pack(value)
    assert not found.has_incomplete_versionstamp((Versionstamp(b"a" * 10), (None, [1])))
    with pytest.raises(ValueError, match="needs an incomplete Versionstamp"):
        found.pack_with_versionstamp((1, Versionstamp(b"a" * 10)))
    for two in [
        (incomplete, incomplete),
        (incomplete, (incomplete,)),
        ((incomplete,), [incomplete]),
    ]:
        with pytest.raises(ValueError, match="more than one"):
            found.pack_with_versionstamp(two)


def test_range_covers_strict_extensions_only() -> None:
    span = found.range(("a", 1))
    assert isinstance(span, slice)
    key = found.pack(("a", 1))
    assert (span.start, span.stop) == (key + b"\x00", key + b"\xff")
    assert not span.start <= key < span.stop
    for longer in [
        ("a", 1, None),
        ("a", 1, b""),
        ("a", 1, (2,)),
        ("a", 1, Versionstamp(b"z" * 10)),
    ]:
        assert span.start <= found.pack(longer) < span.stop
    for other in [("a", 2), ("a",), ("a", 0, 9), ("b",)]:
        assert not span.start <= found.pack(other) < span.stop
    assert found.range((), prefix=b"p") == slice(b"p\x00", b"p\xff")


def test_prefix_and_prefix_len() -> None:
    value = ("x", 7, (None,))
    packed = found.pack(value, prefix=b"\x01pre")
    assert packed == b"\x01pre" + found.pack(value)
    assert found.pack(value, prefix=None) == found.pack(value)
    assert found.pack(value, prefix=bytearray(b"ab")) == b"ab" + found.pack(value)
    assert found.unpack(packed, prefix_len=4) == value
    assert found.unpack(packed, 4) == value
    assert found.unpack(b"abc", prefix_len=3) == ()
    with pytest.raises(ValueError, match="prefix_len"):
        found.unpack(b"abc", prefix_len=4)
    with pytest.raises(ValueError, match="prefix_len"):
        found.unpack(b"abc", prefix_len=-1)
    with pytest.raises(TypeError, match="prefix_len"):
        found.unpack(b"abc", prefix_len="1")
    with pytest.raises(TypeError, match="prefix must be bytes"):
        found.pack((1,), prefix="p")


def test_concatenation() -> None:
    a, b = ("a", (1, None), 2.5), (b"\x00", UUID(int=7), [None])
    assert found.pack(a + tuple(b)) == found.pack(a) + found.pack(b)


def test_lists_and_bytes_like_inputs() -> None:
    # asyncio-foundationdb 0.13 packed lists too; they come back as tuples.
    assert found.pack(["a", [1, [None]]]) == found.pack(("a", (1, (None,))))
    assert found.unpack(found.pack(["a", [1, [None]]])) == ("a", (1, (None,)))
    key = found.pack(("k", b"\x00v"))
    assert found.unpack(bytearray(key)) == ("k", b"\x00v")
    assert found.unpack(memoryview(key)) == ("k", b"\x00v")
    assert type(found.unpack(bytearray(key))[1]) is bytes


class Color(enum.IntEnum):
    RED = 1
    BLUE = 300


class Name(str):
    pass


class Blob(bytes):
    pass


class Ratio(float):
    pass


Point = namedtuple("Point", "x y")


def test_subclasses_and_ctypes_encode_as_their_base_type() -> None:
    assert found.pack((Color.BLUE, Name("n"), Blob(b"\x00"), Ratio(0.5))) == found.pack(
        (300, "n", b"\x00", 0.5)
    )
    assert found.pack((Point(1, [2]),)) == found.pack(((1, (2,)),))
    assert found.pack((ctypes.c_double(1.25),)) == found.pack((1.25,))
    assert found.pack((ctypes.c_float(1.25),)) == found.pack((SingleFloat(1.25),))
    assert found.pack((True, False)) != found.pack((1, 0))


@pytest.mark.parametrize("bad", [object(), {1: 2}, {3}, 1j, bytearray(b"x"), Ellipsis])
def test_unsupported_types_raise_type_error(bad: Any) -> None:
    name = type(bad).__qualname__
    with pytest.raises(TypeError, match=name):
        found.pack((bad,))
    with pytest.raises(TypeError, match=name):
        found.pack(("ok", (1, bad)))
    with pytest.raises(TypeError, match=name):
        found.compare((bad,), (1,))


@pytest.mark.parametrize("bad", ["abc", b"abc", 3, None, {"a": 1}])
def test_non_tuples_raise_type_error(bad: Any) -> None:
    for function in (found.pack, found.pack_with_versionstamp, found.range):
        with pytest.raises(TypeError, match="expects a tuple"):
            function(bad)
    with pytest.raises(TypeError, match="expects bytes"):
        found.unpack(bad if not isinstance(bad, bytes) else "abc")


def test_integer_limits() -> None:
    top = 2**2040 - 1
    assert found.unpack(found.pack((top, -top))) == (top, -top)
    for too_big in (top + 1, -top - 1, 10**1000):
        with pytest.raises(ValueError, match="too large"):
            found.pack((too_big,))


def test_too_deep_or_cyclic_structures_raise_value_error() -> None:
    deep: Any = ()
    for _ in range(5000):
        deep = (deep,)
    with pytest.raises(ValueError, match="nested too deeply"):
        found.pack((deep,))
    cyclic: List[Any] = [1]
    cyclic.append(cyclic)
    with pytest.raises(ValueError, match="nested too deeply"):
        found.pack((cyclic,))


def test_deep_nesting_decodes_without_recursion() -> None:
    depth = 20000
    decoded = found.unpack(b"\x05" * depth + b"\x00" * depth)
    for _ in range(depth):
        assert len(decoded) == 1
        decoded = decoded[0]
    assert decoded == ()


@pytest.mark.parametrize(
    ("hexkey", "value"),
    [
        ("160001", 1),  # a non-minimal positive integer
        ("1c" + "ff" * 8, 2**64 - 1),  # 2**64 - 1 in the 8-byte form
        ("0c" + "00" * 8, -(2**64 - 1)),
        ("1d00", 0),  # a zero-length big integer
        ("1d0105", 5),
        ("0bff", 0),
        ("0bfefa", -5),
    ],
)
def test_decoder_accepts_what_fdb_tuple_accepts(hexkey: str, value: int) -> None:
    assert found.unpack(bytes.fromhex(hexkey)) == (value,)


@pytest.mark.parametrize(
    ("hexkey", "offset", "what"),
    [
        ("05", 0, "nested tuple has no terminating"),
        ("0515010500", 0, "nested tuple has no terminating"),
        ("0515010502", 4, "has no terminating 0x00"),
        ("15010561", 3, "unknown type code 0x61"),
        ("026162", 0, "no terminating 0x00"),
        ("02610001", 3, "no terminating 0x00"),
        ("0161", 0, "no terminating 0x00"),
        ("026100ff", 0, "no terminating 0x00"),
        ("02ff00", 0, "not UTF-8"),
        ("02c300", 0, "not UTF-8"),
        ("1501ff", 2, "unknown type code 0xff"),
        ("00ff", 1, "unknown type code 0xff"),
        ("03", 0, "unknown type code 0x03"),
        ("0a", 0, "unknown type code 0x0a"),
        ("25", 0, "unknown type code 0x25"),
        ("16", 0, "needs 2 bytes, 0 left"),
        ("1501" + "1c0102", 2, "needs 8 bytes, 2 left"),
        ("12ff", 0, "needs 2 bytes, 1 left"),
        ("1d", 0, "no length byte"),
        ("0b", 0, "no length byte"),
        ("1d0301", 0, "needs 3 bytes, 1 left"),
        ("0bfc01", 0, "needs 3 bytes, 1 left"),
        ("20000000", 0, "needs 4 bytes, 3 left"),
        ("21" + "00" * 7, 0, "needs 8 bytes, 7 left"),
        ("30" + "00" * 15, 0, "needs 16 bytes, 15 left"),
        ("33" + "00" * 11, 0, "needs 12 bytes, 11 left"),
    ],
)
def test_malformed_input_names_the_offset(hexkey: str, offset: int, what: str) -> None:
    with pytest.raises(ValueError, match=f"offset {offset}: .*{what}"):
        found.unpack(bytes.fromhex(hexkey))


# ----------------------------------------------------------------------------- Versionstamp


def test_versionstamp_construction_and_bytes() -> None:
    stamp = Versionstamp(bytes(range(10)), 258)
    assert stamp.is_complete() and stamp.tr_version == bytes(range(10))
    assert stamp.to_bytes() == bytes(range(10)) + b"\x01\x02"
    assert Versionstamp.from_bytes(b"xx" + stamp.to_bytes(), 2) == stamp
    incomplete = Versionstamp.incomplete(7)
    assert not incomplete.is_complete() and incomplete == Versionstamp(None, 7)
    assert Versionstamp() == Versionstamp.incomplete(0)
    assert incomplete.to_bytes() == b"\xff" * 10 + b"\x00\x07"
    assert Versionstamp.from_bytes(incomplete.to_bytes()) == incomplete
    assert incomplete.completed(b"c" * 10) == Versionstamp(b"c" * 10, 7)
    with pytest.raises(RuntimeError):
        stamp.completed(b"d" * 10)
    assert eval(repr(stamp)) == stamp
    assert bool(incomplete) and bool(stamp)  # truthy, as fdb.tuple's are on Python 3


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("abcdefghij",), TypeError),
        ((b"short",), ValueError),
        ((b"x" * 11,), ValueError),
        ((None, -1), ValueError),
        ((None, 65536), ValueError),
        ((None, 1.0), TypeError),
    ],
)
def test_versionstamp_validation(args: tuple, error: type) -> None:
    with pytest.raises(error):
        Versionstamp(*args)


def test_versionstamp_from_bytes_errors() -> None:
    with pytest.raises(ValueError, match="12 bytes"):
        Versionstamp.from_bytes(b"\x00" * 11)
    with pytest.raises(ValueError, match="12 bytes"):
        Versionstamp.from_bytes(b"\x00" * 12, 1)
    with pytest.raises(TypeError):
        Versionstamp.from_bytes("x" * 12)


def test_mutated_versionstamps_are_not_silently_padded() -> None:
    stamp = Versionstamp(b"a" * 10, 1)
    stamp.tr_version = b"short"
    with pytest.raises(ValueError, match="transaction version"):
        found.pack((stamp,))
    stamp = Versionstamp(b"a" * 10, 1)
    stamp.user_version = 70000
    with pytest.raises(ValueError, match="user version"):
        found.pack((stamp,))


def test_versionstamp_order_and_hash() -> None:
    low, high = Versionstamp(b"\x00" * 10, 9), Versionstamp(b"\x00" * 9 + b"\x01", 0)
    pending = [Versionstamp.incomplete(2), Versionstamp.incomplete(1)]
    ordered = sorted([*pending, high, low])
    assert ordered == [low, high, Versionstamp.incomplete(1), Versionstamp.incomplete(2)]
    assert low < high <= high < pending[0] and pending[1] < pending[0]
    assert Versionstamp(b"a" * 10, 1) != Versionstamp(b"a" * 10, 2)
    assert Versionstamp(b"a" * 10, 1) != (b"a" * 10, 1)
    assert {Versionstamp(b"a" * 10, 1), Versionstamp(b"a" * 10, 1)} == {Versionstamp(b"a" * 10, 1)}
    assert hash(Versionstamp.incomplete(5)) == hash(5)
    with pytest.raises(TypeError):
        _ = low < 1


# ----------------------------------------------------------------------------- SingleFloat


def _f32_round(value: float) -> float:
    return struct.unpack(">f", struct.pack(">f", value))[0]


def test_single_float_rounds_to_binary32() -> None:
    assert SingleFloat(0.1).value == _f32_round(0.1) != 0.1
    assert SingleFloat(3).value == 3.0
    assert SingleFloat(ctypes.c_float(2.5)).value == 2.5
    assert SingleFloat(1e300).value == math.inf and SingleFloat(-1e300).value == -math.inf
    assert SingleFloat(3.4028235e38).value == 3.4028234663852886e38  # FLT_MAX stays finite
    assert float(SingleFloat(0.5)) == 0.5
    single = SingleFloat(1.0)
    single.value = 0.1
    assert single == SingleFloat(0.1)
    with pytest.raises(TypeError, match="str"):
        SingleFloat("1.0")


def test_single_float_equality_and_order_follow_the_bytes() -> None:
    nan = SingleFloat(math.nan)
    values = [SingleFloat(-math.inf), SingleFloat(-1.0), SingleFloat(-0.0), SingleFloat(0.0)]
    values += [SingleFloat(1e-40), SingleFloat(2.0), SingleFloat(math.inf), nan]
    assert sorted(reversed(values)) == values
    keys = [found.pack((v,)) for v in values]
    assert keys == sorted(keys)
    assert SingleFloat(0.0) != SingleFloat(-0.0)
    assert nan == SingleFloat(math.nan) and hash(nan) == hash(SingleFloat(math.nan))
    assert SingleFloat(1.0) != 1.0 and hash(SingleFloat(1.0)) != hash(1.0)
    assert hash(SingleFloat(2.5)) == hash(SingleFloat(2.5))
    assert "2.5" in repr(SingleFloat(2.5)) and str(SingleFloat(2.5)) == "2.5"


@pytest.mark.parametrize("bits", ["7f800001", "ffbfffff", "7fc00001", "ff800123"])
def test_single_float_nan_payloads_survive_a_round_trip(bits: str) -> None:
    raw = int(bits, 16)
    stored = raw ^ 0x80000000 if raw < 0x80000000 else raw ^ 0xFFFFFFFF
    key = b"\x20" + stored.to_bytes(4, "big")
    decoded = found.unpack(key)[0]
    assert isinstance(decoded, SingleFloat) and math.isnan(decoded.value)
    assert found.pack((decoded,)) == key


# ----------------------------------------------------------------------------- compare


def test_compare_examples() -> None:
    ascending = [
        (),
        (None,),
        (None, None),
        (b"",),
        (b"\x00",),
        (b"a",),
        ("",),
        ("a\x00",),
        ("b",),
        ("\u00e9",),
        ((),),
        ((None,),),
        ((1,),),
        (-(2**100),),
        (-1,),
        (0,),
        (255,),
        (2**64,),
        (SingleFloat(-1.0),),
        (SingleFloat(5.0),),
        (-math.inf,),
        (-0.0,),
        (0.0,),
        (math.nan,),
        (False,),
        (True,),
        (UUID(int=0),),
        (UUID(int=1),),
        (Versionstamp(b"\x00" * 10, 1),),
        (Versionstamp(b"\x01" * 10, 0),),
        (Versionstamp.incomplete(0),),
        (Versionstamp.incomplete(1),),
    ]
    for i, a in enumerate(ascending):
        for j, b in enumerate(ascending):
            assert found.compare(a, b) == (i > j) - (i < j), (a, b)
    assert found.compare([1, [2]], (1, (2,))) == 0
    with pytest.raises(TypeError, match="expects tuples"):
        found.compare("ab", ("a",))
    assert found.compare((2**3000,), (2**3001,)) == -1  # beyond what pack can write


# ----------------------------------------------------------------------------- properties

_INT_EDGES = [s * (256**n + d) for n in range(1, 9) for d in (-1, 0, 1) for s in (1, -1)]
_INT_EDGES += [2**2040 - 1, -(2**2040 - 1), 2**64 - 1, -(2**64 - 1), 0]


def _double_from_bits(bits: int) -> float:
    return struct.unpack(">d", bits.to_bytes(8, "big"))[0]


scalars = st.one_of(
    st.none(),
    st.binary(max_size=12),
    st.text(max_size=8),
    st.integers(-(2**80), 2**80),
    st.sampled_from(_INT_EDGES),
    st.floats(),
    st.builds(_double_from_bits, st.integers(0, 2**64 - 1)),
    st.builds(SingleFloat, st.floats(width=32)),
    st.booleans(),
    st.uuids(),
    st.builds(
        Versionstamp,
        st.binary(min_size=10, max_size=10).filter(lambda b: b != b"\xff" * 10),
        st.integers(0, 65535),
    ),
)
elements = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4).map(tuple) | st.lists(inner, max_size=3)
)
tuples = st.lists(elements, max_size=6).map(tuple)


@FAST
@given(tuples)
def test_round_trip(value: tuple) -> None:
    key = found.pack(value)
    decoded = found.unpack(key)
    assert same(decoded, value)
    assert found.pack(decoded) == key


@FAST
@given(tuples, tuples)
def test_byte_order_is_compare_order(a: tuple, b: tuple) -> None:
    ka, kb = found.pack(a), found.pack(b)
    assert found.compare(a, b) == (ka > kb) - (ka < kb)
    assert found.pack(a + b) == ka + kb


@FAST
@given(st.binary(max_size=40))
def test_random_bytes_raise_only_value_error(data: bytes) -> None:
    try:
        found.unpack(data)
    except ValueError:
        pass


@FAST
@given(tuples, st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2**16), st.binary(max_size=3))))
def test_mutated_keys_raise_only_value_error(value: tuple, edits: list) -> None:
    key = bytearray(found.pack(value))
    for kind, where, data in edits:
        at = where % (len(key) + 1)
        if kind == 0 and at < len(key):
            key[at] ^= 1 << (where % 8)
        elif kind == 1:
            key[at:at] = data
        elif kind == 2:
            del key[at : at + 1 + where % 3]
        elif kind == 3:
            del key[at:]
        else:
            key[at:at] = bytes([where & 0xFF])
    try:
        decoded = found.unpack(bytes(key))
    except ValueError:
        return
    # Whatever is accepted is a well-formed tuple: it packs again (canonically) to a key that
    # decodes to the same values; only an incomplete stamp (ten 0xff bytes) cannot be packed.
    if not found.has_incomplete_versionstamp(decoded):
        assert same(found.unpack(found.pack(decoded)), decoded)
