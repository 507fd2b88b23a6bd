"""`Subspace`: a key prefix with tuple packing under it.

A subspace is a byte prefix (usually itself a packed tuple) that groups related keys, as in the
official bindings: `Subspace(("users",))[42].pack(("name",))` is
`pack(("users", 42, "name"))`. The constructor takes the official names, `prefixTuple` and
`rawPrefix`, so code written for the `fdb` binding ports unchanged; the prefix is
`rawPrefix + pack(prefixTuple)`.

Subspaces are immutable, compare equal when they are the same kind of subspace over the same
prefix, and can be used as dictionary keys.
"""

from __future__ import annotations

from typing import Any, Tuple

from ._tuple import TupleLike, pack, pack_with_versionstamp, unpack
from ._tuple import range as tuple_range
from ._util import check_bytes

__all__ = ["Subspace", "key_prefix"]


def key_prefix(prefix: Any, *, what: str = "prefix") -> bytes:
    """The raw bytes every key under `prefix` starts with, for layers that take "a tuple or a
    subspace" as where to keep their data.

    A tuple or list is packed (so an unpackable prefix fails here, not at the first write); an
    object with a ``key()`` method returning bytes, such as `Subspace` or a directory, gives
    that. Anything else raises TypeError; `what` names the argument in the message.
    """
    if isinstance(prefix, (tuple, list)):
        return pack(tuple(prefix))
    key = getattr(prefix, "key", None)
    raw = key() if callable(key) else None
    if not isinstance(raw, bytes):
        raise TypeError(
            f"{what} must be a tuple (or list) of tuple-packable items or a Subspace, "
            f"not {type(prefix).__name__}"
        )
    return raw


def _check_tuple(name: str, value: Any) -> tuple:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    raise TypeError(f"{name} must be a tuple, not {type(value).__name__}")


class Subspace:
    """Keys that start with one prefix: pack tuples under it, unpack them, and name its range.

    `prefixTuple` is packed with the tuple layer and appended to `rawPrefix` (bytes)."""

    __slots__ = ("_raw",)

    def __init__(self, prefixTuple: TupleLike = (), rawPrefix: bytes = b"") -> None:
        raw = check_bytes("rawPrefix", rawPrefix)
        self._raw = pack(_check_tuple("prefixTuple", prefixTuple), raw)

    # -- the prefix -------------------------------------------------------------------------

    @property
    def rawPrefix(self) -> bytes:
        """The prefix bytes (the official binding's attribute name)."""
        return self._raw

    @property
    def raw_prefix(self) -> bytes:
        """The prefix bytes."""
        return self._raw

    def key(self) -> bytes:
        """The prefix itself: the key of this subspace's empty tuple."""
        return self._raw

    def as_foundationdb_key(self) -> bytes:
        """The prefix, so a subspace can stand for its own key (official binding protocol)."""
        return self._raw

    # -- tuples under the prefix ------------------------------------------------------------

    def pack(self, t: TupleLike = ()) -> bytes:
        """The key of tuple `t` in this subspace: prefix + `pack(t)`."""
        return pack(_check_tuple("t", t), self._raw)

    def pack_with_versionstamp(self, t: TupleLike) -> bytes:
        """Prefix + `pack_with_versionstamp(t)`: a key for `set_versionstamped_key`, where `t`
        holds exactly one incomplete `Versionstamp` (its offset is appended)."""
        return pack_with_versionstamp(_check_tuple("t", t), self._raw)

    def unpack(self, key: bytes) -> Tuple[Any, ...]:
        """The tuple packed after the prefix in `key`; ValueError if `key` is not in this
        subspace (or is not a valid tuple after it)."""
        key = check_bytes("key", key)
        if not key.startswith(self._raw):
            raise ValueError("Cannot unpack key that is not in subspace.")
        return unpack(key, prefix_len=len(self._raw))

    def range(self, t: TupleLike = ()) -> slice:
        """`slice(begin, end)` of every key that packs a tuple strictly extending `t` in this
        subspace (the key of `t` itself excluded), as `found.range` does."""
        inner = tuple_range(_check_tuple("t", t))
        return slice(self._raw + inner.start, self._raw + inner.stop)

    def contains(self, key: bytes) -> bool:
        """Whether `key` starts with this subspace's prefix."""
        return check_bytes("key", key).startswith(self._raw)

    # -- nesting ----------------------------------------------------------------------------

    def subspace(self, t: TupleLike) -> Subspace:
        """The subspace of tuple `t` inside this one (prefix + `pack(t)`)."""
        return Subspace(_check_tuple("t", t), self._raw)

    def __getitem__(self, item: Any) -> Subspace:
        """`s[x]` is `s.subspace((x,))`."""
        return Subspace((item,), self._raw)

    # -- identity ---------------------------------------------------------------------------

    def _identity(self) -> tuple:
        return (Subspace, self._raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Subspace):
            return NotImplemented
        return self._identity() == other._identity()

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        return f"Subspace(rawPrefix={self._raw!r})"
