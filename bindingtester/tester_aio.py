"""found's binding tester with asyncio tasks: every machine (the main one and each
START_THREAD) is a task on one event loop, sharing one `found.Database`.

Usage: `python tester_aio.py PREFIX 730 [CLUSTER_FILE | embedded:DIR]`. Exit status 0 when
every machine finished; 1 on any failure that is not a FoundationDB error pushed on a stack;
2 on a bad command line.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from typing import List

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bindingtester.stack_machine import Shared, StackMachine
from bindingtester.stack_machine.cli import (
    UsageError,
    open_database,
    parse_args,
    setup_logging,
)


async def run(prefix: bytes, api_version: int, cluster: str | None) -> None:
    """Run the machine on `prefix` and every machine it starts, then close the database."""
    db = await open_database(cluster)
    tasks: List[asyncio.Future[None]] = []

    def start_machine(child: bytes) -> None:
        tasks.append(asyncio.ensure_future(StackMachine(shared, child).run()))

    shared = Shared(db, api_version, start_machine)
    try:
        await StackMachine(shared, prefix).run()
        while tasks:  # machines may start machines: wait until none is left
            await tasks.pop(0)
    finally:
        for task in tasks:
            task.cancel()
        await db.close()


def main(argv: List[str]) -> int:
    setup_logging()
    try:
        args = parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        asyncio.run(run(*args))
    except Exception:
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
