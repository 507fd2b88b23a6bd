"""Key selector resolution over a transaction's merged view (semantics reference §5).

A selector (key, or_equal, offset) names the last key `< key` (`<= key` with or_equal) moved
`offset` keys forward. `(k, True, n)` is rewritten to `(k + b"\\x00", False, n)` first, so
only the "last key < key" form is resolved. Only keys below `max_key` exist for the scan;
running off either end clamps to `b""` or `max_key`, never an error.
"""

from __future__ import annotations

from .view import View


def normalize(key: bytes, or_equal: bool, offset: int) -> tuple[bytes, int]:
    """(key, offset) of the equivalent selector without or_equal."""
    return (key + b"\x00", offset) if or_equal else (key, offset)


def resolve(view: View, key: bytes, offset: int, max_key: bytes) -> bytes:
    """Resolve the normalized selector (key, offset) to a key in `[b"", max_key]`."""
    if offset >= 1:
        if key >= max_key:
            return max_key
        for count, (found, _) in enumerate(view.rows(key, max_key, False, offset), 1):
            if count == offset:
                return found
        return max_key
    end = min(key, max_key)
    wanted = 1 - offset
    for count, (found, _) in enumerate(view.rows(b"", end, True, wanted), 1):
        if count == wanted:
            return found
    return b""


def resolve_bound(view: View, key: bytes, offset: int, max_key: bytes) -> bytes:
    """A range endpoint: first_greater_or_equal selectors need no scan at all."""
    if offset == 1:
        return min(key, max_key)
    return resolve(view, key, offset, max_key)


def get_key_conflict(key: bytes, offset: int, result: bytes) -> tuple[bytes, bytes]:
    """The read-conflict range a serializable get_key adds (§6.2), from the normalized key."""
    if offset <= 0:
        return (result, key) if result < key else (key, result)
    end = result + b"\x00"
    return (key, end) if key < end else (end, key)
