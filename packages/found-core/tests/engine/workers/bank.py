"""Worker: move money between accounts with optimistic retries, from its own process.

Usage: bank.py DIRECTORY SEED TRANSFERS TASKS. Every transfer reads two accounts and the
shared transfer counter, and writes all three; conflicts (1020) and too-old reads (1007)
are retried. Prints "<transfers done> <retries>".
"""

from __future__ import annotations

import asyncio
import random
import sys

from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

ACCOUNTS = 8
COUNTER = b"bank/count"


def account(number: int) -> bytes:
    return b"bank/acct/%d" % number


def point(key: bytes) -> tuple[bytes, bytes]:
    return (key, key + b"\x00")


async def transfer(engine: Engine, rng: random.Random) -> int:
    """One transfer, retried until it commits; the number of retries."""
    source, target = rng.sample(range(ACCOUNTS), 2)
    amount = rng.randint(1, 50)
    keys = [account(source), account(target), COUNTER]
    retries = 0
    while True:
        version = engine.latest_version()
        balance_from, balance_to, count = (int(engine.get(k, version) or b"0") for k in keys)
        mutations = [
            Mutation(0, keys[0], b"%d" % (balance_from - amount)),
            Mutation(0, keys[1], b"%d" % (balance_to + amount)),
            Mutation(0, COUNTER, b"%d" % (count + 1)),
        ]
        ranges = [point(k) for k in keys]
        try:
            await engine.commit(version, mutations, ranges, ranges)
            return retries
        except FoundException as exc:
            if exc.code not in (1020, 1007):
                raise
            retries += 1
            await asyncio.sleep(rng.random() * 0.002 * min(retries, 10))


async def main(directory: str, seed: int, transfers: int, tasks: int) -> None:
    engine = Engine.open(directory)
    rng = random.Random(seed)

    async def run(count: int) -> int:
        return sum([await transfer(engine, rng) for _ in range(count)])

    try:
        share = [transfers // tasks + (i < transfers % tasks) for i in range(tasks)]
        retries = await asyncio.gather(*(run(n) for n in share))
        print(transfers, sum(retries), flush=True)
    finally:
        engine.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
