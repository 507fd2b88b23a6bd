"""Writes: `set`, `clear`, `set_read_version` and the twelve atomic operations.

Each call acts at once, like the libfdb_c call it wraps (errors such as 2102 key_too_large are
deferred by the backend to the next awaited call, as libfdb_c defers them), and returns
`found._util.DONE`, so `await found.set(...)` (0.13 style) and `found.set(...)` both work.
A snapshot transaction (`transactional(..., snapshot=True)`) is read-only: every write raises
2023 transaction_read_only at once (0.13 only made its reads snapshot reads).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable, Optional

from ._errors import error
from ._options import MutationType, TransactionOption
from ._transaction import Transaction, check_tx
from ._util import DONE, check_bytes, check_int, check_key

__all__ = [
    "add",
    "append_if_fits",
    "bit_and",
    "bit_or",
    "bit_xor",
    "byte_max",
    "byte_min",
    "clear",
    "compare_and_clear",
    "max",
    "min",
    "set",
    "set_many",
    "set_read_version",
    "set_versionstamped_key",
    "set_versionstamped_value",
]


#: A key: bytes, or any object with `as_foundationdb_key()` (a Subspace, a DirectorySubspace).
KeyLike = Any
_BYTES = frozenset({bytes})


def _writable(tx: Any) -> Transaction:
    tx = check_tx(tx)
    if tx.snapshot:
        raise error(2023, "Writes are not allowed in a snapshot (read-only) transaction")
    return tx


def set(tx: Transaction, key: KeyLike, value: bytes) -> Any:
    """Associate `key` with `value` in `tx`."""
    if not isinstance(tx, Transaction) or tx.snapshot:
        _writable(tx)
    if type(key) is not bytes:
        key = check_key("key", key)
    if type(value) is not bytes:
        value = check_bytes("value", value)
    tx._tx.set(key, value)
    return DONE


def set_many(
    tx: Transaction,
    keys: Iterable[KeyLike],
    values: Optional[Iterable[bytes]] = None,
    *,
    no_write_conflict: bool = False,
) -> Any:
    """Set each of `keys` to the value at the same position of `values` (`b""` for every key
    when `values` is None): the same as a loop of `set`, in bulk, for loads and indexes.

    With `no_write_conflict=True` the keys add no write-conflict ranges (as when
    NEXT_WRITE_NO_WRITE_CONFLICT_RANGE precedes each set): for a layer that declares one
    range for the whole batch itself with `add_write_conflict_range`."""
    if not isinstance(tx, Transaction) or tx.snapshot:
        _writable(tx)
    keys = list(keys)
    if not frozenset(map(type, keys)) <= _BYTES:
        keys = [check_key("keys", key) for key in keys]
    if values is None:
        values = [b""] * len(keys)
    else:
        values = list(values)
        if len(values) != len(keys):
            raise ValueError(f"set_many got {len(keys)} keys but {len(values)} values")
        if not frozenset(map(type, values)) <= _BYTES:
            values = [check_bytes("values", value) for value in values]
    backend = tx._tx
    bulk = getattr(backend, "set_many", None)
    if bulk is not None:
        bulk(keys, values, bool(no_write_conflict))
        return DONE
    for key, value in zip(keys, values):  # a backend without a bulk call: one set per key
        if no_write_conflict:
            backend.set_option(TransactionOption.NEXT_WRITE_NO_WRITE_CONFLICT_RANGE, None)
        backend.set(key, value)
    return DONE


def clear(tx: Transaction, key: KeyLike, other: Optional[KeyLike] = None) -> Any:
    """Remove `key`, or with `other` every key in `[key, other)` (`other` itself is kept)."""
    backend = _writable(tx)._tx
    key = check_key("key", key)
    if other is None:
        backend.clear(key)
    else:
        backend.clear_range(key, check_key("other", other))
    return DONE


def set_read_version(tx: Transaction, version: int) -> Any:
    """Read at `version` instead of asking the database for the latest one (must be inside
    the last 5 seconds of versions, else reads fail with 1007)."""
    check_tx(tx)._tx.set_read_version(check_int("version", version))
    return DONE


def _atomic(code: int, name: str, doc: str) -> Callable[[Transaction, KeyLike, bytes], Any]:
    def operation(tx: Transaction, key: KeyLike, param: bytes) -> Any:
        backend = _writable(tx)._tx
        backend.atomic_op(check_key("key", key), check_bytes("param", param), code)
        return DONE

    operation.__name__ = operation.__qualname__ = name
    operation.__doc__ = doc
    return operation


add = _atomic(
    MutationType.ADD,
    "add",
    "Add `param` to the value of `key`, both little-endian integers of len(param) bytes.",
)
bit_and = _atomic(
    MutationType.BIT_AND, "bit_and", "Bitwise AND of `param` with the value of `key`."
)
bit_or = _atomic(MutationType.BIT_OR, "bit_or", "Bitwise OR of `param` with the value of `key`.")
bit_xor = _atomic(
    MutationType.BIT_XOR, "bit_xor", "Bitwise XOR of `param` with the value of `key`."
)
max = _atomic(
    MutationType.MAX,
    "max",
    "Keep the larger of the value of `key` and `param`, as unsigned little-endian integers.",
)
min = _atomic(
    MutationType.MIN,
    "min",
    "Keep the smaller of the value of `key` and `param`, as unsigned little-endian integers.",
)
byte_max = _atomic(
    MutationType.BYTE_MAX,
    "byte_max",
    "Keep the lexicographically larger of the value of `key` and `param`.",
)
byte_min = _atomic(
    MutationType.BYTE_MIN,
    "byte_min",
    "Keep the lexicographically smaller of the value of `key` and `param`.",
)
append_if_fits = _atomic(
    MutationType.APPEND_IF_FITS,
    "append_if_fits",
    "Append `param` to the value of `key` unless the result would exceed 100,000 bytes.",
)
compare_and_clear = _atomic(
    MutationType.COMPARE_AND_CLEAR,
    "compare_and_clear",
    "Clear `key` if its value equals `param`.",
)
set_versionstamped_key = _atomic(
    MutationType.SET_VERSIONSTAMPED_KEY,
    "set_versionstamped_key",
    "Set a key holding the commit's versionstamp to `param`; `key` ends with the 4-byte "
    "little-endian offset of the 10-byte placeholder (see `found.pack_with_versionstamp`).",
)
set_versionstamped_value = _atomic(
    MutationType.SET_VERSIONSTAMPED_VALUE,
    "set_versionstamped_value",
    "Set `key` to `param` with the commit's versionstamp written in; `param` ends with the "
    "4-byte little-endian offset of the 10-byte placeholder.",
)
