"""The fused range statements (`reader._NEWEST_FORWARD` / `_NEWEST_REVERSE`: a range and
the newest version in one SQLite statement) return the version row first and then exactly
the rows a plain ordered scan returns, for every limit, in both directions, including an
empty range and a limit past the end; and a transaction's first range read (which uses
them) agrees with a later one in the same transaction."""

from __future__ import annotations

import pytest

import found
from found._embedded import reader, schema

KEYS = [b"k%03d" % i for i in range(40)] + [b"k\xff", b"k\xff\xff", b"l"]


@pytest.fixture
async def engine_db(tmp_path):
    db = await found.open(directory=str(tmp_path))

    async def fill(tx: found.Transaction) -> None:
        for i, key in enumerate(KEYS):
            found.set(tx, key, b"v%d" % i)

    await found.transactional(db, fill)
    yield db, str(tmp_path)
    await db.close()


@pytest.mark.parametrize("reverse", [False, True])
async def test_fused_statement_matches_the_plain_scan(engine_db, reverse):
    _db, directory = engine_db
    conn = schema.connect(schema.data_path(directory), readonly=True)
    try:
        sql = reader._NEWEST_REVERSE if reverse else reader._NEWEST_FORWARD
        plain = reader._SCAN_REVERSE if reverse else reader._SCAN_FORWARD
        newest = schema.meta(conn)[0]
        for begin, end in [(b"k", b"l"), (b"k010", b"k020"), (b"k5", b"k6"), (b"", b"\xff")]:
            for limit in (0, 1, 2, 7, 39, 40, 44, 100):
                fused = schema.rows(conn, sql, (begin, end, limit + 1 if limit else -1))
                assert fused[0] == (None, newest)
                expected = schema.rows(conn, plain, (begin, end, limit or -1))
                assert fused[1:] == expected
                rows, version = reader._split(fused)
                assert (rows, version) == (expected, newest)
    finally:
        conn.close()


@pytest.mark.parametrize("reverse", [False, True])
async def test_first_range_read_agrees_with_a_later_one(engine_db, reverse):
    db, _directory = engine_db

    async def twice(tx: found.Transaction, limit: int) -> tuple[list, list]:
        first = await found.get_range(tx, b"k", b"l", limit=limit, reverse=reverse)
        second = await found.get_range(tx, b"k", b"l", limit=limit, reverse=reverse)
        return first, second

    for limit in (0, 1, 5, 43, 50):
        first, second = await found.transactional(db, twice, limit)
        expected = sorted(k for k in KEYS if b"k" <= k < b"l")
        if reverse:
            expected.reverse()
        if limit:
            expected = expected[:limit]
        assert [k for k, _ in first] == expected
        assert first == second
