"""Worker: commit `key = value` to the database in `directory` from another process.

Usage: writer.py DIRECTORY KEY VALUE  (KEY and VALUE as UTF-8 text). Prints the version.
"""

from __future__ import annotations

import asyncio
import sys

from found._embedded.engine import Engine, Mutation


async def main(directory: str, key: bytes, value: bytes) -> None:
    engine = Engine.open(directory)
    try:
        version, _ = await engine.commit(
            engine.latest_version(), [Mutation(0, key, value)], [], [(key, key + b"\x00")]
        )
        print(version, flush=True)
    finally:
        engine.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()))
