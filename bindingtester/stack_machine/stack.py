"""The machine's stack: items tagged with the number of the instruction that pushed them.

An item may be a `Pending` (a future the spec lets a tester push, such as the versionstamp
future); it is resolved when popped, waited for (WAIT_FUTURE) or logged (LOG_STACK): a value of
None becomes `RESULT_NOT_PRESENT` and a FoundationDB error becomes its packed ERROR tuple.
"""

from __future__ import annotations

import asyncio
from typing import Any, List, Tuple

import found

__all__ = ["ERROR_KEY", "NOT_PRESENT", "Pending", "Stack", "error_item"]

ERROR_KEY = b"ERROR"
NOT_PRESENT = b"RESULT_NOT_PRESENT"


def error_item(code: int) -> bytes:
    """The stack value for FoundationDB error `code`: `pack((b"ERROR", b"<code>"))`."""
    return found.pack((ERROR_KEY, str(int(code)).encode("ascii")))


class Pending:
    """A result not resolved yet: an awaitable, settled on first resolution and then cached
    (DUP shares the object, as the official tester shares its future)."""

    __slots__ = ("_awaitable", "_done", "_value")

    def __init__(self, awaitable: Any) -> None:
        self._awaitable = awaitable
        self._done = False
        self._value: Any = None

    async def resolve(self) -> Any:
        """The item's stack value (waiting for it if needed)."""
        if not self._done:
            try:
                value = await self._awaitable
                self._value = NOT_PRESENT if value is None else value
            except found.FoundException as exc:
                self._value = error_item(exc.code)
            except asyncio.CancelledError:
                # A future cancelled by its transaction's destruction: FDB's 1025.
                self._value = error_item(1025)
            self._done = True
        return self._value


class Stack:
    """A list of `[instruction number, value]`, top at the end."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: List[List[Any]] = []

    def __len__(self) -> int:
        return len(self.items)

    def push(self, index: int, value: Any) -> None:
        """Push `value` as produced by instruction `index`."""
        self.items.append([index, value])

    def clear(self) -> None:
        """Drop every item (EMPTY_STACK)."""
        self.items.clear()

    async def pop_item(self) -> Tuple[int, Any]:
        """Pop the top item, resolved: `(instruction number, value)`."""
        if not self.items:
            raise IndexError("pop from an empty stack")
        index, value = self.items.pop()
        if isinstance(value, Pending):
            value = await value.resolve()
        return index, value

    async def pop(self) -> Any:
        """Pop and resolve the top value."""
        return (await self.pop_item())[1]

    async def pop_many(self, count: int) -> List[Any]:
        """Pop `count` values, the top first."""
        return [await self.pop() for _ in range(count)]

    def swap(self, depth: int) -> None:
        """Exchange the top item with the one `depth` below it (numbers move with them)."""
        if depth < 0 or depth >= len(self.items):
            raise IndexError(f"SWAP depth {depth} outside a stack of {len(self.items)}")
        top = len(self.items) - 1
        self.items[top], self.items[top - depth] = self.items[top - depth], self.items[top]

    def dup(self) -> None:
        """Push a copy of the top item (same instruction number, shared future)."""
        if not self.items:
            raise IndexError("DUP on an empty stack")
        self.items.append(list(self.items[-1]))
