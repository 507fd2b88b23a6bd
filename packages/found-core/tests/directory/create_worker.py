"""Worker for test_concurrency.py: create directories from a separate process.

`python create_worker.py found DB_DIRECTORY NAME COUNT` creates `("procs", NAME, "0")` ...
with found on the embedded database in DB_DIRECTORY; `... official CLUSTER_FILE NAME COUNT`
does it with the official binding (libfdb_c from LD_LIBRARY_PATH). Each creation is its own
transaction, started all at once (threads or tasks); prints one hex prefix per line.
"""

from __future__ import annotations

import asyncio
import ctypes
import sys
import types


async def with_found(directory: str, name: str, count: int) -> list:
    import found

    async with await found.open(directory=directory) as db:
        made = await asyncio.gather(
            *(found.directory.create(db, ("procs", name, str(i))) for i in range(count))
        )
    return [d.key() for d in made]


def with_official(cluster_file: str, name: str, count: int) -> list:
    import threading

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_SixMetaPathImporter"]
    if not hasattr(ctypes, "pythonapi"):
        # PyPy: an empty `pythonapi` selects the binding's own way of pinning callbacks.
        ctypes.pythonapi = types.SimpleNamespace()  # type: ignore[attr-defined]
    import fdb

    fdb.api_version(730)
    db = fdb.open(cluster_file)
    out: list = [None] * count

    def one(i: int) -> None:
        out[i] = fdb.directory.create(db, ("procs", name, str(i))).key()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def main() -> None:
    kind, where, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if kind == "found":
        prefixes = asyncio.run(with_found(where, name, count))
    else:
        prefixes = with_official(where, name, count)
    for prefix in prefixes:
        print(prefix.hex())


if __name__ == "__main__":
    main()
