"""found's stack machine for FoundationDB's binding tester.

The specification is Apple's `bindings/bindingtester/spec/bindingApiTester.md` (API 730,
without the tenant instructions) plus the directory extension. `machine.StackMachine` holds one
machine's stack and state and executes one instruction at a time; the instruction families live
in their own modules (`data_ops`, `read_ops`, `write_ops`, `tuple_ops`, `thread_ops`,
`directory_ops`, `unit_tests`). How machines are scheduled (asyncio tasks or POSIX threads) is
the business of the two tester scripts, through `runner.Scheduler`.
"""

from __future__ import annotations

from .machine import Shared, StackMachine
from .stack import ERROR_KEY, Pending, Stack, error_item

__all__ = ["ERROR_KEY", "Pending", "Shared", "Stack", "StackMachine", "error_item"]
