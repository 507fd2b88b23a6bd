"""Data instructions: PUSH, DUP, EMPTY_STACK, SWAP, POP, SUB, CONCAT, WAIT_FUTURE, LOG_STACK."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Tuple

import found

if TYPE_CHECKING:
    from .machine import Instruction, StackMachine

__all__ = ["OPS"]

#: LOG_STACK truncates each packed item to this many bytes.
LOG_VALUE_LIMIT = 40000
#: LOG_STACK writes at most this many items per transaction.
LOG_BATCH = 100


async def op_push(m: StackMachine, inst: Instruction) -> None:
    m.push(inst, inst.arg)


async def op_dup(m: StackMachine, inst: Instruction) -> None:
    m.stack.dup()


async def op_empty_stack(m: StackMachine, inst: Instruction) -> None:
    m.stack.clear()


async def op_swap(m: StackMachine, inst: Instruction) -> None:
    depth = await m.pop()
    m.stack.swap(depth)


async def op_pop(m: StackMachine, inst: Instruction) -> None:
    await m.pop()


async def op_sub(m: StackMachine, inst: Instruction) -> None:
    a, b = await m.pops(2)
    m.push(inst, a - b)


async def op_concat(m: StackMachine, inst: Instruction) -> None:
    a, b = await m.pops(2)
    if type(a) is not type(b) or not isinstance(a, (bytes, str)):
        raise TypeError(f"CONCAT needs two bytes or two strings, got {a!r} and {b!r}")
    m.push(inst, a + b)


async def op_wait_future(m: StackMachine, inst: Instruction) -> None:
    index, value = await m.stack.pop_item()
    m.stack.push(index, value)


async def _write_log(m: StackMachine, prefix: bytes, entries: List[Tuple[int, int, Any]]) -> None:
    async def write(tx: found.Transaction) -> None:
        for stack_index, index, value in entries:
            key = prefix + found.pack((stack_index, index))
            found.set(tx, key, found.pack((value,))[:LOG_VALUE_LIMIT])

    await found.transactional(m.db, write)


async def op_log_stack(m: StackMachine, inst: Instruction) -> None:
    prefix = await m.pop()
    entries: List[Tuple[int, int, Any]] = []
    while len(m.stack):
        stack_index = len(m.stack) - 1
        index, value = await m.stack.pop_item()
        entries.append((stack_index, index, value))
        if len(entries) == LOG_BATCH:
            await _write_log(m, prefix, entries)
            entries = []
    await _write_log(m, prefix, entries)


OPS = {
    "PUSH": op_push,
    "DUP": op_dup,
    "EMPTY_STACK": op_empty_stack,
    "SWAP": op_swap,
    "POP": op_pop,
    "SUB": op_sub,
    "CONCAT": op_concat,
    "WAIT_FUTURE": op_wait_future,
    "LOG_STACK": op_log_stack,
}
