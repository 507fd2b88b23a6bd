"""Reads at a version older than the snapshot's newest: the kv rows, and the history since.

A key's ``kv`` row holds its latest value and the version w that wrote it. When w is above
the read version v, the key's past is found by walking back through its before-images: the
history row of the key in commit w (if the key had a value just before w) holds that value
and the version that wrote it, which is the key's previous change; and so on until a value
written at or before v (the answer), or a commit that created the key (nothing before it).
Each step reads the rows of one commit, located by the log's ``history_to`` ids; a key
changed many times since v is read by the walk forward below instead.

Keys leave ``kv`` only when cleared, and the log counts the commits that removed a key
(``log.clears``, cumulative). When no commit in (v, w) removed a key, a key created at w
did not exist at v, and a key missing from ``kv`` did not exist at v either: no search.
Otherwise the key's first history row among the commits after v answers (a walk forward
through the history of those commits, bounded by w): its value if written at or before v,
else absent. So reads at recent versions, and reads of keys not cleared since, cost a few
index lookups however much was written since; only keys around recent clears pay for a
walk over the history written since v.
"""

from __future__ import annotations

import sqlite3
from operator import itemgetter
from typing import Optional

from .schema import rows

_NEVER = 9223372036854775807  # a version above every commit
_STEPS = 16  # steps back before walking forward instead
_KEY = itemgetter(0)
_KV = "SELECT version, value FROM kv WHERE key = ?"
_KV_RANGE = "SELECT key, version, value FROM kv WHERE key >= ? AND key < ? ORDER BY key {0} LIMIT ?"
_KV_FORWARD, _KV_REVERSE = _KV_RANGE.format("ASC"), _KV_RANGE.format("DESC")
# The log value ``clears`` at the newest commit at or below ? (the floor's when collected).
_CLEARS = (
    "IFNULL((SELECT clears FROM log WHERE version <= ? ORDER BY version DESC LIMIT 1),"
    " (SELECT clears_floor FROM meta WHERE id = 0))"
)
# Whether a commit in (?, ?) removed a key: parameters (v, w - 1).
_CLEARED = f"SELECT {_CLEARS} < {_CLEARS}"
# The row of key ? in the commit at version ? (parameters: w, w, w, key): its ids run from
# the previous log row's history_to to its own.
_IN_COMMIT = (
    "SELECT version, value FROM history WHERE id >= IFNULL((SELECT history_to FROM log"
    " WHERE version < ? ORDER BY version DESC LIMIT 1), 0) AND id < IFNULL((SELECT"
    " history_to FROM log WHERE version = ?), 0) AND until = ? AND key = ?"
)
# The first history id of the commits after version ?.
_AFTER = "IFNULL((SELECT history_to FROM log WHERE version <= ? ORDER BY version DESC LIMIT 1), 0)"
# The first row of key ? after version ? up to the commit at ? (parameters: v, w, key, v).
_FIRST = (
    f"SELECT version, value FROM history WHERE id >= {_AFTER} AND id < IFNULL((SELECT"
    " history_to FROM log WHERE version = ?), 9223372036854775807) AND key = ? AND until > ?"
    " ORDER BY id LIMIT 1"
)
# Every key's first row after version ? in [?, ?) (parameters: v, v, begin, end); the bare
# columns take the row of the minimum id.
_FIRSTS = (
    f"SELECT key, value, version, MIN(id) FROM history WHERE id >= {_AFTER} AND until > ?"
    " AND key >= ? AND key < ? GROUP BY key"
)
_SCAN_AT = (
    "SELECT key, value FROM kv WHERE key >= ? AND key < ? AND version <= ? ORDER BY key {0} LIMIT ?"
)
_SCAN_AT_FORWARD, _SCAN_AT_REVERSE = _SCAN_AT.format("ASC"), _SCAN_AT.format("DESC")


def _cleared(conn: sqlite3.Connection, version: int, before: int) -> bool:
    """Whether a commit in (version, before) removed a key."""
    return bool(rows(conn, _CLEARED, (version, before - 1))[0][0])


def _walk_back(
    conn: sqlite3.Connection, key: bytes, wrote: int, version: int
) -> tuple[Optional[bytes], int]:
    """From the key's value written at `wrote` (> `version`), back through its
    before-images: (the value at `version`, 0) when found, else (None, the version that
    created the key after `version`). A key changed more than `_STEPS` times since is read
    by the walk forward instead (its first row after `version`, which is exact on its own:
    cheap for such a key, as its first change comes early)."""
    for _ in range(_STEPS):
        prior = rows(conn, _IN_COMMIT, (wrote, wrote, wrote, key))
        if not prior:
            return None, wrote
        wrote, value = prior[0]
        if wrote <= version:
            return value, 0
    first = rows(conn, _FIRST, (version, wrote, key, version))
    return (first[0][1] if first and first[0][0] <= version else None), 0


def value_at(conn: sqlite3.Connection, key: bytes, version: int) -> Optional[bytes]:
    """The value of `key` at `version` (None when absent)."""
    found = rows(conn, _KV, (key,))
    if found:
        wrote, value = found[0]
        if wrote <= version:
            return value
        value, created = _walk_back(conn, key, wrote, version)
        if not created:
            return value
    else:
        created = _NEVER
    if not _cleared(conn, version, created):
        return None
    first = rows(conn, _FIRST, (version, created, key, version))
    return first[0][1] if first and first[0][0] <= version else None


def range_at(
    conn: sqlite3.Connection, begin: bytes, end: bytes, version: int, limit: int, reverse: bool
) -> list[tuple[bytes, bytes]]:
    """Pairs of [begin, end) at `version`, in key order (descending when `reverse`), at
    most `limit` (0: all)."""
    if _cleared(conn, version, _NEVER):
        return _range_scan(conn, begin, end, version, limit, reverse)
    # No key was removed since `version`: its keys are among today's, each walked back.
    found: list[tuple[bytes, bytes]] = []
    fetch = limit or -1
    sql = _KV_REVERSE if reverse else _KV_FORWARD
    while True:
        batch = rows(conn, sql, (begin, end, fetch))
        for key, wrote, value in batch:
            if wrote > version:
                value, _ = _walk_back(conn, key, wrote, version)
                if value is None:  # created since
                    continue
            found.append((key, value))
            if len(found) == limit:
                return found
        if fetch < 0 or len(batch) < fetch:
            return found
        if reverse:
            end = batch[-1][0]
        else:
            begin = batch[-1][0] + b"\x00"


def _range_scan(
    conn: sqlite3.Connection, begin: bytes, end: bytes, version: int, limit: int, reverse: bool
) -> list[tuple[bytes, bytes]]:
    """`range_at` after clears: the kv rows not newer than `version`, merged with the first
    history row after it of each key in the range (written by then)."""
    sql = _SCAN_AT_REVERSE if reverse else _SCAN_AT_FORWARD
    found: list[tuple[bytes, bytes]] = rows(conn, sql, (begin, end, version, limit or -1))
    firsts = rows(conn, _FIRSTS, (version, version, begin, end))
    if firsts:
        found.extend((key, value) for key, value, wrote, _ in firsts if wrote <= version)
        found.sort(key=_KEY, reverse=reverse)
        if 0 < limit < len(found):
            del found[limit:]
    return found
