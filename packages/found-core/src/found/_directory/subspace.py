"""What the directory layer hands out: `Directory` (the path-relative operations),
`DirectorySubspace` (a directory's contents: a `Subspace` that is also a `Directory`) and
`DirectoryPartition` (a directory with its own directory layer inside its prefix).

Every operation takes a `found.Transaction` first, or a `found.Database`: then it runs in its
own `found.transactional` (retried on conflicts). Paths are a string or a tuple of strings,
relative to the directory the method is called on.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Awaitable, Callable, List, Tuple, TypeVar, Union

from .._database import Database
from .._subspace import Subspace
from .._transaction import Transaction
from .._transactional import transactional
from .._tuple import TupleLike
from . import errors

if TYPE_CHECKING:
    from .layer import DirectoryLayer

__all__ = ["Directory", "DirectoryPartition", "DirectorySubspace", "Path", "tuplify_path"]

T = TypeVar("T")
Path = Union[str, Tuple[str, ...]]
DbOrTx = Union[Database, Transaction]


def in_transaction(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Let `method(self, tx, ...)` take a `Database` too: then it runs in `transactional`."""

    @functools.wraps(method)
    async def wrapper(self: Any, tx: DbOrTx, *args: Any, **kwargs: Any) -> T:
        if isinstance(tx, Transaction):
            return await method(self, tx, *args, **kwargs)
        if isinstance(tx, Database):
            return await transactional(tx, lambda t: method(self, t, *args, **kwargs))
        raise TypeError(f"tx must be a found.Transaction or Database, not {type(tx).__name__}")

    return wrapper


def tuplify_path(path: Any) -> Tuple[Any, ...]:
    """A path argument as a tuple: a tuple (or list) as is, anything else as a 1-tuple."""
    if isinstance(path, (tuple, list)):
        return tuple(path)
    return (path,)


def to_unicode_path(path: Any) -> Tuple[str, ...]:
    """The path as a tuple of strings, as the official binding converts it: `bytes` names
    become `str(name)` (so `b"a"` names the directory "b'a'"); other types are refused."""
    if isinstance(path, (bytes, str)):
        path = (path,)
    if not isinstance(path, (tuple, list)):
        raise errors.DirectoryValueError(errors.BAD_PATH)
    names = []
    for name in path:
        if isinstance(name, bytes):
            name = str(name)
        elif not isinstance(name, str):
            raise errors.DirectoryValueError(errors.BAD_PATH)
        names.append(name)
    return tuple(names)


class Directory:
    """Operations on the directory tree relative to one directory (its path and layer)."""

    def __init__(
        self, directory_layer: DirectoryLayer, path: Tuple[str, ...] = (), layer: bytes = b""
    ) -> None:
        self._directory_layer = directory_layer
        self._path = tuple(path)
        self._layer = layer

    def get_path(self) -> Tuple[str, ...]:
        """The absolute path of this directory."""
        return self._path

    def get_layer(self) -> bytes:
        """The layer recorded with this directory (b"" for none, b"partition")."""
        return self._layer

    def _subpath(self, path: Any, directory_layer: Any = None) -> Tuple[Any, ...]:
        layer = directory_layer or self._directory_layer
        return self._path[len(layer._path) :] + tuplify_path(path)

    def _layer_for_path(self, path: Tuple[Any, ...]) -> DirectoryLayer:
        return self._directory_layer

    @in_transaction
    async def create_or_open(
        self, tx: Transaction, path: Path, layer: Any = None
    ) -> DirectorySubspace:
        """Open the directory at `path`, creating it and missing parents if needed; a given
        `layer` must match the stored one (DirectoryValueError otherwise)."""
        return await self._directory_layer._open_or_create(tx, self._subpath(path), layer)

    @in_transaction
    async def open(self, tx: Transaction, path: Path, layer: Any = None) -> DirectorySubspace:
        """Open the existing directory at `path` (DirectoryValueError if it is missing)."""
        return await self._directory_layer._open_or_create(
            tx, self._subpath(path), layer, allow_create=False
        )

    @in_transaction
    async def create(
        self, tx: Transaction, path: Path, layer: Any = None, prefix: Any = None
    ) -> DirectorySubspace:
        """Create the directory at `path` (and missing parents); DirectoryValueError if it
        exists. `prefix` (bytes) needs a layer made with `allow_manual_prefixes=True`."""
        return await self._directory_layer._open_or_create(
            tx, self._subpath(path), layer, prefix, allow_open=False
        )

    @in_transaction
    async def list(self, tx: Transaction, path: Path = ()) -> List[str]:
        """The names of the subdirectories of `path`, in key order."""
        return await self._directory_layer._list(tx, self._subpath(path))

    @in_transaction
    async def move(self, tx: Transaction, old_path: Path, new_path: Path) -> DirectorySubspace:
        """Move `old_path` to `new_path` (same prefix, new name): the destination must not
        exist, its parent must, and both must be in the same partition."""
        return await self._directory_layer._move(
            tx, self._subpath(old_path), self._subpath(new_path)
        )

    @in_transaction
    async def move_to(self, tx: Transaction, new_absolute_path: Path) -> DirectorySubspace:
        """Move this directory to `new_absolute_path` (inside the same partition)."""
        layer = self._layer_for_path(())
        new_path = to_unicode_path(new_absolute_path)
        depth = len(layer._path)
        if new_path[:depth] != layer._path:
            raise errors.DirectoryValueError(errors.MOVE_ACROSS)
        return await layer._move(tx, self._path[depth:], new_path[depth:])

    @in_transaction
    async def remove(self, tx: Transaction, path: Path = ()) -> bool:
        """Remove the directory at `path`, its contents and every subdirectory
        (DirectoryValueError if it is missing). Returns True."""
        layer = self._layer_for_path(tuplify_path(path))
        return await layer._remove(tx, self._subpath(path, layer), must_exist=True)

    @in_transaction
    async def remove_if_exists(self, tx: Transaction, path: Path = ()) -> bool:
        """Remove the directory at `path` like `remove`; False if it did not exist."""
        layer = self._layer_for_path(tuplify_path(path))
        return await layer._remove(tx, self._subpath(path, layer), must_exist=False)

    @in_transaction
    async def exists(self, tx: Transaction, path: Path = ()) -> bool:
        """Whether the directory at `path` exists."""
        layer = self._layer_for_path(tuplify_path(path))
        return await layer._exists(tx, self._subpath(path, layer))


