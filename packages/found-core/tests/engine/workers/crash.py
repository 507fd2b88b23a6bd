"""Worker: commit forever, printing each acknowledged commit, until killed.

Usage: crash.py DIRECTORY ROUND TASKS. Commit i writes the four keys crash/ROUND/i/0..3 and
adds 1 to crash/total, and is printed ("i") only after `commit` returned.
"""

from __future__ import annotations

import asyncio
import struct
import sys

from found._embedded.engine import Engine, Mutation

VALUE = b"x" * 2000


async def main(directory: str, round_number: int, tasks: int) -> None:
    engine = Engine.open(directory)

    async def run(first: int) -> None:
        number = first
        while True:
            prefix = b"crash/%d/%08d/" % (round_number, number)
            mutations = [Mutation(0, prefix + b"%d" % j, VALUE) for j in range(4)]
            mutations.append(Mutation(2, b"crash/total", struct.pack("<q", 1)))
            writes = [(prefix, prefix + b"\xff"), (b"crash/total", b"crash/total\x00")]
            await engine.commit(engine.latest_version(), mutations, [], writes)
            print(number, flush=True)
            number += tasks

    await asyncio.gather(*(run(i) for i in range(tasks)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
