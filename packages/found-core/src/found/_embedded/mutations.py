"""How a transaction's mutations become rows: validation, then the SQL that writes them.

Run by the committer inside its write transaction (`committer`). A set updates the key's
``kv`` row in place (an upsert), and the table's trigger appends the value it replaced to
``history`` (`schema`); a clear first appends the before-images of the live keys it
removes, then deletes their rows. Atomic operations read the value current at commit (the
earlier mutations of the batch applied) and write like a set, or a clear when the result
is absent. The byte sample is kept up to date in the same transaction (`sample`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import repeat
from operator import eq, itemgetter, lt

from .._atomic import ATOMIC_CODES, apply_atomic, place_stamp
from .._atomic import split_stamp_offset as _split
from .._errors import error
from .conflicts import Range, coalesce
from .sample import after_sets, after_writes
from .schema import rows

SET, CLEAR_RANGE = 0, 1
STAMPED_KEY, STAMPED_VALUE = 14, 15
_VALUE_OPS = ATOMIC_CODES - {STAMPED_KEY, STAMPED_VALUE}

# An upsert: an existing row is updated, which fires the trigger that records its
# before-image (`schema`).
_PUT = (
    "INSERT INTO kv (key, version, value) VALUES (?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET version = excluded.version, value = excluded.value"
)
_LATEST = "SELECT value FROM kv WHERE key = ?"
# A clear of [?, ?) at version ?: the before-images of the keys it removes, then the rows.
# Rows written by this commit (version ?) are skipped: their before-image, if any, is
# recorded already.
_CLEAR_HISTORY = (
    "INSERT INTO history (until, key, version, value) SELECT ?, key, version, value FROM kv"
    " WHERE key >= ? AND key < ? AND version < ?"
)
_CLEAR = "DELETE FROM kv WHERE key >= ? AND key < ?"
_BY_KEY = _OP = itemgetter(0)
_KEY, _PARAM = itemgetter(1), itemgetter(2)
_ONLY_SETS, _ONLY_BYTES = {SET}, {bytes}


def validate(mutations: Sequence[tuple[int, bytes, bytes]]) -> bool:
    """Raise the FoundationDB error for the first malformed mutation, before any write;
    whether every mutation is a plain set (the bulk fast path)."""
    ops = set(map(_OP, mutations))
    if ops == _ONLY_SETS:  # checked without a Python loop per mutation
        types = set(map(type, map(_KEY, mutations))) | set(map(type, map(_PARAM, mutations)))
        if types == _ONLY_BYTES:
            return True
    plain = True
    for op, key, param in mutations:
        if type(key) is not bytes or type(param) is not bytes:
            raise TypeError("mutation keys and parameters must be bytes")
        if op == SET:
            continue
        plain = False
        if op == CLEAR_RANGE or op in _VALUE_OPS:
            continue
        if op == STAMPED_KEY:
            if _split(key) is None:
                raise error(2000, "invalid versionstamp offset in key")
        elif op == STAMPED_VALUE:
            if _split(param) is None:
                raise error(2000, "invalid versionstamp offset in value")
        else:
            raise error(2018)
    return plain


def write_sets(
    conn: sqlite3.Connection, mutations: Sequence[tuple[int, bytes, bytes]], version: int
) -> list[bytes]:
    """Write plain sets at `version`, in key order (B-tree writes in order touch each page
    once); the keys, sorted, once each. Sorting is stable, so the last set of a key still
    wins; mutations already in strictly increasing key order (a bulk load's, often) are
    taken as they are, without a per-key pass in Python."""
    keys = list(map(_KEY, mutations))
    if all(map(lt, keys, keys[1:])):
        keyed = list(zip(keys, repeat(version), map(_PARAM, mutations)))
    else:
        keyed = sorted([(key, version, value) for _, key, value in mutations], key=_BY_KEY)
        keys = list(map(_BY_KEY, keyed))
        if any(map(eq, keys, keys[1:])):  # a key set twice
            keys = sorted(set(keys))
    conn.executemany(_PUT, keyed).close()
    after_sets(conn, keyed)
    return keys


def write(
    conn: sqlite3.Connection,
    mutations: Sequence[tuple[int, bytes, bytes]],
    version: int,
    stamp: bytes,
) -> tuple[list[Range], bool]:
    """Write `mutations` at `version`: the key ranges they touched (not coalesced), and
    whether a clear deleted a kv row.

    Runs of sets, and runs of clears, go to SQLite as ``executemany`` calls (in
    mutation order: a run ends where the other kind starts). A run of clears is
    coalesced (so no key is recorded twice), records every before-image, then
    deletes: within the run that is the same."""
    puts: list[tuple[bytes, int, bytes]] = []
    clears: list[tuple[bytes, bytes]] = []
    touched: list[Range] = []
    removed = False

    def flush() -> None:
        nonlocal removed
        if puts:
            conn.executemany(_PUT, puts).close()
            puts.clear()
        if clears:
            merged = coalesce(clears)
            history = [(version, begin, end, version) for begin, end in merged]
            conn.executemany(_CLEAR_HISTORY, history).close()
            before = conn.total_changes
            conn.executemany(_CLEAR, merged).close()
            removed = removed or conn.total_changes > before
            clears.clear()

    for op, key, param in mutations:
        if op == CLEAR_RANGE:
            if key < param:
                if puts:
                    flush()
                clears.append((key, param))
                touched.append((key, param))
            continue
        if clears:
            flush()
        if op == SET:
            puts.append((key, version, param))
        elif op == STAMPED_KEY:
            key = place_stamp(key, stamp)
            puts.append((key, version, param))
        elif op == STAMPED_VALUE:
            puts.append((key, version, place_stamp(param, stamp)))
        else:
            flush()
            existing = rows(conn, _LATEST, (key,))
            old = existing[0][0] if existing else None
            new = apply_atomic(op, old, param)
            if new == old:
                continue
            if new is None:  # an atomic operation that clears (compare-and-clear)
                clears.append((key, key + b"\x00"))
            else:
                rows(conn, _PUT, (key, version, new))
        touched.append((key, key + b"\x00"))
    flush()
    after_writes(conn, touched)
    return touched, removed
