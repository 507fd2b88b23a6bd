"""Programs for the stack machine: an instruction list with the helpers generators need, and
how a program is stored (Apple's layout: `pack((prefix, i)) = pack((op,))` or
`pack(("PUSH", arg))`, at most a thousand instructions per transaction).
"""

from __future__ import annotations

from typing import Any, Iterator, List, Tuple

import found

__all__ = ["InstructionList", "write_program"]

#: Instructions written per transaction.
WRITE_BATCH = 1000


class InstructionList:
    """A growing program, each instruction a tuple `(op,)` or `("PUSH", value)`."""

    def __init__(self) -> None:
        self.items: List[Tuple[Any, ...]] = []

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Tuple[Any, ...]]:
        return iter(self.items)

    def append(self, op: str) -> None:
        self.items.append((op,))

    def push(self, *values: Any) -> None:
        """One PUSH per value, last first: the FIRST value ends on top, so the machine pops
        them in the order given (as Apple's `push_args`)."""
        for value in reversed(values):
            self.items.append(("PUSH", value))

    def to_front(self, depth: int) -> None:
        """Bring the item `depth` places below the top to the top, keeping the order of the
        items above it: SWAP 1, SWAP 2, ..., SWAP depth."""
        for k in range(1, depth + 1):
            self.push(k)
            self.append("SWAP")

    def blocking_commit(self) -> None:
        """COMMIT, wait for it, RESET: leaves the commit's result on the stack."""
        self.append("COMMIT")
        self.append("WAIT_FUTURE")
        self.append("RESET")


def pack_instruction(inst: Tuple[Any, ...]) -> bytes:
    """`pack(inst)`; a PUSH of an incomplete versionstamp keeps its 10 placeholder bytes, as
    the official tuple layer packs it."""
    if found.has_incomplete_versionstamp(inst):
        return found.pack_with_versionstamp(inst)[:-4]
    return found.pack(inst)


async def write_program(db: found.Database, prefix: bytes, program: List[Tuple[Any, ...]]) -> None:
    """Store `program` under `(prefix,)`, replacing what was there."""
    span = found.range((prefix,))

    async def clear(tx: found.Transaction) -> None:
        found.clear(tx, span.start, span.stop)

    await found.transactional(db, clear)
    for first in range(0, len(program), WRITE_BATCH):
        chunk = program[first : first + WRITE_BATCH]

        async def write(tx: found.Transaction, first: int = first, chunk: Any = chunk) -> None:
            for offset, inst in enumerate(chunk):
                found.set(tx, found.pack((prefix, first + offset)), pack_instruction(inst))

        await found.transactional(db, write)
