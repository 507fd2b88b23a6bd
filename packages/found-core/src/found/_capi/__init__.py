"""The cluster backend: a cffi (ABI mode) driver for libfdb_c 7.3.

What the public API calls: `library_available`, `open_database`, `get_client_version`,
`network_set_option`, `add_network_thread_completion_hook`. The transaction and database
objects implement `found._backend.BackendTransaction` / `BackendDatabase` (kind "cluster").
"""

from __future__ import annotations

from typing import Callable, Optional

from . import library, network
from .database import CapiDatabase, open_database
from .library import ENV_VAR, LibraryUnavailableError
from .transaction import CapiTransaction

__all__ = [
    "ENV_VAR",
    "CapiDatabase",
    "CapiTransaction",
    "LibraryUnavailableError",
    "add_network_thread_completion_hook",
    "get_client_version",
    "library_available",
    "network_set_option",
    "open_database",
]


def library_available() -> bool:
    """True when libfdb_c (or `$FOUND_LIBFDB_C`) loads and accepts API version 730."""
    return library.available()


def get_client_version() -> str:
    """The client library's version string (`fdb_get_client_version`)."""
    return library.client_version()


def network_set_option(code: int, value: Optional[bytes]) -> None:
    """Set a `NetworkOption` by code; `value` is the encoded parameter or None."""
    network.set_option(code, value)


def add_network_thread_completion_hook(callback: Callable[[], None]) -> None:
    """Run `callback()` on the network thread as it exits; only before the first open."""
    network.add_completion_hook(callback)
