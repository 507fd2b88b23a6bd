"""found's binding tester with POSIX threads: every machine (the main one and each
START_THREAD) runs in its own `threading.Thread`.

found's databases and transactions belong to one event loop, and the spec makes the map of
named transactions global (a machine may USE_TRANSACTION one another thread created), so all
threads share ONE loop, run by a dedicated thread: each machine thread walks its program and
submits one instruction at a time with `asyncio.run_coroutine_threadsafe(...).result()`,
blocking until it is done. Machines thus interleave at instruction granularity as the OS
schedules their threads, and inside instructions at the loop's await points.

Usage: `python tester_pthread.py PREFIX 730 [CLUSTER_FILE | embedded:DIR]`; exit status as
`tester_aio.py`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import traceback
from typing import Any, Awaitable, List, TypeVar

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bindingtester.stack_machine import Shared, StackMachine
from bindingtester.stack_machine.cli import (
    UsageError,
    open_database,
    parse_args,
    setup_logging,
)

T = TypeVar("T")


class ThreadedTester:
    """One event loop thread, and one thread per machine."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop_thread = threading.Thread(target=self.loop.run_forever, name="found-loop")
        self.threads: List[threading.Thread] = []
        self.failures: List[BaseException] = []
        self.lock = threading.Lock()

    def call(self, awaitable: Awaitable[T]) -> T:
        """Run `awaitable` on the loop and block this thread until it is done."""

        async def wrap() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrap(), self.loop).result()

    def machine(self, shared: Shared, prefix: bytes) -> None:
        """Body of a machine thread."""
        try:

            async def create() -> StackMachine:
                return StackMachine(shared, prefix)

            machine = self.call(create())
            program = self.call(machine.load())
            for index, op_tuple in enumerate(program):
                self.call(machine.execute(index, op_tuple))
        except BaseException as exc:  # recorded, reported, and the exit status says so
            traceback.print_exc()
            with self.lock:
                self.failures.append(exc)

    def start(self, shared: Shared, prefix: bytes) -> None:
        thread = threading.Thread(target=self.machine, args=(shared, prefix), name=repr(prefix))
        with self.lock:
            self.threads.append(thread)
        thread.start()

    def join_all(self) -> None:
        while True:
            with self.lock:
                if not self.threads:
                    return
                thread = self.threads.pop(0)
            thread.join()

    def run(self, prefix: bytes, api_version: int, cluster: Any) -> bool:
        """Run everything; True when no machine failed."""
        self.loop_thread.start()
        try:
            db = self.call(open_database(cluster))
            shared = Shared(db, api_version, lambda child: self.start(shared, child))
            try:
                self.machine(shared, prefix)
                self.join_all()
            finally:
                self.call(db.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.loop_thread.join()
            self.loop.close()
        return not self.failures


def main(argv: List[str]) -> int:
    setup_logging()
    try:
        args = parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        ok = ThreadedTester().run(*args)
    except Exception:
        traceback.print_exc()
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
