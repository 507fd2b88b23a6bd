"""Watches: own writes fire them, others' commits fire them after the watching transaction
commits, failures with 1025 / 1034 / 1032 / commit errors (semantics reference §9, §15.16)."""

from __future__ import annotations

import asyncio

import pytest

import found


async def _write(db, key, value):
    tx = found.make_transaction(db)
    if value is None:
        found.clear(tx, key)
    else:
        found.set(tx, key, value)
    await found.commit(tx)


async def _code(awaitable) -> int:
    with pytest.raises(found.FoundException) as info:
        await awaitable
    return info.value.code


async def test_fires_on_change_after_commit(db):
    await _write(db, b"w", b"1")
    tx = found.make_transaction(db)
    watch = found.watch(tx, b"w")
    await found.commit(tx)
    await asyncio.sleep(0)
    assert not watch.done()
    await _write(db, b"w", b"1")  # same value: no change
    await asyncio.sleep(0)
    assert not watch.done()
    await _write(db, b"w", b"2")
    await asyncio.wait_for(watch, 10)


async def test_watch_read_adds_a_read_conflict(db):
    tx = found.make_transaction(db)
    watch = found.watch(tx, b"w")
    await _write(db, b"w", b"x")
    found.set(tx, b"unrelated", b"1")
    assert await _code(found.commit(tx)) == 1020
    assert await _code(watch) == 1020


async def test_others_writes_before_commit_do_not_fire_until_commit(db):
    tx = found.make_transaction(db)
    watch = found.watch(tx, b"w")
    await _write(db, b"w", b"x")
    await asyncio.sleep(0)
    assert not watch.done()
    await found.commit(tx)  # read-only: the watch is registered at the read version
    await asyncio.wait_for(watch, 10)  # value differs from the reference at registration


async def test_own_writes_fire_at_once(db):
    await _write(db, b"w", b"1")
    tx = found.make_transaction(db)
    same = found.watch(tx, b"w")
    found.set(tx, b"w", b"1")
    await asyncio.sleep(0)
    assert not same.done()  # setting the same value does not fire
    found.set(tx, b"w", b"2")
    await asyncio.wait_for(same, 10)
    atomic = found.watch(tx, b"n")
    found.add(tx, b"n", b"\x00")  # any atomic op fires
    await asyncio.wait_for(atomic, 10)
    cleared = found.watch(tx, b"w")
    found.clear(tx, b"v", b"x")
    await asyncio.wait_for(cleared, 10)
    absent = found.watch(tx, b"missing")
    found.clear(tx, b"missing")  # clearing an absent key changes nothing
    await asyncio.sleep(0)
    assert not absent.done()
    found.reset(tx)
    assert await _code(absent) == 1025


async def test_reset_and_retry_before_commit_fail_with_1025(db):
    tx = found.make_transaction(db)
    first = found.watch(tx, b"w")
    await tx.backend.on_error(1020)
    assert await _code(first) == 1025
    second = found.watch(tx, b"w")
    found.cancel(tx)
    assert await _code(second) == 1025


async def test_failed_commit_fails_watch(db):
    tx = found.make_transaction(db)
    await found.get(tx, b"c")
    watch = found.watch(tx, b"w")
    await _write(db, b"c", b"1")
    found.set(tx, b"d", b"1")
    with pytest.raises(found.FoundException):
        await found.commit(tx)
    assert await _code(watch) == 1020


async def test_watch_errors(db):
    tx = found.make_transaction(db)
    assert await _code(found.watch(tx, b"\xff/x")) == 2004
    assert await _code(found.watch(tx, b"k" * 10_001)) == 2102
    tx = found.make_transaction(db)
    found.set_option(tx, "read_your_writes_disable")
    assert await _code(found.watch(tx, b"k")) == 1034


async def test_too_many_watches(db):
    found.database_set_option(db, "max_watches", 1)
    tx = found.make_transaction(db)
    first = found.watch(tx, b"a")
    second = found.watch(tx, b"b")
    await found.commit(tx)
    assert await _code(second) == 1032
    assert not first.done()
    first.cancel()
    # Cancelling frees the slot asynchronously (through the network thread on a cluster or
    # the cffi driver): a new watch may still fail with 1032 for a moment, never for long.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    for value in range(1000):
        tx = found.make_transaction(db)
        third = found.watch(tx, b"c")
        await found.commit(tx)
        await _write(db, b"c", str(value).encode())
        try:
            await asyncio.wait_for(third, 10)
            break
        except found.TooManyWatches:
            assert loop.time() < deadline, "the cancelled watch never freed its slot"
            await asyncio.sleep(0.01)


async def test_destroy_before_commit_fails_watches_and_keeps_committed_ones(db):
    tx = found.make_transaction(db)
    committed = found.watch(tx, b"kept")
    await found.commit(tx)
    tx = found.make_transaction(db)
    pending = found.watch(tx, b"lost")
    tx.backend.destroy()
    assert await _code(pending) == 1025
    await _write(db, b"kept", b"1")
    await asyncio.wait_for(committed, 10)
