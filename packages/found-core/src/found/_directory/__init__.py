"""The directory layer (`found.directory`, `found.DirectoryLayer`), in the official format.

Directories map paths of names to short key prefixes allocated by a high-contention allocator,
so applications organize their keyspace by name while keys stay short. The data is laid out as
every FoundationDB binding lays it out, so any of them reads what found writes and the reverse.

Example::

    users = await found.directory.create_or_open(db, ("app", "users"))
    async def add(tx):
        found.set(tx, users.pack((42, "name")), b"Ada")
    await found.transactional(db, add)
"""

from __future__ import annotations

from .allocator import HighContentionAllocator
from .errors import DirectoryError, DirectoryValueError
from .layer import DirectoryLayer, directory
from .subspace import Directory, DirectoryPartition, DirectorySubspace

__all__ = [
    "Directory",
    "DirectoryError",
    "DirectoryLayer",
    "DirectoryPartition",
    "DirectorySubspace",
    "DirectoryValueError",
    "HighContentionAllocator",
    "directory",
]
