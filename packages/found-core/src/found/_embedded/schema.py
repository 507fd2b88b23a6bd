"""The SQLite file of an embedded database: its tables, connections and creation.

One directory holds one database: ``data.sqlite3`` (with its ``-wal`` / ``-shm`` companions)
and ``lock`` (the commit lock, see `filelock`). Tables:

``kv(key, version, value)``
    Every write of every key, ``WITHOUT ROWID`` so rows are stored in (key, version) order;
    BLOB keys compare as memcmp then length, which is FoundationDB's key order. ``value``
    NULL is a tombstone (the key was cleared at ``version``). A read at version v takes, per
    key, the row with the largest version <= v. ``kv_by_version`` lists rows in commit order
    for the collector.
``log(version, conflicts, touched)``
    One row per write commit: its write-conflict ranges, and the key ranges its mutations
    changed (NULL when equal to the conflict ranges). Conflict checks and cross-process
    watches read it. Rows older than the MVCC window are collected.
``meta``
    A single row: ``last_version`` (newest commit), the collector's cursor
    ``(gc_version, gc_key)`` and ``log_floor`` (newest version whose log row may have been
    deleted). Reads and commits judge their read version against ``last_version``,
    ``log_floor`` and the log (`versions.too_old`).

Invariants (checked by `check_consistency`):

- every ``kv.version`` and ``log.version`` is <= ``meta.last_version``;
- ``meta.gc_version`` <= ``meta.last_version`` - 5,000,000 or ``meta.gc_version`` == 0;
- the file is only written inside ``BEGIN IMMEDIATE`` while holding the commit lock, so
  ``last_version`` grows strictly across every process that opens the directory.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from .versions import WINDOW

FORMAT = 1
DATA_FILE = "data.sqlite3"
LOCK_FILE = "lock"

_TABLES = (
    "CREATE TABLE IF NOT EXISTS kv (key BLOB NOT NULL, version INTEGER NOT NULL, value BLOB,"
    " PRIMARY KEY (key, version)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS kv_by_version ON kv (version)",
    "CREATE TABLE IF NOT EXISTS log (version INTEGER PRIMARY KEY, conflicts BLOB NOT NULL,"
    " touched BLOB)",
    "CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 0),"
    " last_version INTEGER NOT NULL, gc_version INTEGER NOT NULL, gc_key BLOB,"
    " log_floor INTEGER NOT NULL)",
)

META_SQL = "SELECT last_version, gc_version, gc_key, log_floor FROM meta WHERE id = 0"


def rows(conn: sqlite3.Connection, sql: str, args: Any = ()) -> list[Any]:
    """Run one statement (`args`: a sequence for ``?``, a mapping for ``:name``) and return
    all its rows, closing the cursor at once.

    Exhausting and closing every cursor matters: a statement left open keeps a read
    transaction (and its old snapshot) alive, and PyPy's sqlite3 otherwise keeps statements
    until garbage collection, which makes a later COMMIT fail.
    """
    cursor = conn.execute(sql, args)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def connect(path: str, *, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), set up for the engine.

    ``synchronous=FULL`` makes every COMMIT fsync the WAL: a commit that returned survives a
    crash. The read connection is ``query_only`` so a bug cannot write through it.
    """
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        for pragma in (
            "PRAGMA busy_timeout = 30000",
            "PRAGMA synchronous = FULL",
            "PRAGMA cache_size = -16384",
            "PRAGMA journal_size_limit = 67108864",
        ):
            rows(conn, pragma)
        if readonly:
            rows(conn, "PRAGMA query_only = 1")
    except BaseException:
        conn.close()
        raise
    return conn


def create(conn: sqlite3.Connection, initial_version: int) -> None:
    """Create the tables and the meta row if missing (call while holding the commit lock).

    WAL mode is a property of the file and is set before any transaction; it lets readers
    run while a commit is being written and makes each commit one append plus one fsync.
    """
    mode = rows(conn, "PRAGMA journal_mode = WAL")[0][0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"SQLite refused WAL mode (got {mode!r})")
    rows(conn, "BEGIN IMMEDIATE")
    try:
        version = rows(conn, "PRAGMA user_version")[0][0]
        if version not in (0, FORMAT):
            raise RuntimeError(f"unsupported embedded database format {version}")
        for statement in _TABLES:
            rows(conn, statement)
        rows(
            conn,
            "INSERT OR IGNORE INTO meta (id, last_version, gc_version, gc_key, log_floor)"
            " VALUES (0, ?, 0, NULL, 0)",
            (initial_version,),
        )
        rows(conn, f"PRAGMA user_version = {FORMAT}")
        rows(conn, "COMMIT")
    except BaseException:
        rows(conn, "ROLLBACK")
        raise


def data_path(directory: str) -> str:
    """The SQLite file inside `directory`."""
    return os.path.join(directory, DATA_FILE)


def check_consistency(conn: sqlite3.Connection) -> list[str]:
    """Problems found in the stored invariants (empty when the database is consistent)."""
    problems: list[str] = []
    last, gc_version, _gc_key, log_floor = rows(conn, META_SQL)[0]
    newest_kv = rows(conn, "SELECT MAX(version) FROM kv")[0][0]
    newest_log = rows(conn, "SELECT MAX(version) FROM log")[0][0]
    if newest_kv is not None and newest_kv > last:
        problems.append(f"kv row at {newest_kv} newer than last_version {last}")
    if newest_log is not None and newest_log > last:
        problems.append(f"log row at {newest_log} newer than last_version {last}")
    if gc_version and gc_version > last - WINDOW:
        problems.append(f"gc_version {gc_version} inside the window of last_version {last}")
    if log_floor and log_floor > last - WINDOW:
        problems.append(f"log_floor {log_floor} inside the window of last_version {last}")
    stale = rows(conn, "SELECT COUNT(*) FROM log WHERE version <= ?", (log_floor,))[0][0]
    if stale:
        problems.append(f"{stale} log rows at or below log_floor {log_floor}")
    integrity = rows(conn, "PRAGMA quick_check")
    if integrity != [("ok",)]:
        problems.append(f"quick_check: {integrity!r}")
    return problems


def meta(conn: sqlite3.Connection) -> tuple[int, int, Any, int]:
    """(last_version, gc_version, gc_key, log_floor) as stored."""
    last, gc_version, gc_key, log_floor = rows(conn, META_SQL)[0]
    return last, gc_version, gc_key, log_floor
