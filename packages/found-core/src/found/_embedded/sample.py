"""The byte sample: cheap size estimates and split points for large key ranges.

FoundationDB answers ``get_estimated_range_size_bytes`` and ``get_range_split_points`` from a
sample its storage servers keep, not by reading the range; so does this engine. A key is in
the sample iff ``crc32(key) % SAMPLE_EVERY == 0`` (so about one key in 32, chosen by the key
alone: rewriting a key never moves it in or out), and the ``sample(key, size)`` table holds
the size (key + value bytes) of the newest value of each sampled live key. The committer
keeps it exact in the same SQLite transaction as the data (`after_sets`, `after_writes`).

Estimates: a range with at most `EXACT_KEYS` keys is measured exactly from ``kv`` (which
holds the live keys only); a larger one is ``SAMPLE_EVERY`` times the sampled sizes in it,
which costs one index walk over about 1/32 of its keys (a 1,000,000-key range: some
31,000 sample rows, milliseconds, where an exact scan takes about a second). For keys of
similar sizes the estimate of a range of n keys is off by about 1/sqrt(n/32) (a few percent
for 10,000 keys); a rare very large value in an otherwise small-valued range is missed 31
times in 32, as with any sample. The sample is not versioned: like FoundationDB's, it
describes the latest data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import compress, repeat
from operator import add, and_, itemgetter, not_
from typing import Any, Union
from zlib import crc32

from .conflicts import Range
from .schema import rows

#: One key in SAMPLE_EVERY is sampled; it stands for SAMPLE_EVERY keys of its size.
SAMPLE_EVERY = 32
#: Ranges with at most this many live keys are measured exactly.
EXACT_KEYS = 1024

_MASK = SAMPLE_EVERY - 1  # a power of two
_FIRST = itemgetter(0)
# A sampled key rewritten with a value of the same size (common) leaves its page alone.
_UPSERT = (
    "INSERT INTO sample (key, size) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET size = excluded.size WHERE size != excluded.size"
)
_DELETE_KEY = "DELETE FROM sample WHERE key = ?"
_DELETE_RANGE = "DELETE FROM sample WHERE key >= ? AND key < ?"
_LATEST = "SELECT value FROM kv WHERE key = ?"
# The size of each live key in [?, ?), in key order, stopping after ? keys.
_LIVE_SIZES = (
    "SELECT key, length(key) + length(value) FROM kv WHERE key >= ? AND key < ?"
    " ORDER BY key LIMIT ?"
)
_SAMPLED = "SELECT key, size FROM sample WHERE key >= ? AND key < ? ORDER BY key"
_SAMPLED_TOTAL = "SELECT COUNT(*), TOTAL(size) FROM sample WHERE key >= ? AND key < ?"
#: Sampled keys in a range beyond which it is surely too large to measure exactly.
_SURELY_LARGE = 2 * EXACT_KEYS // SAMPLE_EVERY


def sampled(key: bytes) -> bool:
    """Whether `key` belongs to the sample."""
    return not crc32(key) & _MASK


def after_sets(
    conn: sqlite3.Connection, keys: Sequence[bytes], values: Union[Sequence[bytes], bytes]
) -> None:
    """Record the sampled keys of plain sets: `keys` unique, `values` the value of each
    (or one value, that of every key)."""
    chosen = list(map(not_, map(and_, map(crc32, keys), repeat(_MASK))))
    if not any(chosen):
        return
    picked = list(compress(keys, chosen))
    if isinstance(values, bytes):
        sizes = map(add, map(len, picked), repeat(len(values)))
    else:
        sizes = map(add, map(len, picked), map(len, compress(values, chosen)))
    conn.executemany(_UPSERT, zip(picked, sizes)).close()


def after_writes(conn: sqlite3.Connection, touched: Sequence[Range]) -> None:
    """Bring the sample up to date after a transaction that touched `touched` (as written,
    not coalesced): cleared ranges leave it, then each sampled single key touched is
    looked up (it may have been set again after a clear)."""
    wide = [(begin, end) for begin, end in touched if end != begin + b"\x00"]
    if wide:
        conn.executemany(_DELETE_RANGE, wide).close()
    for begin, end in touched:
        if end == begin + b"\x00" and sampled(begin):
            found = rows(conn, _LATEST, (begin,))
            value = found[0][0] if found else None
            if value is None:
                rows(conn, _DELETE_KEY, (begin,))
            else:
                rows(conn, _UPSERT, (begin, len(begin) + len(value)))


def _exact(conn: sqlite3.Connection, begin: bytes, end: bytes) -> Any:
    """(key, size) of the live keys of [begin, end), or None if there are more than
    EXACT_KEYS keys."""
    found = rows(conn, _LIVE_SIZES, (begin, end, EXACT_KEYS + 1))
    if len(found) > EXACT_KEYS:
        return None
    return found


def estimate(conn: sqlite3.Connection, begin: bytes, end: bytes) -> int:
    """Estimated bytes of keys and values in [begin, end) (see the module docstring)."""
    if begin >= end:
        return 0
    count, total = rows(conn, _SAMPLED_TOTAL, (begin, end))[0]
    if count <= _SURELY_LARGE:
        exact = _exact(conn, begin, end)
        if exact is not None:
            return sum(size for _, size in exact)
    return int(total) * SAMPLE_EVERY


def split_points(conn: sqlite3.Connection, begin: bytes, end: bytes, chunk: int) -> list[bytes]:
    """Keys cutting [begin, end) into chunks of about `chunk` bytes, `begin` and `end`
    included (exact for small ranges, from the sample for large ones)."""
    points, filled = [begin], 0
    if begin < end:
        pairs = _exact(conn, begin, end)
        weight = 1
        if pairs is None:
            pairs, weight = rows(conn, _SAMPLED, (begin, end)), SAMPLE_EVERY
        for key, size in pairs:
            if filled >= chunk and key != points[-1]:
                points.append(key)
                filled = 0
            filled += size * weight
        points.append(end)
    return points


def problems(conn: sqlite3.Connection) -> list[str]:
    """Differences between the stored sample and the sampled live keys (for tests: this
    reads the whole database)."""
    live = rows(conn, "SELECT key, length(key) + length(value) FROM kv")
    expected = {key: size for key, size in live if sampled(key)}
    stored = dict(rows(conn, "SELECT key, size FROM sample"))
    if stored == expected:
        return []
    wrong = sorted(set(stored.items()) ^ set(expected.items()))[:3]
    return [f"byte sample differs from the data, e.g. {wrong!r}"]
