"""Watches fire when the committed value differs from the reference, whoever commits."""

from __future__ import annotations

import asyncio

import pytest

from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

CLEAR_RANGE, ADD = 1, 2
GUARD = 30  # seconds: a hang guard only, never a timing assertion


async def test_fires_on_a_change_not_on_the_same_value(engine, put):
    await put(engine, {b"k": b"1"})
    watch = engine.watch(b"k", b"1")
    await put(engine, {b"k": b"1"})
    assert not watch.done()
    await put(engine, {b"other": b"1"})
    assert not watch.done()
    await put(engine, {b"k": b"2"})
    assert watch.done() and watch.result() is None


async def test_fires_at_once_when_already_different(engine, put):
    await put(engine, {b"k": b"1"})
    assert engine.watch(b"k", b"0").done()
    assert engine.watch(b"absent", b"x").done()
    assert not engine.watch(b"absent", None).done()


@pytest.mark.parametrize(
    "mutation",
    [Mutation(CLEAR_RANGE, b"a", b"z"), Mutation(ADD, b"k", b"\x01"), Mutation(0, b"k", b"")],
)
async def test_fires_on_clears_and_atomic_ops(engine, put, mutation):
    await put(engine, {b"k": b"1"})
    watch = engine.watch(b"k", b"1")
    await engine.commit(engine.latest_version(), [mutation], [], [(b"a", b"z")])
    assert watch.done()


async def test_a_bulk_write_declaring_its_own_range(engine, put):
    """Sets whose declared write-conflict range covers them are logged as that range: a
    watch inside it is rechecked and fires only if its own key changed."""
    keys = [b"b/%03d" % i for i in range(100)]
    await put(engine, {keys[5]: b"old", b"b/x": b"same"})
    changed = engine.watch(keys[5], b"old")
    unchanged = engine.watch(b"b/x", b"same")
    mutations = [Mutation(0, key, b"new") for key in keys]
    version, _ = await engine.commit(engine.latest_version(), mutations, [], [(b"b/", b"b0")])
    assert changed.done() and not unchanged.done()
    assert engine.get_range(b"b/", b"b0", version, 3, False) == [(k, b"new") for k in keys[:3]]
    assert engine._reader.changes_since(version - 1) == (version, [(b"b/", b"b0")])
    unchanged.cancel()


async def test_cancel_unregisters(engine, put):
    await put(engine, {b"k": b"1"})
    watches = [engine.watch(b"k", b"1") for _ in range(3)]
    watches[0].cancel()
    await asyncio.sleep(0)
    assert len(engine._watches) == 2
    await put(engine, {b"k": b"2"})
    assert watches[0].cancelled() and watches[1].done() and watches[2].done()
    assert len(engine._watches) == 0


async def test_close_fails_pending_watches(directory):
    engine = Engine.open(directory)
    watch = engine.watch(b"k", None)
    engine.close()
    with pytest.raises(FoundException) as failure:
        await watch
    assert failure.value.code == 1000


async def test_commits_of_another_engine_are_polled(engine, directory, clock, put):
    await put(engine, {b"k": b"1"})
    watch = engine.watch(b"k", b"1")
    unrelated = engine.watch(b"j", None)
    other = Engine.open(directory, clock=clock)
    try:
        await put(other, {b"k": b"2"})
        await asyncio.wait_for(watch, GUARD)
        assert not unrelated.done()
    finally:
        other.close()


async def test_polling_reads_the_log_or_rechecks_everything(directory, clock, put):
    # A huge poll interval: the test drives the poller by hand, deterministically.
    engine = Engine.open(directory, clock=clock, poll_interval=3600)
    other = Engine.open(directory, clock=clock)
    try:
        await put(engine, {b"a": b"1", b"b": b"1"})
        watch_a, watch_b = engine.watch(b"a", b"1"), engine.watch(b"b", b"1")
        await put(other, {b"a": b"2"})
        engine._watches._poll()
        assert watch_a.done() and not watch_b.done()
        # the log rows of other's commits are collected before the next poll
        await put(other, {b"b": b"2"})
        clock.advance(6)
        await put(other, {b"c": b"3"})
        assert other.stats()["log_rows"] == 1
        engine._watches._poll()
        assert watch_b.done()
    finally:
        other.close()
        engine.close()


async def test_commit_from_another_process(engine, directory, put, spawn):
    await put(engine, {b"remote": b"before"})
    watch = engine.watch(b"remote", b"before")
    process = spawn("writer", directory, "remote", "after")
    # the child's exit status first: a failed child is reported at once, with its stderr
    await asyncio.get_running_loop().run_in_executor(None, spawn.finish, process)
    await asyncio.wait_for(watch, GUARD)
    assert engine.get(b"remote", engine.latest_version()) == b"after"
