"""The libfdb_c-compatible test library: the C API of libfdb_c 7.3 over found's embedded engine.

Not part of any published package. `build_library()` compiles it for the running interpreter
(cffi embedding mode, cached) and returns the path of its `libfdb_c.so`; put that folder on
`LD_LIBRARY_PATH` for the official `fdb` binding, or set `FOUND_LIBFDB_C` for found's driver.
`open_test_database(directory)` opens a `found.Database` on an embedded database in
`directory` through found's cffi driver loaded over this library, in-process.

Example::

    db = await open_test_database("/tmp/somewhere")
    await found.transactional(db, lambda tx: found.set(tx, b"k", b"v"))
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ._build import build_library, library_dir

__all__ = ["build_library", "cluster_file_for", "library_dir", "open_test_database"]

CLUSTER_FILE_NAME = "fdb.cluster"


def cluster_file_for(directory: str | os.PathLike[str]) -> str:
    """Create `directory` and a cluster file in it that names it; return the file's path.

    The file holds `found-embedded:<absolute directory>`; every process that opens it through
    the test library shares that embedded database.
    """
    folder = Path(directory).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    cluster_file = folder / CLUSTER_FILE_NAME
    cluster_file.write_text(f"found-embedded:{folder}\n", encoding="utf-8")
    return str(cluster_file)


def use_library_in_process() -> str:
    """Point found's driver at the test library (before it loads); return the library path."""
    from found._capi import library

    path = str(build_library())
    loaded = library._loaded is not None
    if loaded and os.path.realpath(library.library_path()) != os.path.realpath(path):
        raise RuntimeError(
            f"found's driver already loaded {library.library_path()!r}; the test library "
            "must be loaded first in this process"
        )
    os.environ[library.ENV_VAR] = path
    return path


async def open_test_database(directory: str | os.PathLike[str]) -> Any:
    """A `found.Database` over the test library, on the embedded database in `directory`."""
    import found

    use_library_in_process()
    return await found.open(cluster_file_for(directory))
