"""Random programs with the instruction mix and determinism rules of Apple's `api` test.

At concurrency 1 the stack a tester logs and the workspace it leaves depend only on the
program: reads still outstanding are waited for (WAIT_FUTURE) before a commit, reset or
database mutation, each `_DATABASE` mutation follows a blocking commit and uses only
idempotent atomic operations, every COMMIT is COMMIT/WAIT_FUTURE/RESET, and key selectors
are not used after a versionstamp operation in the same transaction. With `concurrent=True`
(one of several threads, Apple's `--concurrency N`) those rules are off: only liveness and
the versionstamps can be checked then. Results live in
`("tester_output", "workspace")` (compared) and `("tester_output", "stack")` (the logged
stack, compared by instruction number); versionstamped keys go to `scratch` (validated).
"""

from __future__ import annotations

import random
import struct
from typing import List, Tuple

from .program import InstructionList
from .space import Space
from .values import RandomValues

__all__ = ["OUTPUT", "ApiProgram"]

OUTPUT = Space(("tester_output",))
UNSET = b"\xff" * 10

READS = ["GET", "GET_KEY", "GET_RANGE", "GET_RANGE_STARTS_WITH", "GET_RANGE_SELECTOR"]
MUTATIONS = ["SET", "CLEAR", "CLEAR_RANGE", "CLEAR_RANGE_STARTS_WITH", "ATOMIC_OP"]
SNAPSHOT_READS = [r + "_SNAPSHOT" for r in READS]
DATABASE_READS = [r + "_DATABASE" for r in READS]
DATABASE_MUTATIONS = [m + "_DATABASE" for m in MUTATIONS]
OP_CHOICES = [
    "NEW_TRANSACTION",
    "COMMIT",
    *READS,
    *MUTATIONS,
    "VERSIONSTAMP",
    *SNAPSHOT_READS,
    *DATABASE_READS,
    *DATABASE_MUTATIONS,
    *("GET_READ_VERSION", "SET_READ_VERSION", "GET_COMMITTED_VERSION"),
    "GET_READ_VERSION_SNAPSHOT",
    *("TUPLE_PACK", "TUPLE_UNPACK", "TUPLE_RANGE", "TUPLE_SORT", "SUB"),
    *("ENCODE_FLOAT", "ENCODE_DOUBLE", "DECODE_DOUBLE", "DECODE_FLOAT"),
    "TUPLE_PACK_WITH_VERSIONSTAMP",
    *("READ_CONFLICT_RANGE", "READ_CONFLICT_KEY"),
    *("WRITE_CONFLICT_RANGE", "WRITE_CONFLICT_KEY", "DISABLE_WRITE_CONFLICT"),
    *("ON_ERROR", "RESET", "CANCEL"),
    *("GET_APPROXIMATE_SIZE", "GET_ESTIMATED_RANGE_SIZE"),
]
IDEMPOTENT_ATOMIC_OPS = ["BIT_AND", "BIT_OR", "MAX", "MIN", "BYTE_MIN", "BYTE_MAX"]
ATOMIC_OPS = [*IDEMPOTENT_ATOMIC_OPS, "ADD", "BIT_XOR", "APPEND_IF_FITS"]


def vs_param(body: bytes, offset: int = 0) -> bytes:
    """A versionstamped key or value parameter: `body` and the 4-byte LE stamp offset."""
    return body + struct.pack("<I", offset)


