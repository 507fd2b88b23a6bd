"""START_THREAD and WAIT_EMPTY: machines running side by side on one database."""

from __future__ import annotations

from typing import TYPE_CHECKING

import found

if TYPE_CHECKING:
    from .machine import Instruction, StackMachine

__all__ = ["OPS", "wait_empty"]


async def wait_empty(db: found.Database, prefix: bytes) -> None:
    """Return once no key starts with `prefix`, re-reading in new transactions: a non-empty
    read counts as a 1020 conflict and goes through `on_error` (backoff), as in the spec."""
    tx = found.make_transaction(db)
    end = found.next_prefix(prefix)
    while True:
        try:
            rows = await found.get_range(tx, prefix, end, limit=1)
            if not rows:
                return
            await found.on_error(tx, 1020)
        except found.FoundException as exc:
            await found.on_error(tx, exc.code)


async def op_start_thread(m: StackMachine, inst: Instruction) -> None:
    prefix = await m.pop()
    m.shared.start_machine(prefix)


async def op_wait_empty(m: StackMachine, inst: Instruction) -> None:
    prefix = await m.pop()
    await wait_empty(m.db, prefix)
    m.push(inst, b"WAITED_FOR_EMPTY")


OPS = {"START_THREAD": op_start_thread, "WAIT_EMPTY": op_wait_empty}
