"""A transaction of plain sets commits without write-conflict ranges of its own: the
committer makes them from the keys it writes. They must be exactly the point ranges of those
keys (conflicts, the log), and the size limit must be judged as before (2101)."""

from __future__ import annotations

import sqlite3
import struct

import pytest

import found
from found._embedded.conflicts import decode
from found._embedded.engine import Mutation
from found._embedded.schema import data_path
from found._errors import FoundException

SET, ADD = 0, 2
SIZE_LIMIT = 503  # TransactionOption.SIZE_LIMIT


def _logged(directory: str) -> list:
    conn = sqlite3.connect(data_path(directory))
    try:
        blob = conn.execute("SELECT conflicts FROM log ORDER BY version DESC LIMIT 1").fetchone()
        return decode(blob[0])
    finally:
        conn.close()


async def test_plain_sets_log_the_point_ranges_of_their_keys(tmp_path):
    directory = str(tmp_path / "db")
    db = await found.open(directory=directory)
    try:
        async with found.transaction(db) as tx:
            for key in (b"b", b"a", b"b", b"c\x00", b"c"):
                found.set(tx, key, b"v")
            assert tx._tx._commit_sets()[1] is None  # left to the committer
        assert _logged(directory) == [(b"a", b"a\x00"), (b"b", b"b\x00"), (b"c", b"c\x00\x00")]
        # A reader of one of the keys conflicts with a later plain write of it.
        reader = found.make_transaction(db)
        await found.get(reader, b"b")
        await found.transactional(db, _put, b"b")
        found.set(reader, b"other", b"x")
        with pytest.raises(FoundException) as caught:
            await found.commit(reader)
        assert caught.value.code == 1020
    finally:
        await db.close()


async def _put(tx, key):
    found.set(tx, key, b"new")


async def test_other_writes_declare_their_ranges(tmp_path):
    db = await found.open(directory=str(tmp_path / "db"))
    try:
        async with found.transaction(db) as tx:
            found.set(tx, b"a", b"1")
            found.clear(tx, b"z")
            _, writes = tx._tx._commit_sets()
            assert writes == [(b"a", b"a\x00"), (b"z", b"z\x00")]
    finally:
        await db.close()


async def test_size_limit_counts_a_key_set_twice_once(tmp_path):
    """The quick bound counts every set's key; over the limit, the exact (coalesced) size
    decides, as it did before."""
    db = await found.open(directory=str(tmp_path / "db"))
    limit = struct.pack("<q", 100)
    try:
        async with found.transaction(db) as tx:
            tx._tx.set_option(SIZE_LIMIT, limit)
            for _ in range(6):  # 60 bytes of mutations, the key once: 71 (counted 6 times: 126)
                found.set(tx, b"kkkkk", b"vvvvv")
            assert tx._tx._commit_sets()[1] == [(b"kkkkk", b"kkkkk\x00")]
        with pytest.raises(FoundException) as caught:
            async with found.transaction(db) as tx:
                tx._tx.set_option(SIZE_LIMIT, limit)
                for i in range(20):
                    found.set(tx, b"key%02d" % i, b"v")
        assert caught.value.code == 2101
    finally:
        await db.close()


async def test_engine_refuses_omitted_ranges_for_other_mutations(engine):
    future = engine.submit(engine.latest_version(), [Mutation(ADD, b"k", b"\x01")], [], None)
    with pytest.raises(TypeError):
        await future
    future = engine.submit(engine.latest_version(), [Mutation(SET, b"k", b"v")], [], None)
    version, _ = await future
    assert version == engine.latest_version()
