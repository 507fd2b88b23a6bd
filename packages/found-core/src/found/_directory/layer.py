"""`DirectoryLayer`: maps paths of names to short key prefixes, in the official on-disk
format, so found and every other FoundationDB binding share the same directories.

Layout (node subspace `N`, default `\\xfe`; content subspace `C`, default empty):

- a directory with prefix `P` has its metadata in the node `N[P]`: `N[P][b"layer"]` holds its
  layer and `N[P][0][name]` holds the prefix of its subdirectory `name`;
- the root is the node `N[N.key()]`; it also holds the format version (`[b"version"]`, three
  uint32 little-endian: 1.0.0, written on the first write) and the prefix allocator
  (`[b"hca"]`, see `allocator.py`);
- a new directory gets the prefix `C.key() + pack((n,))` with `n` from the allocator.

The public operations are those of `Directory` (`subspace.py`); this module holds the
implementation they call, one step of the tree walk at a time.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from .._reads import get, query
from .._subspace import Subspace
from .._transaction import Transaction
from .._util import check_bytes, next_prefix
from .._writes import clear, set
from . import errors
from .allocator import HighContentionAllocator, snapshot_view
from .node import PARTITION, SUBDIRS, VERSION, Node, check_version
from .subspace import (
    DbOrTx,
    Directory,
    DirectoryPartition,
    DirectorySubspace,
    Path,
    to_unicode_path,
)

__all__ = ["DirectoryLayer", "directory"]


class DirectoryLayer(Directory):
    """A directory tree stored under `node_subspace`, handing out prefixes inside
    `content_subspace`. `allow_manual_prefixes=True` lets `create` take an explicit prefix."""

    VERSION = VERSION

    def __init__(
        self,
        node_subspace: Optional[Subspace] = None,
        content_subspace: Optional[Subspace] = None,
        allow_manual_prefixes: bool = False,
    ) -> None:
        Directory.__init__(self, self)
        node_subspace = Subspace(rawPrefix=b"\xfe") if node_subspace is None else node_subspace
        content_subspace = Subspace() if content_subspace is None else content_subspace
        for name, value in (
            ("node_subspace", node_subspace),
            ("content_subspace", content_subspace),
        ):
            if not isinstance(value, Subspace):
                raise TypeError(f"{name} must be a found.Subspace, not {type(value).__name__}")
        self._node_subspace = node_subspace
        self._content_subspace = content_subspace
        self._allow_manual_prefixes = bool(allow_manual_prefixes)
        self._root_node = node_subspace[node_subspace.key()]
        self._allocator = HighContentionAllocator(self._root_node[b"hca"])

    def __repr__(self) -> str:
        return (
            f"DirectoryLayer(node_subspace={self._node_subspace!r}, "
            f"content_subspace={self._content_subspace!r})"
        )

    async def move_to(self, tx: DbOrTx, new_absolute_path: Path) -> DirectorySubspace:
        """Always DirectoryError: the root directory cannot be moved."""
        raise errors.DirectoryError(errors.ROOT_MOVE)

    # -- nodes ------------------------------------------------------------------------------

    def _node_with_prefix(self, prefix: Optional[bytes]) -> Optional[Subspace]:
        return None if prefix is None else self._node_subspace[prefix]

    def _contents_of_node(
        self, node: Subspace, path: Tuple[str, ...], layer: Optional[bytes]
    ) -> DirectorySubspace:
        prefix = self._node_subspace.unpack(node.key())[0]
        if layer == PARTITION:
            return DirectoryPartition(self._path + path, prefix, self)
        return DirectorySubspace(self._path + path, prefix, self, layer)

    def _contents(self, node: Node) -> DirectorySubspace:
        assert node.subspace is not None  # callers check node.exists() first
        return self._contents_of_node(node.subspace, node.path, node.layer)

    async def _read_layer(self, tx: Transaction, node: Node) -> None:
        if node.subspace is not None and node.layer is None:
            node.layer = await get(tx, node.subspace.pack((b"layer",)))

    async def _find(self, tx: Transaction, path: Tuple[str, ...]) -> Node:
        """Walk `path` from the root; stop at a missing directory or at a partition. The
        returned node's layer is read."""
        node = Node(self._root_node, (), path)
        for index, name in enumerate(path):
            assert node.subspace is not None  # the loop stops at missing nodes
            prefix = await get(tx, node.subspace.pack((SUBDIRS, name)))
            node = Node(self._node_with_prefix(prefix), path[: index + 1], path)
            await self._read_layer(tx, node)
            if not node.exists() or node.layer == PARTITION:
                return node
        await self._read_layer(tx, node)
        return node

    async def _children(self, tx: Transaction, node: Subspace) -> List[Tuple[str, Subspace]]:
        subdirs = node[SUBDIRS]
        bounds = subdirs.range()
        return [
            (subdirs.unpack(key)[0], self._node_subspace[value])
            async for key, value in query(tx, bounds.start, bounds.stop)
        ]

    async def _node_containing_key(self, tx: Transaction, key: bytes) -> Optional[Subspace]:
        if key.startswith(self._node_subspace.key()):
            return self._root_node
        begin = self._node_subspace.range().start
        end = self._node_subspace.pack((key,)) + b"\x00"
        async for found_key, _ in query(tx, begin, end, limit=1, reverse=True):
            previous = self._node_subspace.unpack(found_key)[0]
            if key.startswith(previous):
                return self._node_subspace[previous]
        return None

    async def _is_prefix_free(self, tx: Transaction, prefix: bytes) -> bool:
        """Whether `prefix` neither holds nor lies inside any allocated prefix (root too)."""
        if not prefix or await self._node_containing_key(tx, prefix) is not None:
            return False
        begin = self._node_subspace.pack((prefix,))
        end = self._node_subspace.pack((next_prefix(prefix),))
        async for _ in query(tx, begin, end, limit=1):
            return False
        return True

    async def _has_keys(self, tx: Transaction, prefix: bytes) -> bool:
        async for _ in query(tx, prefix, next_prefix(prefix), limit=1):
            return True
        return False

    # -- operations -------------------------------------------------------------------------

    async def _open_or_create(
        self,
        tx: Transaction,
        path: Any,
        layer: Any = None,
        prefix: Any = None,
        allow_create: bool = True,
        allow_open: bool = True,
    ) -> DirectorySubspace:
        await check_version(tx, self._root_node, write_access=False)
        if prefix is not None:
            if not self._allow_manual_prefixes:
                message = errors.NO_MANUAL if not self._path else errors.NO_MANUAL_IN_PARTITION
                raise errors.DirectoryValueError(message)
            prefix = check_bytes("prefix", prefix)
        if layer is not None:
            layer = check_bytes("layer", layer)
        path = to_unicode_path(path)
        if not path:
            raise errors.DirectoryValueError(errors.ROOT_OPEN)

        node = await self._find(tx, path)
        if node.exists():
            if node.in_partition():
                inner = self._contents(node)._directory_layer
                return await inner._open_or_create(
                    tx, node.partition_subpath(), layer, prefix, allow_create, allow_open
                )
            if not allow_open:
                raise errors.DirectoryValueError(errors.EXISTS)
            if layer and (node.layer or b"") != layer:
                raise errors.DirectoryValueError(errors.BAD_LAYER)
            return self._contents(node)

        if not allow_create:
            raise errors.DirectoryValueError(errors.MISSING)
        await check_version(tx, self._root_node)
        if prefix is None:
            prefix = self._content_subspace.key() + await self._allocator.allocate(tx)
            if await self._has_keys(tx, prefix):
                raise errors.DirectoryError(errors.ALLOCATED_HAS_KEYS % (prefix,))
            if not await self._is_prefix_free(snapshot_view(tx), prefix):
                raise errors.DirectoryError(errors.ALLOCATED_NOT_FREE)
        elif not await self._is_prefix_free(tx, prefix):
            raise errors.DirectoryValueError(errors.PREFIX_IN_USE)

        if len(path) > 1:
            parent = await self.create_or_open(tx, path[:-1])
            parent_node = self._node_subspace[parent.key()]
        else:
            parent_node = self._root_node
        node_subspace = self._node_subspace[prefix]
        set(tx, parent_node.pack((SUBDIRS, path[-1])), prefix)
        set(tx, node_subspace.pack((b"layer",)), layer or b"")
        return self._contents_of_node(node_subspace, path, layer or b"")

    async def _list(self, tx: Transaction, path: Any) -> List[str]:
        await check_version(tx, self._root_node, write_access=False)
        node = await self._find(tx, to_unicode_path(path))
        if not node.exists():
            raise errors.DirectoryValueError(errors.MISSING)
        if node.in_partition(include_empty_subpath=True):
            return await self._contents(node).list(tx, node.partition_subpath())
        assert node.subspace is not None
        return [name for name, _ in await self._children(tx, node.subspace)]

    async def _exists(self, tx: Transaction, path: Any) -> bool:
        await check_version(tx, self._root_node, write_access=False)
        node = await self._find(tx, to_unicode_path(path))
        if not node.exists():
            return False
        if node.in_partition():
            return await self._contents(node).exists(tx, node.partition_subpath())
        return True

    async def _move(self, tx: Transaction, old_path: Any, new_path: Any) -> DirectorySubspace:
        await check_version(tx, self._root_node)
        old_path = to_unicode_path(old_path)
        new_path = to_unicode_path(new_path)
        if old_path == new_path[: len(old_path)]:
            raise errors.DirectoryValueError(errors.MOVE_INTO_SELF)
        old_node = await self._find(tx, old_path)
        new_node = await self._find(tx, new_path)
        if not old_node.exists():
            raise errors.DirectoryValueError(errors.MOVE_SOURCE_MISSING)
        if old_node.in_partition() or new_node.in_partition():
            if (
                not old_node.in_partition()
                or not new_node.in_partition()
                or old_node.path != new_node.path
            ):
                raise errors.DirectoryValueError(errors.MOVE_ACROSS)
            return await self._contents(new_node).move(
                tx, old_node.partition_subpath(), new_node.partition_subpath()
            )
        if new_node.exists():
            raise errors.DirectoryValueError(errors.MOVE_TARGET_EXISTS)
        parent = await self._find(tx, new_path[:-1])
        if parent.subspace is None:
            raise errors.DirectoryValueError(errors.MOVE_PARENT_MISSING)
        assert old_node.subspace is not None
        prefix = self._node_subspace.unpack(old_node.subspace.key())[0]
        set(tx, parent.subspace.pack((SUBDIRS, new_path[-1])), prefix)
        await self._remove_from_parent(tx, old_path)
        return self._contents_of_node(old_node.subspace, new_path, old_node.layer)

    async def _remove(self, tx: Transaction, path: Any, must_exist: bool) -> bool:
        await check_version(tx, self._root_node)
        if not path:
            raise errors.DirectoryValueError(errors.ROOT_REMOVE)
        path = to_unicode_path(path)
        node = await self._find(tx, path)
        if not node.exists():
            if must_exist:
                raise errors.DirectoryValueError(errors.MISSING)
            return False
        if node.in_partition():
            inner = self._contents(node)._directory_layer
            return await inner._remove(tx, node.partition_subpath(), must_exist)
        assert node.subspace is not None
        await self._remove_recursive(tx, node.subspace)
        await self._remove_from_parent(tx, path)
        return True

    async def _remove_from_parent(self, tx: Transaction, path: Tuple[str, ...]) -> None:
        parent = await self._find(tx, path[:-1])
        assert parent.subspace is not None  # the child was just found under it
        clear(tx, parent.subspace.pack((SUBDIRS, path[-1])))

    async def _remove_recursive(self, tx: Transaction, node: Subspace) -> None:
        for _, child in await self._children(tx, node):
            await self._remove_recursive(tx, child)
        prefix = self._node_subspace.unpack(node.key())[0]
        clear(tx, prefix, next_prefix(prefix))
        bounds = node.range()
        clear(tx, bounds.start, bounds.stop)


#: The default directory layer: node subspace `\xfe`, content subspace empty.
directory = DirectoryLayer()
