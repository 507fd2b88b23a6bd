"""Choosing and opening a database, and the process-wide (network) calls.

`open()` picks, in order: an explicit `directory=` (embedded engine) or `cluster_file`
(FoundationDB cluster); the `FOUND_DATABASE` environment variable (`embedded:<directory>`,
`cluster:<cluster file>` or `cluster:` for the default cluster file); a cluster when one is
configured (`FDB_CLUSTER_FILE` or `/etc/foundationdb/fdb.cluster`) and libfdb_c loads; and
otherwise an embedded database in the user's data directory. It logs its choice on the
"found" logger.

Network options and completion hooks go to libfdb_c when it is available. Without it they are
validated and recorded (an unknown option raises 2007, like libfdb_c), and completion hooks
run at interpreter exit, when the embedded engine's "network" stops; 0.13 code that sets
network options therefore runs unchanged on the embedded engine.
"""

from __future__ import annotations

import atexit
import logging
import os
from types import ModuleType
from typing import Callable, Optional, Union

from ._database import Database
from ._errors import error
from ._options import NetworkOption, OptionValue, encode_option, param_kind

__all__ = [
    "add_network_thread_completion_hook",
    "default_directory",
    "get_client_version",
    "network_set_option",
    "open",
]

log = logging.getLogger("found")

DEFAULT_CLUSTER_FILE = "/etc/foundationdb/fdb.cluster"

#: Network options recorded while libfdb_c is not in use, as (code, encoded value).
recorded_network_options: list[tuple[int, Optional[bytes]]] = []
_completion_hooks: list[Callable[[], object]] = []
_exit_hook_registered = False


def _capi() -> Optional[ModuleType]:
    """The cluster backend module when libfdb_c can be loaded, else None."""
    try:
        from . import _capi as capi
    except ImportError:
        return None
    try:
        return capi if capi.library_available() else None
    except (AttributeError, OSError):
        return None


def default_directory() -> str:
    """Where `open()` keeps the embedded database when nothing else is configured:
    `$XDG_DATA_HOME/found`, or `~/.local/share/found`."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return os.path.join(base, "found")


def _cluster_configured() -> bool:
    return bool(os.environ.get("FDB_CLUSTER_FILE")) or os.path.exists(DEFAULT_CLUSTER_FILE)


async def _open_embedded(directory: str) -> Database:
    from ._embedded import EmbeddedDatabase

    directory = os.path.abspath(os.fspath(directory))
    os.makedirs(directory, exist_ok=True)
    backend = await EmbeddedDatabase.open(directory)
    log.info("found: opened embedded database in %s", directory)
    return Database(backend, directory)


async def _open_cluster(cluster_file: Optional[str]) -> Database:
    capi = _capi()
    if capi is None:
        raise error(
            2204,
            "libfdb_c (the FoundationDB client library) could not be loaded; "
            "install it, or open an embedded database with open(directory=...)",
        )
    backend = await capi.open_database(cluster_file)
    where = cluster_file or os.environ.get("FDB_CLUSTER_FILE") or DEFAULT_CLUSTER_FILE
    log.info("found: opened FoundationDB cluster from %s", where)
    return Database(backend, where)


async def open(
    cluster_file: Union[str, os.PathLike[str], None] = None,
    *,
    directory: Union[str, os.PathLike[str], None] = None,
) -> Database:
    """Open a database; see the module documentation for how one is chosen.

    `open(cluster_file)` keeps its 0.13 meaning (a FoundationDB cluster);
    `open(directory=path)` opens (creating if needed) an embedded database in `path`.
    Close the result with `await db.close()`, or write
    `async with await found.open(directory=path) as db: ...`."""
    if cluster_file is not None and directory is not None:
        raise ValueError("give either cluster_file or directory, not both")
    if directory is not None:
        return await _open_embedded(os.fspath(directory))
    if cluster_file is not None:
        return await _open_cluster(os.fspath(cluster_file))
    setting = os.environ.get("FOUND_DATABASE", "").strip()
    if setting:
        kind, sep, where = setting.partition(":")
        if sep and kind == "embedded" and where:
            return await _open_embedded(where)
        if sep and kind == "cluster":
            return await _open_cluster(where or None)
        raise ValueError(
            f"FOUND_DATABASE={setting!r}: expected 'embedded:<directory>', "
            "'cluster:<cluster file>' or 'cluster:'"
        )
    if _cluster_configured() and _capi() is not None:
        return await _open_cluster(None)
    return await _open_embedded(default_directory())


def network_set_option(option: Union[int, str, NetworkOption], value: OptionValue = None) -> None:
    """Set a network option, by `FDB_NET_OPTION_*` code (value bytes, as in 0.13) or by name:
    `network_set_option("trace_enable", "/tmp/traces")`. Call it before the first `open()`."""
    code, encoded = encode_option(NetworkOption, option, value)
    capi = _capi()
    if capi is not None:
        capi.network_set_option(code, encoded)
        return
    if param_kind(NetworkOption, code) is None:
        raise error(2007)
    recorded_network_options.append((code, encoded))


def _run_completion_hooks() -> None:
    while _completion_hooks:
        hook = _completion_hooks.pop(0)
        try:
            hook()
        except Exception:  # a hook failing at exit must not hide the others
            log.exception("found: network completion hook %r failed", hook)


def add_network_thread_completion_hook(callback: Callable[[], object]) -> None:
    """Call `callback()` (no arguments) when the network thread exits: libfdb_c's thread on
    a cluster, interpreter exit when only the embedded engine is in use."""
    if not callable(callback):
        raise TypeError(f"callback must be callable, not {type(callback).__name__}")
    capi = _capi()
    if capi is not None:
        capi.add_network_thread_completion_hook(callback)
        return
    global _exit_hook_registered
    if not _exit_hook_registered:
        atexit.register(_run_completion_hooks)
        _exit_hook_registered = True
    _completion_hooks.append(callback)


def get_client_version() -> str:
    """libfdb_c's client version string, or found's own version when libfdb_c is absent."""
    capi = _capi()
    if capi is not None:
        return str(capi.get_client_version())
    from . import __version__

    return __version__
