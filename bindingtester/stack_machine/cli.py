"""What both tester scripts share: the command line and opening the database it names.

`PREFIX API_VERSION [CLUSTER_FILE]`. CLUSTER_FILE may be:

- `embedded:<directory>`: found's embedded engine on that directory (`found.open(directory=)`);
- a cluster file whose content starts with `found-embedded:`: the libfdb_c-compatible test
  library (`bindingtester/shim`), reached through found's cffi driver;
- any other cluster file: a real FoundationDB cluster through libfdb_c.

Without one, the default cluster file is looked up as libfdb_c does (`$FDB_CLUSTER_FILE`,
`./fdb.cluster`, `/etc/foundationdb/fdb.cluster`) and classified the same way; with none of
them, `found.open()` picks the database (see its documentation).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import List, NamedTuple, Optional

import found

__all__ = ["API_VERSION", "Arguments", "open_database", "parse_args"]

#: The only API version found's testers implement.
API_VERSION = 730
EMBEDDED_SCHEME = "embedded:"
SHIM_MARKER = "found-embedded:"
DEFAULT_CLUSTER_FILES = ("./fdb.cluster", "/etc/foundationdb/fdb.cluster")


class Arguments(NamedTuple):
    prefix: bytes
    api_version: int
    cluster: Optional[str]


class UsageError(Exception):
    """Bad command line."""


def parse_args(argv: List[str]) -> Arguments:
    """`argv` without the program name."""
    if len(argv) not in (2, 3):
        raise UsageError("usage: tester PREFIX API_VERSION [CLUSTER_FILE | embedded:DIR]")
    try:
        api_version = int(argv[1])
    except ValueError:
        raise UsageError(f"API_VERSION must be an integer, not {argv[1]!r}") from None
    if api_version != API_VERSION:
        raise UsageError(f"found's testers implement API version {API_VERSION}, not {api_version}")
    cluster = argv[2] if len(argv) == 3 else None
    return Arguments(argv[0].encode("utf-8"), api_version, cluster)


def _default_cluster_file() -> Optional[str]:
    candidates = [os.environ.get("FDB_CLUSTER_FILE", ""), *DEFAULT_CLUSTER_FILES]
    for path in candidates:
        if path and os.path.isfile(path):
            return path
    return None


def _is_shim_cluster_file(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(len(SHIM_MARKER)) == SHIM_MARKER
    except OSError:
        return False


async def open_database(cluster: Optional[str]) -> found.Database:
    """Open the database `cluster` names (see the module documentation)."""
    if cluster is not None and cluster.startswith(EMBEDDED_SCHEME):
        return await found.open(directory=cluster[len(EMBEDDED_SCHEME) :])
    if cluster is None:
        cluster = _default_cluster_file()
        if cluster is None:
            return await found.open()
    if _is_shim_cluster_file(cluster):
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        if here not in sys.path:
            sys.path.insert(0, here)
        from bindingtester.shim import use_library_in_process

        use_library_in_process()
    return await found.open(cluster)


def setup_logging() -> None:
    level = os.environ.get("FOUND_TESTER_LOG", "WARNING").upper()
    logging.basicConfig(level=level, format="%(name)s %(levelname)s %(message)s")
