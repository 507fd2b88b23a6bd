"""Read instructions, each with `_SNAPSHOT` (snapshot reads on the current transaction) and
`_DATABASE` (a retried transaction of its own) variants: GET, GET_KEY, GET_RANGE,
GET_RANGE_STARTS_WITH, GET_RANGE_SELECTOR; and the version and size queries.

Reads are awaited when issued: a read sees the transaction as it was at that instruction, as
FoundationDB's read-your-writes does for a future created then, and its result (or error) is
pushed with the instruction's number, where the official tester would push the future.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable, List, Optional, TypeVar

import found

from .stack import NOT_PRESENT, Pending

if TYPE_CHECKING:
    from .machine import Instruction, StackMachine

__all__ = ["OPS", "on_reader"]

T = TypeVar("T")


async def on_reader(
    m: StackMachine, inst: Instruction, func: Callable[[found.Transaction], Awaitable[T]]
) -> T:
    """Run `func` on the object the instruction's variant names."""
    if inst.database:
        return await found.transactional(m.db, func)
    return await func(m.reader(inst))


def selector(key: bytes, or_equal: Any, offset: int) -> found.KeySelector:
    return found.KeySelector(key, bool(or_equal), offset)


async def _range(
    m: StackMachine,
    inst: Instruction,
    begin: Any,
    end: Any,
    limit: int,
    reverse: Any,
    mode: int,
    prefix: Optional[bytes] = None,
) -> None:
    async def read(tx: found.Transaction) -> List[bytes]:
        flat: List[bytes] = []
        pairs = found.query(tx, begin, end, limit=limit, mode=mode, reverse=bool(reverse))
        async for key, value in pairs:
            if prefix is None or key.startswith(prefix):
                flat.append(key)
                flat.append(value)
        return flat

    m.push(inst, found.pack(tuple(await on_reader(m, inst, read))))


async def op_get(m: StackMachine, inst: Instruction) -> None:
    key = await m.pop()
    value = await on_reader(m, inst, lambda tx: found.get(tx, key))
    m.push(inst, NOT_PRESENT if value is None else value)


async def op_get_key(m: StackMachine, inst: Instruction) -> None:
    key, or_equal, offset, prefix = await m.pops(4)
    sel = selector(key, or_equal, offset)
    result = await on_reader(m, inst, lambda tx: found.get_key(tx, sel))
    if result.startswith(prefix):
        m.push(inst, result)
    elif result < prefix:
        m.push(inst, prefix)
    else:
        m.push(inst, found.next_prefix(prefix))


async def op_get_range(m: StackMachine, inst: Instruction) -> None:
    begin, end, limit, reverse, mode = await m.pops(5)
    await _range(m, inst, begin, end, limit, reverse, mode)


async def op_get_range_starts_with(m: StackMachine, inst: Instruction) -> None:
    prefix, limit, reverse, mode = await m.pops(4)
    await _range(m, inst, prefix, found.next_prefix(prefix), limit, reverse, mode)


async def op_get_range_selector(m: StackMachine, inst: Instruction) -> None:
    bk, boe, boff, ek, eoe, eoff, limit, reverse, mode, prefix = await m.pops(10)
    begin, end = selector(bk, boe, boff), selector(ek, eoe, eoff)
    await _range(m, inst, begin, end, limit, reverse, mode, prefix)


async def op_get_read_version(m: StackMachine, inst: Instruction) -> None:
    m.last_version = await on_reader(m, inst, found.read_version)
    m.push(inst, b"GOT_READ_VERSION")


async def op_get_committed_version(m: StackMachine, inst: Instruction) -> None:
    m.last_version = found.get_committed_version(m.transaction())
    m.push(inst, b"GOT_COMMITTED_VERSION")


async def op_get_versionstamp(m: StackMachine, inst: Instruction) -> None:
    m.push(inst, Pending(found.get_versionstamp(m.transaction())))


async def op_get_approximate_size(m: StackMachine, inst: Instruction) -> None:
    await found.get_approximate_size(m.transaction())
    m.push(inst, b"GOT_APPROXIMATE_SIZE")


async def op_get_estimated_range_size(m: StackMachine, inst: Instruction) -> None:
    begin, end = await m.pops(2)
    await on_reader(m, inst, lambda tx: found.estimated_size_bytes(tx, begin, end))
    m.push(inst, b"GOT_ESTIMATED_RANGE_SIZE")


async def op_get_range_split_points(m: StackMachine, inst: Instruction) -> None:
    begin, end, chunk_size = await m.pops(3)
    await on_reader(m, inst, lambda tx: found.get_range_split_points(tx, begin, end, chunk_size))
    m.push(inst, b"GOT_RANGE_SPLIT_POINTS")


OPS = {
    "GET": op_get,
    "GET_KEY": op_get_key,
    "GET_RANGE": op_get_range,
    "GET_RANGE_STARTS_WITH": op_get_range_starts_with,
    "GET_RANGE_SELECTOR": op_get_range_selector,
    "GET_READ_VERSION": op_get_read_version,
    "GET_COMMITTED_VERSION": op_get_committed_version,
    "GET_VERSIONSTAMP": op_get_versionstamp,
    "GET_APPROXIMATE_SIZE": op_get_approximate_size,
    "GET_ESTIMATED_RANGE_SIZE": op_get_estimated_range_size,
    "GET_RANGE_SPLIT_POINTS": op_get_range_split_points,
}
