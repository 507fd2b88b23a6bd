"""One stack machine: its stack, its current transaction, and instruction dispatch.

`Shared` is what every machine of a tester process shares: the database, the map of named
transactions (the spec makes it global: USE_TRANSACTION may pick up a transaction another
machine created) and the scheduler that starts machines for START_THREAD. `StackMachine`
executes one instruction at a time (`execute`); `run` executes its whole program.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import found

from . import data_ops, directory_ops, read_ops, thread_ops, tuple_ops, unit_tests, write_ops
from .stack import Stack, error_item

__all__ = ["Instruction", "Shared", "StackMachine"]

log = logging.getLogger("found.bindingtester")

Handler = Callable[["StackMachine", "Instruction"], Awaitable[None]]

#: Every instruction name (without suffix) mapped to its handler.
HANDLERS: Dict[str, Handler] = {}
for _family in (data_ops, read_ops, write_ops, tuple_ops, thread_ops, unit_tests):
    HANDLERS.update(_family.OPS)

SUFFIXES = ("_SNAPSHOT", "_DATABASE")


@dataclass
class Shared:
    """State shared by all machines of one tester process."""

    db: found.Database
    api_version: int
    #: Starts a machine on a prefix (asyncio task or thread); set by the tester script.
    start_machine: Callable[[bytes], None]
    transactions: Dict[bytes, found.Transaction] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)


@dataclass
class Instruction:
    """One decoded instruction: base op name, variant suffix, position and PUSH argument."""

    index: int
    op: str
    variant: str
    arg: Any = None

    @property
    def database(self) -> bool:
        return self.variant == "_DATABASE"

    @property
    def snapshot(self) -> bool:
        return self.variant == "_SNAPSHOT"


def decode(index: int, op_tuple: Tuple[Any, ...]) -> Instruction:
    """Split `("GET_DATABASE",)` into op `GET`, variant `_DATABASE`."""
    if not op_tuple or not isinstance(op_tuple[0], str):
        raise ValueError(f"instruction {index} is not a tuple starting with a name: {op_tuple!r}")
    name = op_tuple[0]
    arg = op_tuple[1] if len(op_tuple) > 1 else None
    for suffix in SUFFIXES:
        base = name[: -len(suffix)]
        if name.endswith(suffix) and (base in HANDLERS or base.startswith("DIRECTORY_")):
            return Instruction(index, name[: -len(suffix)], suffix, arg)
    return Instruction(index, name, "", arg)


class StackMachine:
    """The state of one machine (one instruction prefix) and the execution of its program."""

    def __init__(self, shared: Shared, prefix: bytes) -> None:
        self.shared = shared
        self.prefix = prefix
        self.stack = Stack()
        self.tr_name = prefix
        self.last_version = 0
        self.directory = directory_ops.DirectoryState()
        with shared.lock:
            shared.transactions[prefix] = found.make_transaction(shared.db)

    @property
    def db(self) -> found.Database:
        return self.shared.db

    # -- transactions ---------------------------------------------------------------------
    def transaction(self) -> found.Transaction:
        """The current transaction (shared map, so look it up each time)."""
        with self.shared.lock:
            return self.shared.transactions[self.tr_name]

    def reader(self, inst: Instruction) -> found.Transaction:
        """The current transaction, or a snapshot view of it for `_SNAPSHOT` instructions."""
        tr = self.transaction()
        if inst.snapshot:
            return found.Transaction(tr.db, tr.backend, snapshot=True)
        return tr

    def new_transaction(self) -> None:
        with self.shared.lock:
            self.shared.transactions[self.tr_name] = found.make_transaction(self.db)

    def switch_transaction(self, name: bytes) -> None:
        self.tr_name = name
        with self.shared.lock:
            if name not in self.shared.transactions:
                self.new_transaction()

    # -- stack helpers -------------------------------------------------------------------
    def push(self, inst: Instruction, value: Any) -> None:
        self.stack.push(inst.index, value)

    async def pop(self) -> Any:
        return await self.stack.pop()

    async def pops(self, count: int) -> List[Any]:
        return await self.stack.pop_many(count)

    # -- execution -----------------------------------------------------------------------
    async def load(self) -> List[Tuple[Any, ...]]:
        """The machine's program: every value under `pack((prefix,))`, unpacked, in order."""
        span = found.range((self.prefix,))

        async def read(tx: found.Transaction) -> List[Tuple[Any, ...]]:
            pairs = await found.get_range(tx, span.start, span.stop)
            return [found.unpack(value) for _, value in pairs]

        return await found.transactional(self.db, read)

    async def execute(self, index: int, op_tuple: Tuple[Any, ...]) -> None:
        """Run instruction `index`; a FoundationDB error is pushed as the spec says, anything
        else propagates (and makes the tester fail)."""
        inst = decode(index, op_tuple)
        if inst.op.startswith("DIRECTORY_"):
            handler: Optional[Handler] = directory_ops.handler(inst.op)
        else:
            handler = HANDLERS.get(inst.op)
        if handler is None:
            raise ValueError(f"instruction {index}: unknown op {op_tuple[0]!r}")
        if log.isEnabledFor(logging.DEBUG):  # FOUND_TESTER_LOG=DEBUG traces every instruction
            log.debug("%r %d: %r (stack depth %d)", self.prefix, index, op_tuple, len(self.stack))
        try:
            await handler(self, inst)
        except found.FoundException as exc:
            log.debug("%r %d: error %d", self.prefix, index, exc.code)
            self.stack.push(index, error_item(exc.code))

    async def run(self) -> None:
        """Execute the whole program in this task (START_THREAD uses `shared.start_machine`)."""
        program = await self.load()
        for index, op_tuple in enumerate(program):
            await self.execute(index, op_tuple)
