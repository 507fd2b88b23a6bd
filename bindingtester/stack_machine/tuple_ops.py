"""Tuple and float instructions: TUPLE_PACK, TUPLE_PACK_WITH_VERSIONSTAMP, TUPLE_UNPACK,
TUPLE_RANGE, TUPLE_SORT, ENCODE_FLOAT, ENCODE_DOUBLE, DECODE_FLOAT, DECODE_DOUBLE."""

from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING, Any, Iterable

import found

if TYPE_CHECKING:
    from .machine import Instruction, StackMachine

__all__ = ["OPS", "count_incomplete"]


def count_incomplete(items: Iterable[Any]) -> int:
    """How many incomplete versionstamps `items` holds, nested tuples included."""
    total = 0
    for item in items:
        if isinstance(item, found.Versionstamp) and not item.is_complete():
            total += 1
        elif isinstance(item, (tuple, list)):
            total += count_incomplete(item)
    return total


async def _pop_tuple(m: StackMachine) -> tuple:
    count = await m.pop()
    return tuple(await m.pops(count))


async def op_tuple_pack(m: StackMachine, inst: Instruction) -> None:
    m.push(inst, found.pack(await _pop_tuple(m)))


async def op_tuple_pack_with_versionstamp(m: StackMachine, inst: Instruction) -> None:
    prefix = await m.pop()
    items = await _pop_tuple(m)
    incomplete = count_incomplete(items)
    if incomplete == 0:
        m.push(inst, b"ERROR: NONE")
    elif incomplete > 1:
        m.push(inst, b"ERROR: MULTIPLE")
    else:
        packed = found.pack_with_versionstamp(items, prefix)
        m.push(inst, b"OK")
        m.push(inst, packed)


async def op_tuple_unpack(m: StackMachine, inst: Instruction) -> None:
    for item in found.unpack(await m.pop()):
        m.push(inst, found.pack((item,)))


async def op_tuple_range(m: StackMachine, inst: Instruction) -> None:
    span = found.range(await _pop_tuple(m))
    m.push(inst, span.start)
    m.push(inst, span.stop)


async def op_tuple_sort(m: StackMachine, inst: Instruction) -> None:
    count = await m.pop()
    tuples = [found.unpack(packed) for packed in await m.pops(count)]
    for item in sorted(tuples, key=found.pack):
        m.push(inst, found.pack(item))


async def op_encode_float(m: StackMachine, inst: Instruction) -> None:
    (value,) = struct.unpack(">f", await m.pop())
    # Integral values become ints, as in the official tester; zeros (either sign) stay floats.
    if not (math.isnan(value) or math.isinf(value)) and value != 0.0 and value == int(value):
        value = int(value)
    m.push(inst, found.SingleFloat(value))


async def op_encode_double(m: StackMachine, inst: Instruction) -> None:
    (value,) = struct.unpack(">d", await m.pop())
    m.push(inst, value)


async def op_decode_float(m: StackMachine, inst: Instruction) -> None:
    single = await m.pop()
    m.push(inst, struct.pack(">f", single.value))


async def op_decode_double(m: StackMachine, inst: Instruction) -> None:
    m.push(inst, struct.pack(">d", await m.pop()))


OPS = {
    "TUPLE_PACK": op_tuple_pack,
    "TUPLE_PACK_WITH_VERSIONSTAMP": op_tuple_pack_with_versionstamp,
    "TUPLE_UNPACK": op_tuple_unpack,
    "TUPLE_RANGE": op_tuple_range,
    "TUPLE_SORT": op_tuple_sort,
    "ENCODE_FLOAT": op_encode_float,
    "ENCODE_DOUBLE": op_encode_double,
    "DECODE_FLOAT": op_decode_float,
    "DECODE_DOUBLE": op_decode_double,
}
