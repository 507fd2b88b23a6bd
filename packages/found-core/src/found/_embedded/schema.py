"""The SQLite file of an embedded database: its tables, connections and creation.

One directory holds one database: ``data.sqlite3`` (with its ``-wal`` / ``-shm`` companions)
and ``lock`` (the commit lock, see `filelock`). Tables (storage format 5; format 4 had a
BEFORE UPDATE trigger, which makes SQLite look the row up again after the trigger ran):

``kv(key, version, value)``
    The latest value of every live key and the commit that wrote it, ``WITHOUT ROWID`` so
    rows are stored in key order; BLOB keys compare as memcmp then length, which is
    FoundationDB's key order. A set updates the key's row in place (one B-tree leaf per key,
    as a plain table would); a clear deletes it. There are no tombstones.
``history(id, until, key, version, value)``
    Before-images: when the commit at version c changes a key that had a value, that value
    and the version that wrote it are appended with ``until = c``. A rowid table: each row
    takes the next ``id``, so rows are in commit order and a commit's rows are appended on
    the last page (SQLite's quick append, which a ``WITHOUT ROWID`` table does not get: it
    rebalances three half-full leaves at every split). A key that had no value gets no
    row. A read of key k at version v: the kv row if its version <= v; else the first
    history row of k among those of the commits after v (``id`` >= the ``history_to`` of
    the newest commit <= v) if its ``version`` <= v; else absent (`reader`).
``log(version, conflicts, touched, history_to, clears)``
    One row per write commit: its write-conflict ranges, the key ranges its mutations
    changed (NULL when equal to the conflict ranges), the first history ``id`` after its
    own rows, and how many commits up to it removed a key (cumulative). Conflict checks,
    cross-process watches and reads at older versions (`history`) read it. The newest
    commit is ``MAX(log.version)``: no row is rewritten on every commit.
``sample(key, size)``
    The byte sample behind size estimates and split points (`sample`).
``meta``
    A single row: ``base_version`` (the newest version when the log is empty, i.e. at
    creation), ``log_floor`` (the newest version whose log row was collected) and
    ``clears_floor`` (that row's ``clears``). Reads and
    commits judge their read version against the newest commit, ``log_floor`` and the log
    (`versions.too_old`).

Invariants (checked by `check_consistency`):

- every ``kv.version``, ``history.until`` and ``log.version`` is <= the newest commit
  (`LAST_SQL`);
- the history rows of the commit at a log row are exactly the ids from the previous log
  row's ``history_to`` to its own (excluded); ids are never reused, so ``history_to``
  never decreases. The collector removes a commit's history rows with, or before, its log
  row, but always leaves the row with the largest id (SQLite would otherwise give the
  next row id 1): rows of collected commits (at most that one) lie below every
  ``history_to`` still in the log, so no read reaches them;
- ``clears`` never decreases along the log and starts at or above ``clears_floor``; it
  grows at every commit that deleted a kv row;
- a history row's ``version`` is below its ``until``, and a key with a history row at
  ``until`` u has no kv row at a version < u (it was changed at u), which is why the two
  halves of a read never disagree;
- ``log_floor`` <= newest commit - 5,000,000 or ``log_floor`` == 0, and no log row is at or
  below it; the newest log row is never collected, so `LAST_SQL` never goes back;
- the file is only written inside ``BEGIN IMMEDIATE`` while holding the commit lock, so
  the newest commit grows strictly across every process that opens the directory.

A directory written in another format is refused with `FormatError` rather than misread.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import Any, Optional

from .versions import WINDOW

FORMAT = 5
DATA_FILE = "data.sqlite3"
LOCK_FILE = "lock"

_TABLES = (
    "CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, version INTEGER NOT NULL,"
    " value BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, until INTEGER NOT NULL,"
    " key BLOB NOT NULL, version INTEGER NOT NULL, value BLOB NOT NULL)",
    # A set of a key that has a value records the before-image (not for a second write of
    # the key by the same commit: the first one recorded the value it had before the commit).
    # AFTER, not BEFORE: OLD still holds the replaced row, and SQLite need not seek the kv
    # row again after the trigger (26k fewer instructions per 10-key commit).
    "CREATE TRIGGER IF NOT EXISTS kv_history AFTER UPDATE ON kv"
    " WHEN OLD.version < NEW.version BEGIN"
    " INSERT INTO history (until, key, version, value)"
    " VALUES (NEW.version, OLD.key, OLD.version, OLD.value); END",
    "CREATE TABLE IF NOT EXISTS log (version INTEGER PRIMARY KEY, conflicts BLOB NOT NULL,"
    " touched BLOB, history_to INTEGER NOT NULL, clears INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sample (key BLOB PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 0),"
    " base_version INTEGER NOT NULL, log_floor INTEGER NOT NULL, clears_floor INTEGER NOT NULL)",
)

#: The newest committed version, as an SQL expression over ``meta``'s row.
LAST_SQL = "COALESCE((SELECT MAX(version) FROM log), base_version)"
#: (newest version, log_floor, oldest log version or None), one statement.
META_SQL = f"SELECT {LAST_SQL}, log_floor, (SELECT MIN(version) FROM log) FROM meta WHERE id = 0"


#: Bytes per page of a new file. Every commit appends each page it changed to the WAL, with
#: a checksum over the whole page; a small commit of random keys changes one leaf per key,
#: so smaller pages write (and checksum) less per commit: 2,048 measured 6% fewer
#: instructions per 10-key commit than SQLite's default 4,096, reads within 1%; 1,024 was
#: worse again (deeper trees).
PAGE_SIZE = 2048

#: WAL pages between automatic checkpoints (SQLite's default is 1,000). Random keys spread a
#: commit's writes over distinct leaf pages, so a checkpoint after 1,000 frames rewrites
#: many of them into the database file; after 4,000 (a WAL of about 8 MB of 2 KB pages)
#: more frames are rewrites of one page and the checkpoint copies each once.
#: ``journal_size_limit`` keeps the file from staying larger after a burst.
WAL_CHECKPOINT_PAGES = 4000


def _bind_bytes_directly() -> None:
    """Let the sqlite3 module bind ``bytes`` parameters without its failed adapter search.

    CPython's sqlite3 binds int, float, str and bytearray at once, but for every ``bytes``
    parameter it first looks for an adapter: a registry miss, then ``PrepareProtocol.__adapt__``
    (an AttributeError built and discarded), then ``bytes.__conform__``: some 2,000
    instructions per key or value, more than SQLite spends on a point lookup. An identity
    adapter ends the search at the registry: the bound value and every other program's
    results are unchanged. ``bytes.__bytes__`` (Python 3.11+) returns an exact bytes object
    itself for some 700 instructions less per parameter than ``bytes(b)`` (which parses
    arguments and looks ``__bytes__`` up first); older versions use ``bytes``. An adapter
    somebody registered for ``bytes`` is left alone. CPython only: PyPy's sqlite3 binds bytes
    directly, and registering an adapter for any base type there sends every parameter
    through adaptation.
    """
    key = (bytes, sqlite3.PrepareProtocol)
    if sys.implementation.name == "cpython" and key not in sqlite3.adapters:
        sqlite3.register_adapter(bytes, getattr(bytes, "__bytes__", bytes))


_bind_bytes_directly()


class FormatError(RuntimeError):
    """The directory holds an embedded database in a storage format this version cannot
    read (written by another version of found)."""


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
    ``secure_delete=FAST`` still zeroes deleted content on the pages a commit writes anyway,
    but not pages the collector frees (Debian's SQLite defaults to ON, which writes each
    freed page to the WAL once more; upstream's default is OFF): 6k fewer instructions per
    10-key commit.
    """
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        for pragma in (
            "PRAGMA busy_timeout = 30000",
            "PRAGMA synchronous = FULL",
            "PRAGMA secure_delete = FAST",
            "PRAGMA cache_size = -16384",
            "PRAGMA journal_size_limit = 67108864",
            f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}",
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
    The page size (`PAGE_SIZE`) only takes effect on a new, empty file.
    """
    rows(conn, f"PRAGMA page_size = {PAGE_SIZE}")
    mode = rows(conn, "PRAGMA journal_mode = WAL")[0][0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"SQLite refused WAL mode (got {mode!r})")
    rows(conn, "BEGIN IMMEDIATE")
    try:
        version = rows(conn, "PRAGMA user_version")[0][0]
        if version == 0 and rows(conn, "SELECT 1 FROM sqlite_master LIMIT 1"):
            raise FormatError("not an embedded found database (tables without a format)")
        if version not in (0, FORMAT):
            raise FormatError(
                f"embedded database format {version} cannot be opened by this version of"
                f" found (it reads format {FORMAT}); copy the data out with the version that"
                " wrote it"
            )
        for statement in _TABLES:
            rows(conn, statement)
        rows(
            conn,
            "INSERT OR IGNORE INTO meta (id, base_version, log_floor, clears_floor)"
            " VALUES (0, ?, 0, 0)",
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


# Each log row's history id range [previous history_to, own history_to), with a flag for a
# history_to below the previous one.
_BOUNDS = (
    "WITH bounds AS (SELECT version, LAG(history_to, 1, 0) OVER (ORDER BY version) AS low,"
    " history_to AS high, clears, LAG(clears, 1, (SELECT clears_floor FROM meta))"
    " OVER (ORDER BY version) AS previous_clears FROM log)"
)
_OUTSIDE = (
    f"{_BOUNDS} SELECT COUNT(*) FROM history JOIN bounds ON bounds.version = history.until"
    " WHERE history.id < low OR history.id >= high"
)
_DECREASING = f"{_BOUNDS} SELECT COUNT(*) FROM bounds WHERE high < low OR clears < previous_clears"
_ORPHANS = (
    "SELECT COUNT(*), MAX(until) FROM history WHERE NOT EXISTS"
    " (SELECT 1 FROM log WHERE log.version = history.until)"
)


def check_consistency(conn: sqlite3.Connection) -> list[str]:
    """Problems found in the stored invariants (empty when the database is consistent)."""
    problems: list[str] = []
    last, log_floor, _oldest = rows(conn, META_SQL)[0]
    newest_kv = rows(conn, "SELECT MAX(version) FROM kv")[0][0]
    if newest_kv is not None and newest_kv > last:
        problems.append(f"kv row at {newest_kv} newer than the newest commit {last}")
    newest_history = rows(conn, "SELECT MAX(until) FROM history")[0][0]
    if newest_history is not None and newest_history > last:
        problems.append(f"history row until {newest_history} after the newest commit {last}")
    outside = rows(conn, _OUTSIDE)[0][0]
    if outside:
        problems.append(f"{outside} history rows outside the id range of their commit")
    orphans, newest_orphan = rows(conn, _ORPHANS)[0]
    if orphans > 1 or (orphans and newest_orphan > log_floor):
        problems.append(f"{orphans} history rows without their log row, up to {newest_orphan}")
    if rows(conn, _DECREASING)[0][0]:
        problems.append("history_to or clears decreases along the log")
    older = rows(
        conn,
        "SELECT COUNT(*) FROM history JOIN kv ON kv.key = history.key"
        " WHERE kv.version < history.until",
    )[0][0]
    if older:
        problems.append(f"{older} history rows newer than their key's kv row")
    inverted = rows(conn, "SELECT COUNT(*) FROM history WHERE version >= until")[0][0]
    if inverted:
        problems.append(f"{inverted} history rows written at or after their until")
    if log_floor and log_floor > last - WINDOW:
        problems.append(f"log_floor {log_floor} inside the window of the newest commit {last}")
    stale = rows(conn, "SELECT COUNT(*) FROM log WHERE version <= ?", (log_floor,))[0][0]
    if stale:
        problems.append(f"{stale} log rows at or below log_floor {log_floor}")
    integrity = rows(conn, "PRAGMA quick_check")
    if integrity != [("ok",)]:
        problems.append(f"quick_check: {integrity!r}")
    return problems


def meta(conn: sqlite3.Connection) -> tuple[int, int, Optional[int]]:
    """(newest version, log_floor, oldest log version or None) as stored."""
    last, log_floor, oldest = rows(conn, META_SQL)[0]
    return last, log_floor, oldest
