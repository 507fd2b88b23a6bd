"""Mutations (each with a `_DATABASE` variant that commits on its own and pushes
RESULT_NOT_PRESENT) and the transaction life cycle: SET, CLEAR, CLEAR_RANGE,
CLEAR_RANGE_STARTS_WITH, ATOMIC_OP, SET_READ_VERSION, conflict ranges, DISABLE_WRITE_CONFLICT,
COMMIT, RESET, CANCEL, NEW_TRANSACTION, USE_TRANSACTION and ON_ERROR."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict

import found

from .stack import NOT_PRESENT

if TYPE_CHECKING:
    from .machine import Instruction, StackMachine

__all__ = ["ATOMIC_OPS", "OPS"]

#: ATOMIC_OP's operation names and the public functions that perform them.
ATOMIC_OPS: Dict[str, Callable[[found.Transaction, bytes, bytes], object]] = {
    "ADD": found.add,
    "BIT_AND": found.bit_and,
    "BIT_OR": found.bit_or,
    "BIT_XOR": found.bit_xor,
    "AND": found.bit_and,
    "OR": found.bit_or,
    "XOR": found.bit_xor,
    "APPEND_IF_FITS": found.append_if_fits,
    "MAX": found.max,
    "MIN": found.min,
    "BYTE_MIN": found.byte_min,
    "BYTE_MAX": found.byte_max,
    "SET_VERSIONSTAMPED_KEY": found.set_versionstamped_key,
    "SET_VERSIONSTAMPED_VALUE": found.set_versionstamped_value,
    "COMPARE_AND_CLEAR": found.compare_and_clear,
}

#: Transaction option NEXT_WRITE_NO_WRITE_CONFLICT_RANGE.
NEXT_WRITE_NO_WRITE_CONFLICT_RANGE = 30


async def _mutate(m: StackMachine, inst: Instruction, func: Callable[[found.Transaction], object]):
    if inst.database:

        async def apply(tx: found.Transaction) -> None:
            func(tx)

        await found.transactional(m.db, apply)
        m.push(inst, NOT_PRESENT)
    else:
        func(m.transaction())


async def op_set(m: StackMachine, inst: Instruction) -> None:
    key, value = await m.pops(2)
    await _mutate(m, inst, lambda tx: found.set(tx, key, value))


async def op_clear(m: StackMachine, inst: Instruction) -> None:
    key = await m.pop()
    await _mutate(m, inst, lambda tx: found.clear(tx, key))


async def op_clear_range(m: StackMachine, inst: Instruction) -> None:
    begin, end = await m.pops(2)
    await _mutate(m, inst, lambda tx: found.clear(tx, begin, end))


async def op_clear_range_starts_with(m: StackMachine, inst: Instruction) -> None:
    prefix = await m.pop()
    end = found.next_prefix(prefix)
    await _mutate(m, inst, lambda tx: found.clear(tx, prefix, end))


async def op_atomic_op(m: StackMachine, inst: Instruction) -> None:
    name, key, value = await m.pops(3)
    func = ATOMIC_OPS.get(name)
    if func is None:
        raise ValueError(f"ATOMIC_OP: unknown operation {name!r}")
    await _mutate(m, inst, lambda tx: func(tx, key, value))


async def op_set_read_version(m: StackMachine, inst: Instruction) -> None:
    found.set_read_version(m.transaction(), m.last_version)


async def _conflict_range(m: StackMachine, inst: Instruction, kind: int) -> None:
    begin, end = await m.pops(2)
    found.add_conflict_range(m.transaction(), begin, end, kind)
    m.push(inst, b"SET_CONFLICT_RANGE")


async def _conflict_key(m: StackMachine, inst: Instruction, kind: int) -> None:
    key = await m.pop()
    found.add_conflict_range(m.transaction(), key, key + b"\x00", kind)
    m.push(inst, b"SET_CONFLICT_KEY")


async def op_read_conflict_range(m: StackMachine, inst: Instruction) -> None:
    await _conflict_range(m, inst, 0)


async def op_write_conflict_range(m: StackMachine, inst: Instruction) -> None:
    await _conflict_range(m, inst, 1)


async def op_read_conflict_key(m: StackMachine, inst: Instruction) -> None:
    await _conflict_key(m, inst, 0)


async def op_write_conflict_key(m: StackMachine, inst: Instruction) -> None:
    await _conflict_key(m, inst, 1)


async def op_disable_write_conflict(m: StackMachine, inst: Instruction) -> None:
    found.set_option(m.transaction(), NEXT_WRITE_NO_WRITE_CONFLICT_RANGE)


async def op_commit(m: StackMachine, inst: Instruction) -> None:
    await found.commit(m.transaction())
    m.push(inst, NOT_PRESENT)


async def op_reset(m: StackMachine, inst: Instruction) -> None:
    found.reset(m.transaction())


async def op_cancel(m: StackMachine, inst: Instruction) -> None:
    found.cancel(m.transaction())


async def op_new_transaction(m: StackMachine, inst: Instruction) -> None:
    m.new_transaction()


async def op_use_transaction(m: StackMachine, inst: Instruction) -> None:
    m.switch_transaction(await m.pop())


async def op_on_error(m: StackMachine, inst: Instruction) -> None:
    code = await m.pop()
    await found.on_error(m.transaction(), code)
    m.push(inst, NOT_PRESENT)


OPS = {
    "SET": op_set,
    "CLEAR": op_clear,
    "CLEAR_RANGE": op_clear_range,
    "CLEAR_RANGE_STARTS_WITH": op_clear_range_starts_with,
    "ATOMIC_OP": op_atomic_op,
    "SET_READ_VERSION": op_set_read_version,
    "READ_CONFLICT_RANGE": op_read_conflict_range,
    "WRITE_CONFLICT_RANGE": op_write_conflict_range,
    "READ_CONFLICT_KEY": op_read_conflict_key,
    "WRITE_CONFLICT_KEY": op_write_conflict_key,
    "DISABLE_WRITE_CONFLICT": op_disable_write_conflict,
    "COMMIT": op_commit,
    "RESET": op_reset,
    "CANCEL": op_cancel,
    "NEW_TRANSACTION": op_new_transaction,
    "USE_TRANSACTION": op_use_transaction,
    "ON_ERROR": op_on_error,
}
