"""A step of a directory path lookup (`DirectoryLayer._find`)."""

from __future__ import annotations

from typing import Optional, Tuple

from .._subspace import Subspace

__all__ = ["PARTITION", "SUBDIRS", "Node"]

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