class DirectorySubspace(Subspace, Directory):
    """The contents of a directory (a `Subspace` over its prefix) and the directory
    operations relative to its path."""

    def __init__(
        self,
        path: Tuple[str, ...],
        prefix: bytes,
        directory_layer: DirectoryLayer,
        layer: Any = None,
    ) -> None:
        Subspace.__init__(self, rawPrefix=prefix)
        Directory.__init__(self, directory_layer, path, layer if layer is not None else b"")

    def _identity(self) -> tuple:
        return (type(self), self._raw, self._path, self._layer)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self._path!r}, prefix={self._raw!r})"


def _partition_root(what: str) -> errors.DirectoryError:
    return errors.DirectoryError(f"Cannot {what} the root of a directory partition.")


class DirectoryPartition(DirectorySubspace):
    """A directory with layer b"partition": its subdirectories live in a directory layer of
    their own inside its prefix (node subspace `prefix + b"\\xfe"`, content `prefix`), so
    the whole partition's data is one contiguous range. Its root is not a usable subspace."""

    def __init__(
        self, path: Tuple[str, ...], prefix: bytes, parent_directory_layer: DirectoryLayer
    ) -> None:
        inner = type(parent_directory_layer)(
            Subspace(rawPrefix=prefix + b"\xfe"), Subspace(rawPrefix=prefix)
        )
        inner._path = tuple(path)
        DirectorySubspace.__init__(self, path, prefix, inner, b"partition")
        self._parent_directory_layer = parent_directory_layer

    def _layer_for_path(self, path: Tuple[Any, ...]) -> DirectoryLayer:
        return self._parent_directory_layer if path == () else self._directory_layer

    def __getitem__(self, item: Any) -> Subspace:
        raise _partition_root("open subspace in")

    def key(self) -> bytes:
        raise _partition_root("get key for")

    def pack(self, t: TupleLike = ()) -> bytes:
        raise _partition_root("pack keys using")

    def pack_with_versionstamp(self, t: TupleLike) -> bytes:
        raise _partition_root("pack keys using")

    def unpack(self, key: bytes) -> Tuple[Any, ...]:
        raise _partition_root("unpack keys using")

    def range(self, t: TupleLike = ()) -> slice:
        raise _partition_root("get range for")

    def contains(self, key: bytes) -> bool:
        raise _partition_root("check whether a key belongs to")

    def as_foundationdb_key(self) -> bytes:
        raise errors.DirectoryError("Cannot use the root of a directory partition as a key.")

    def subspace(self, t: TupleLike) -> Subspace:
        raise _partition_root("open subspace in")