class ApiProgram:
    """Generate one program from a seed; see the module documentation."""

    workspace = OUTPUT["workspace"]
    scratch = OUTPUT["scratch"]
    stack_space = OUTPUT["stack"]
    vs_values = scratch["versionstamped_values"]
    vs_values_2 = scratch["versionstamped_values_2"]
    vs_keys = scratch["versionstamped_keys"]

    def __init__(
        self,
        seed: int,
        num_ops: int,
        max_keys: Tuple[int, int] = (100, 1000),
        concurrent: bool = False,
    ) -> None:
        #: One of several threads (Apple's `--concurrency N`): no determinism rules.
        self.concurrent = concurrent
        self.rng = random.Random(seed)
        self.values = RandomValues(self.rng)
        self.num_ops = num_ops
        self.max_keys = self.rng.randint(*max_keys)
        self.stack_size = 0
        self.string_depth = 0
        self.key_depth = 0
        self.has_version = False
        self.can_set_version = True
        self.can_get_commit_version = False
        self.can_use_key_selectors = True
        self.generated_keys: List[tuple] = []
        self.outstanding: List[Tuple[int, int]] = []
        self.out = InstructionList()

    # -- stack bookkeeping: how many items are on top, and how many are strings / keys ----
    def add_items(self, n: int) -> None:
        self.stack_size += n
        self.string_depth = 0
        self.key_depth = 0

    def add_strings(self, n: int) -> None:
        self.stack_size += n
        self.string_depth += n
        self.key_depth = 0

    def add_keys(self, n: int) -> None:
        self.stack_size += n
        self.string_depth += n
        self.key_depth += n

    def remove(self, n: int) -> None:
        self.stack_size -= n
        self.string_depth = max(0, self.string_depth - n)
        self.key_depth = max(0, self.key_depth - n)
        self.outstanding = [o for o in self.outstanding if o[0] <= self.stack_size]

    def choose_key(self) -> bytes:
        if self.rng.random() < len(self.generated_keys) / self.max_keys:
            tup = self.rng.choice(self.generated_keys)
            if self.rng.random() < 0.3:
                return self.workspace.pack(tup[: self.rng.randint(0, len(tup))])
            return self.workspace.pack(tup)
        tup = self.values.tuple_(5)
        self.generated_keys.append(tup)
        return self.workspace.pack(tup)

    def ensure_key(self, n: int) -> None:
        while self.key_depth < n:
            self.out.push(self.choose_key())
            self.add_keys(1)
        self.remove(n)

    def ensure_key_value(self) -> None:
        if self.string_depth == 0:
            self.out.push(self.choose_key(), self.values.bytes_(self.rng.randint(0, 100)))
        elif self.string_depth == 1 or self.key_depth == 0:
            self.ensure_key(1)
            self.remove(1)
        else:
            self.remove(2)

    def wait_for_reads(self) -> None:
        if self.concurrent:
            return
        while self.outstanding and self.outstanding[-1][0] <= self.stack_size:
            position, _ = self.outstanding.pop()
            self.out.to_front(self.stack_size - position)
            self.out.append("WAIT_FUTURE")

    def fresh_transaction_state(self) -> None:
        self.can_get_commit_version = True
        self.can_set_version = True
        self.can_use_key_selectors = True

    def committed(self) -> None:
        self.out.blocking_commit()
        self.can_get_commit_version = False
        self.add_items(1)

    # -- the program ----------------------------------------------------------------------
    def generate(self, prefix_tuple: bytes = b"") -> InstructionList:
        out = self.out
        out.append("NEW_TRANSACTION")
        out.append("GET_READ_VERSION")
        for i in range(self.max_keys):
            self.ensure_key_value()
            out.append("SET")
            if i % 100 == 99:
                out.blocking_commit()
        out.blocking_commit()
        self.add_items(1)
        for _ in range(self.num_ops):
            self.one_op(self.rng.choice(OP_CHOICES))
        if not self.concurrent:
            self.wait_for_reads()
            out.blocking_commit()
            self.add_items(1)
        out.append("NEW_TRANSACTION")
        out.push(self.stack_space.key())
        out.append("LOG_STACK")
        out.blocking_commit()
        return out

    def one_op(self, op: str) -> None:
        from .api_ops import emit

        if op in DATABASE_MUTATIONS and not self.concurrent:
            self.wait_for_reads()
            self.committed()
        if op in ("ON_ERROR", "RESET", "CANCEL", "NEW_TRANSACTION"):
            self.wait_for_reads()
            self.outstanding = []
        read = emit(self, op)
        if read and op not in DATABASE_READS:
            self.outstanding.append((self.stack_size, len(self.out) - 1))
        if not self.concurrent and (op in DATABASE_READS or op in DATABASE_MUTATIONS):
            self.out.append("WAIT_FUTURE")
