"""`BackendDatabase` over an `FDBDatabase*`, and opening one from a cluster file."""

from __future__ import annotations

import logging
import threading
from typing import Any, Optional

from .._errors import error
from . import library, network
from .transaction import CapiTransaction

log = logging.getLogger("found.capi")
_local = threading.local()


class CapiDatabase:
    """A FoundationDB database reached through libfdb_c."""

    kind = "cluster"

    def __init__(self, ffi: Any, lib: Any, db: Any, cluster_file: Optional[str]) -> None:
        self._ffi = ffi
        self._lib = lib
        self._db = ffi.gc(db, lib.fdb_database_destroy)
        self.cluster_file = cluster_file

    def _handle(self) -> Any:
        if self._db is None:
            raise error(2000, "The database is closed")
        return self._db

    def create_transaction(self) -> CapiTransaction:
        """A new transaction (`fdb_database_create_transaction`)."""
        out = getattr(_local, "out", None)  # one out-parameter per thread (GIL released in C)
        if out is None:
            out = _local.out = self._ffi.new("FDBTransaction **")
        library.check(self._lib.fdb_database_create_transaction(self._handle(), out))
        return CapiTransaction(self._ffi, self._lib, out[0])

    def set_option(self, code: int, value: Optional[bytes]) -> None:
        """`fdb_database_set_option` by code, with the encoded parameter or None."""
        db = self._handle()
        if value is None:
            library.check(self._lib.fdb_database_set_option(db, code, self._ffi.NULL, 0))
        elif isinstance(value, bytes):
            library.check(self._lib.fdb_database_set_option(db, code, value, len(value)))
        else:
            raise TypeError("a database option value must be bytes or None")

    async def close(self) -> None:
        """Release the C database (`fdb_database_destroy`); idempotent."""
        db = self._db
        if db is not None:
            self._db = None
            self._ffi.release(db)

    def __repr__(self) -> str:
        state = "closed" if self._db is None else "open"
        return f"<CapiDatabase {self.cluster_file or '(default cluster file)'} {state}>"


async def open_database(cluster_file: Optional[str] = None) -> CapiDatabase:
    """Open the cluster named by `cluster_file` (None: libfdb_c's default resolution).

    Starts the network thread on first use. `fdb_create_database` does not wait for the
    cluster; the first transaction does.
    """
    if cluster_file is not None and not isinstance(cluster_file, str):
        raise TypeError("cluster_file must be a str path or None")
    network.ensure_started()
    ffi, lib = library.load()
    out = ffi.new("FDBDatabase **")
    path = ffi.NULL if cluster_file is None else cluster_file.encode()
    library.check(lib.fdb_create_database(path, out))
    log.info(
        "opened FoundationDB database through libfdb_c (cluster file %s)", cluster_file or "default"
    )
    return CapiDatabase(ffi, lib, out[0], cluster_file)
