"""The pieces of a directory layer's node tree: a step of a path lookup
(`DirectoryLayer._find`) and the format version kept in the root node."""

from __future__ import annotations

import struct
from typing import Optional, Tuple

from .._reads import get
from .._subspace import Subspace
from .._transaction import Transaction
from .._writes import set
from . import errors

__all__ = ["PARTITION", "SUBDIRS", "VERSION", "Node", "check_version"]

#: The on-disk format this layer writes: major, minor, patch.
VERSION = (1, 0, 0)

#: The node key under which a directory lists its subdirectories: `node[SUBDIRS][name]`.
SUBDIRS = 0
PARTITION = b"partition"


class Node:
    """One step of a path lookup: the node subspace found (None: missing), the path that led
    to it, the whole path asked for, and its layer once read."""

    __slots__ = ("layer", "path", "subspace", "target_path")

    def __init__(
        self, subspace: Optional[Subspace], path: Tuple[str, ...], target_path: Tuple[str, ...]
    ) -> None:
        self.subspace = subspace
        self.path = path
        self.target_path = target_path
        self.layer: Optional[bytes] = None

    def exists(self) -> bool:
        return self.subspace is not None

    def in_partition(self, include_empty_subpath: bool = False) -> bool:
        """Whether the lookup stopped at a partition before the end (or at it)."""
        return (
            self.exists()
            and self.layer == PARTITION
            and (include_empty_subpath or len(self.target_path) > len(self.path))
        )

    def partition_subpath(self) -> Tuple[str, ...]:
        return self.target_path[len(self.path) :]


async def check_version(tx: Transaction, root_node: Subspace, write_access: bool = True) -> None:
    """Refuse a newer format (major above ours), and writes to a newer minor version; write
    our version on the first write to a tree that has none."""
    key = root_node.pack((b"version",))
    raw = await get(tx, key)
    if raw is None:
        if write_access:
            set(tx, key, struct.pack("<III", *VERSION))
        return
    if len(raw) != 12:
        raise errors.DirectoryError(f"Malformed directory layer version {raw!r}")
    version = struct.unpack("<III", raw)
    if version[0] > VERSION[0]:
        raise errors.DirectoryError(errors.VERSION_TOO_NEW % (version + VERSION))
    if version[1] > VERSION[1] and write_access:
        raise errors.DirectoryError(errors.VERSION_READ_ONLY % (version + VERSION))
