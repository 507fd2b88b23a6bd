"""One scheduled release serves every shared snapshot a loop iteration opens: transactions
that each open the shared snapshot (a fused first read ends the previous one) schedule a
single `_release`, and it still ends the last snapshot at the next iteration, so no SQLite
read transaction outlives the iteration that opened it."""

from __future__ import annotations

import asyncio

import found


async def test_one_release_ends_every_snapshot_of_an_iteration(tmp_path):
    db = await found.open(directory=str(tmp_path))
    try:

        async def fill(tx: found.Transaction) -> None:
            for i in range(10):
                found.set(tx, b"k%d" % i, b"v")

        await found.transactional(db, fill)
        await asyncio.sleep(0)
        reader = db._backend.engine._reader
        loop = asyncio.get_running_loop()

        async def reads(tx: found.Transaction) -> list:
            return [await found.get(tx, b"k%d" % i) for i in range(6)]

        scheduled = len(loop._ready)  # type: ignore[attr-defined]
        for _ in range(4):  # no loop turn in between: each opens a snapshot after its GRV
            assert await found.transactional(db, reads) == [b"v"] * 6
            assert reader._held is not None
            assert reader._conn.in_transaction
        assert reader._pending is loop
        assert len(loop._ready) - scheduled <= 1  # type: ignore[attr-defined]
        await asyncio.sleep(0)  # the next iteration runs the one release
        assert reader._held is None and reader._pending is None
        assert not reader._conn.in_transaction
        assert await found.transactional(db, reads) == [b"v"] * 6  # a new release is due
        assert reader._pending is loop
        await asyncio.sleep(0)
        assert not reader._conn.in_transaction
    finally:
        await db.close()
