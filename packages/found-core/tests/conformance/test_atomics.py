"""Atomic operations: exact edge cases of all twelve (semantics reference §7, §15.10), as pure
functions and through transactions against the database."""

from __future__ import annotations

import pytest

import found
from found import MutationType as T
from found._atomic import apply_atomic

CASES = [
    # (op, existing, param, result)
    (T.ADD, None, b"\x01\x00", b"\x01\x00"),
    (T.ADD, b"", b"\x05", b"\x05"),
    (T.ADD, b"\xff", b"\x01\x00", b"\x00\x01"),  # existing zero-extended to len(param)
    (T.ADD, b"\xff\xff", b"\x01", b"\x00"),  # truncated, carry dropped
    (T.ADD, b"\x05", b"", b""),
    (T.ADD, b"\x01\x00", b"\xff\xff", b"\x00\x00"),  # -1 two's complement
    (T.BIT_AND, None, b"\x0f", b"\x0f"),  # API >= 510: missing stores the param
    (T.BIT_AND, b"", b"\x0f", b"\x00"),
    (T.BIT_AND, b"\xff\xff", b"\x0f", b"\x0f"),
    (T.BIT_OR, None, b"\x0f", b"\x0f"),
    (T.BIT_OR, b"\xf0", b"\x0f\x01", b"\xff\x01"),
    (T.BIT_XOR, b"\xff", b"\x0f", b"\xf0"),
    (T.BIT_XOR, b"", b"\x0f", b"\x0f"),
    (T.APPEND_IF_FITS, None, b"ab", b"ab"),
    (T.APPEND_IF_FITS, b"ab", b"cd", b"abcd"),
    (T.APPEND_IF_FITS, b"ab", b"", b"ab"),
    (T.APPEND_IF_FITS, b"a" * 99_999, b"bc", b"a" * 99_999),  # silently no-op
    (T.APPEND_IF_FITS, b"a" * 99_998, b"bc", b"a" * 99_998 + b"bc"),
    (T.MAX, None, b"\x01", b"\x01"),
    (T.MAX, b"\x02\x00", b"\x01", b"\x02"),
    (T.MAX, b"\x00\x01", b"\xff\x00", b"\x00\x01"),  # little-endian: 256 > 255
    (T.MAX, b"\x05", b"", b""),
    (T.MIN, None, b"\x09", b"\x09"),  # API >= 510
    (T.MIN, b"", b"\x09", b"\x00"),
    (T.MIN, b"\x00\x01", b"\xff\x00", b"\xff\x00"),
    (T.MIN, b"\x03\x00\x07", b"\x05", b"\x03"),
    (T.BYTE_MIN, None, b"b", b"b"),
    (T.BYTE_MIN, b"ab", b"b", b"ab"),
    (T.BYTE_MIN, b"b", b"ab", b"ab"),
    (T.BYTE_MAX, b"ab", b"b", b"b"),
    (T.BYTE_MAX, b"abc", b"ab", b"abc"),  # full-string comparison, no resizing
    (T.COMPARE_AND_CLEAR, None, b"x", None),
    (T.COMPARE_AND_CLEAR, b"x", b"x", None),
    (T.COMPARE_AND_CLEAR, b"y", b"x", b"y"),
]


@pytest.mark.parametrize("op, existing, param, result", CASES)
def test_apply_atomic(op, existing, param, result):
    assert apply_atomic(int(op), existing, param) == result


def test_apply_atomic_rejects_non_atomic_codes():
    for code in (0, 1, 3, 14, 15, 21):
        with pytest.raises(ValueError):
            apply_atomic(code, None, b"")


_FUNCTIONS = {
    T.ADD: found.add,
    T.BIT_AND: found.bit_and,
    T.BIT_OR: found.bit_or,
    T.BIT_XOR: found.bit_xor,
    T.APPEND_IF_FITS: found.append_if_fits,
    T.MAX: found.max,
    T.MIN: found.min,
    T.BYTE_MIN: found.byte_min,
    T.BYTE_MAX: found.byte_max,
    T.COMPARE_AND_CLEAR: found.compare_and_clear,
}


@pytest.mark.parametrize("op, existing, param, result", [c for c in CASES if len(c[1] or b"") < 10])
async def test_atomic_through_database(db, op, existing, param, result):
    tx = found.make_transaction(db)
    found.clear(tx, b"key")
    if existing is not None:
        found.set(tx, b"key", existing)
    await found.commit(tx)
    tx = found.make_transaction(db)
    _FUNCTIONS[op](tx, b"key", param)
    await found.commit(tx)
    tx = found.make_transaction(db)
    assert await found.get(tx, b"key") == result


async def test_invalid_mutation_type_is_2018(db):
    tx = found.make_transaction(db)
    tx.backend.atomic_op(b"k", b"\x01", 3)
    with pytest.raises(found.FoundException) as info:
        await found.commit(tx)
    assert info.value.code == 2018


async def test_atomic_param_too_large_is_2103(db):
    tx = found.make_transaction(db)
    found.add(tx, b"k", b"\x01" * 100_001)
    with pytest.raises(found.FoundException) as info:
        await found.get(tx, b"k")
    assert info.value.code == 2103
