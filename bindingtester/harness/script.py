"""A builder for hand-written programs with expected answers.

`result(expected)` stores the item on top of the stack in `("tester_output", "results", n)`
(PUSH key, SET_DATABASE, WAIT_FUTURE, POP, as Apple's scripted test does) and records what it
must be: a bytes value, or a set of allowed values. Items that are not bytes are packed first
(`PUSH 1; TUPLE_PACK`), so `expected` is then `pack((value,))`.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Union

import found

from .program import InstructionList
from .space import Space

__all__ = ["NOT_PRESENT", "RESULTS", "Script", "error"]

RESULTS = Space(("tester_output", "results"))
NOT_PRESENT = b"RESULT_NOT_PRESENT"
Expected = Union[bytes, FrozenSet[bytes]]


def error(code: int) -> bytes:
    """The stack value of FoundationDB error `code`."""
    return found.pack((b"ERROR", str(code).encode("ascii")))


class Script:
    """One machine's program plus the expected results (shared between machines)."""

    def __init__(self, expected: Dict[bytes, Expected], results: Space = RESULTS) -> None:
        self.out = InstructionList()
        self.expected = expected
        self.results = results

    def op(self, *names: str) -> Script:
        for name in names:
            self.out.append(name)
        return self

    def push(self, *values: Any) -> Script:
        """PUSH values so that the first given is on top (the order the op pops them)."""
        self.out.push(*values)
        return self

    def do(self, name: str, *args: Any) -> Script:
        """PUSH `args` (first on top), then `name`."""
        if args:
            self.out.push(*args)
        self.out.append(name)
        return self

    def result(self, expected: Any, packed: bool = False) -> Script:
        """Store the top item as the next result, which must equal `expected` (or be one of
        a set); with `packed`, the item is tuple-packed first and so is `expected`."""
        if packed:
            self.do("TUPLE_PACK", 1)
            expected = found.pack((expected,))
        key = self.results.pack((len(self.expected),))
        if isinstance(expected, (set, frozenset)):
            expected = frozenset(expected)
        self.expected[key] = expected
        self.do("SET_DATABASE", key)
        self.op("WAIT_FUTURE", "POP")
        return self

    def commit(self, expected: Expected = NOT_PRESENT) -> Script:
        """COMMIT, wait, check its result, RESET."""
        self.op("COMMIT", "WAIT_FUTURE")
        self.result(expected)
        return self.op("RESET")

    def set_database(self, key: bytes, value: bytes) -> Script:
        return self.do("SET_DATABASE", key, value).op("WAIT_FUTURE", "POP")


def check_results(expected: Dict[bytes, Expected], found_pairs: Any) -> list:
    """Differences between the stored results and the expected ones."""
    got = dict(found_pairs)
    problems = []
    for key, want in expected.items():
        have = got.get(key)
        ok = have in want if isinstance(want, frozenset) else have == want
        if not ok:
            index = RESULTS.unpack(key)[0]
            problems.append(f"result {index}: expected {want!r}, got {have!r}")
    for key in sorted(set(got) - set(expected)):
        problems.append(f"unexpected result {key!r} = {got[key]!r}")
    return problems
