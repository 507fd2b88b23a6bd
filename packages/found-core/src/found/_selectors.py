"""Key selectors: a key, an or-equal flag and an offset, resolved by the database.

`lt`, `lte`, `gt` and `gte` build the four standard selectors (FoundationDB's
lastLessThan, lastLessOrEqual, firstGreaterThan and firstGreaterOrEqual). Each accepts an
`offset` that is used as given; 0.13's `gte` ignored it, which is fixed here.
"""

from __future__ import annotations

from typing import NamedTuple, Union

from ._util import check_int, check_key

__all__ = ["KeySelector", "gt", "gte", "lt", "lte", "to_selector"]


class KeySelector(NamedTuple):
    """A key selector: resolves to the key `offset` places after the last key that is less
    than `key` (less than or equal when `or_equal`), as `fdb_transaction_get_key` does."""

    key: bytes
    or_equal: bool
    offset: int

    def __add__(self, offset: object) -> KeySelector:
        """`sel + n` moves the selector n keys later, as in the official binding."""
        return KeySelector(self.key, self.or_equal, self.offset + check_int("offset", offset))

    def __sub__(self, offset: object) -> KeySelector:
        """`sel - n` moves the selector n keys earlier."""
        return KeySelector(self.key, self.or_equal, self.offset - check_int("offset", offset))


def lt(key: bytes, offset: int = 0) -> KeySelector:
    """The last key strictly less than `key` (moved by `offset`)."""
    return KeySelector(check_key("key", key), False, check_int("offset", offset))


def lte(key: bytes, offset: int = 0) -> KeySelector:
    """The last key less than or equal to `key` (moved by `offset`)."""
    return KeySelector(check_key("key", key), True, check_int("offset", offset))


def gt(key: bytes, offset: int = 1) -> KeySelector:
    """The first key strictly greater than `key` (moved by `offset - 1`)."""
    return KeySelector(check_key("key", key), True, check_int("offset", offset))


def gte(key: bytes, offset: int = 1) -> KeySelector:
    """The first key greater than or equal to `key` (moved by `offset - 1`)."""
    return KeySelector(check_key("key", key), False, check_int("offset", offset))


def to_selector(name: str, value: Union[bytes, KeySelector]) -> KeySelector:
    """`value` as a selector: a KeySelector as is (its key converted if it is a key object),
    a key (bytes or an object with `as_foundationdb_key()`) as `gte(value)`; else TypeError."""
    if type(value) is bytes:
        return KeySelector(value, False, 1)
    if isinstance(value, KeySelector):
        key = value.key
        if type(key) is not bytes:
            key = check_key(f"{name}.key", key)
            value = KeySelector(key, value.or_equal, value.offset)
        check_int(f"{name}.offset", value.offset)
        return value
    if isinstance(value, (bytearray, memoryview)) or hasattr(type(value), "as_foundationdb_key"):
        return KeySelector(check_key(name, value), False, 1)
    raise TypeError(
        f"{name} must be bytes, a KeySelector or have as_foundationdb_key(), "
        f"not {type(value).__name__}"
    )
