"""Embedded databases of the test library: cluster files, and one shared open database per
directory.

A cluster file for the test library holds one line, `found-embedded:<directory>`: the directory
of an embedded database (`found._embedded.EmbeddedDatabase`), which several processes may open
at once. Within one process, handles to the same directory share one open embedded database
(`SharedDatabase`), closed on the network loop when its last database handle and transaction
are gone.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, ClassVar, Optional

from found._errors import FoundException

from . import _runtime as rt

log = logging.getLogger("found.shim")

PREFIX = "found-embedded:"
DEFAULT_CLUSTER_FILES = ("fdb.cluster", "/etc/foundationdb/fdb.cluster")


def resolve_cluster_file(path: Optional[str]) -> str:
    """libfdb_c's order: the given path, `$FDB_CLUSTER_FILE`, `./fdb.cluster`, /etc/..."""
    if path:
        return path
    env = os.environ.get("FDB_CLUSTER_FILE")
    if env:
        return env
    for candidate in DEFAULT_CLUSTER_FILES:
        if os.path.exists(candidate):
            return candidate
    return DEFAULT_CLUSTER_FILES[-1]


def database_directory(cluster_file: str) -> str:
    """The embedded directory a cluster file names; FoundException 2104 when it names none."""
    try:
        with open(cluster_file, encoding="utf-8") as handle:
            content = handle.read().strip()
    except OSError as exc:
        message = f"Connection string invalid: cannot read {cluster_file}: {exc}"
        raise FoundException(2104, message) from None
    if not content.startswith(PREFIX) or not content[len(PREFIX) :].strip():
        raise FoundException(2104, f"Connection string invalid: expected {PREFIX}<directory>")
    directory = content[len(PREFIX) :].strip()
    base = os.path.dirname(os.path.abspath(cluster_file))
    return os.path.realpath(os.path.join(base, directory))


class SharedDatabase:
    """One open embedded database and the number of handles using it."""

    registry: ClassVar[dict[str, SharedDatabase]] = {}

    def __init__(self, directory: str, edb: Any) -> None:
        self.directory = directory
        self.edb = edb
        self.refs = 0
        self.lock = threading.Lock()  # refs: taken by any thread, dropped on the loop

    def take(self) -> None:
        """One more handle (any thread): keeps the database open until its `release`."""
        with self.lock:
            self.refs += 1

    @classmethod
    async def acquire(cls, directory: str) -> SharedDatabase:
        shared = cls.registry.get(directory)
        if shared is None:
            from found._embedded import EmbeddedDatabase

            edb = await EmbeddedDatabase.open(directory)
            shared = cls.registry.setdefault(directory, cls(directory, edb))
            if shared.edb is not edb:
                await edb.close()
        shared.take()
        return shared

    def drop(self) -> None:
        """From any thread: `release`, on the loop only when this may be the last reference."""
        with self.lock:
            if self.refs > 1:
                self.refs -= 1
                return
        rt.NETWORK.post(self.release)

    def release(self) -> None:
        """On the loop: drop one reference; close the embedded database at zero."""
        with self.lock:
            self.refs -= 1
            last = self.refs <= 0
        if last and self.registry.get(self.directory) is self:
            del self.registry[self.directory]
            rt.spawn(rt.NETWORK.loop, self._close())

    async def _close(self) -> None:
        try:
            await self.edb.close()
        except RuntimeError as exc:  # at interpreter exit the engine's executor is gone
            log.debug("embedded database %s left to the OS at exit: %s", self.directory, exc)
        except Exception:
            log.exception("closing the embedded database %s failed", self.directory)


async def close_all() -> None:
    """At network stop: close every embedded database still open."""
    for shared in list(SharedDatabase.registry.values()):
        SharedDatabase.registry.pop(shared.directory, None)
        await shared._close()
