"""`transactional` (retries, vars, limits, read-only snapshot mode, cancellation) and the
`transaction` context manager."""

from __future__ import annotations

import asyncio
from typing import Optional

import pytest

import found


async def _read(tx: found.Transaction, key: bytes) -> Optional[bytes]:
    return await found.get(tx, key)


async def _write(tx: found.Transaction, key: bytes, value: bytes) -> None:
    found.set(tx, key, value)


async def test_set_then_get(db: found.Database) -> None:
    assert await found.transactional(db, _read, b"hello") is None
    await found.transactional(db, _write, b"hello", b"world")
    assert await found.transactional(db, _read, b"hello") == b"world"


async def test_func_receives_args_and_kwargs(db: found.Database) -> None:
    async def func(tx: found.Transaction, a: int, *, b: int) -> tuple:
        return (type(tx).__name__, a, b)

    assert await found.transactional(db, func, 1, b=2) == ("Transaction", 1, 2)


async def test_conflict_retries_and_clears_vars(db: found.Database) -> None:
    await found.transactional(db, _write, b"counter", b"0")
    seen_vars = []

    async def increment(tx: found.Transaction) -> bytes:
        seen_vars.append(dict(tx.vars))
        tx.vars["attempt"] = len(seen_vars)
        value = await found.get(tx, b"counter")
        assert value is not None
        if len(seen_vars) == 1:
            # Another transaction writes what this one read: its commit must conflict.
            await found.transactional(db, _write, b"counter", b"10")
        new = str(int(value) + 1).encode()
        found.set(tx, b"counter", new)
        return new

    assert await found.transactional(db, increment) == b"11"
    assert seen_vars == [{}, {}]
    assert await found.transactional(db, _read, b"counter") == b"11"


async def test_non_foundationdb_errors_propagate_without_retry(db: found.Database) -> None:
    calls = []

    async def boom(tx: found.Transaction) -> None:
        calls.append(1)
        found.set(tx, b"k", b"v")
        raise ValueError("user error")

    with pytest.raises(ValueError, match="user error"):
        await found.transactional(db, boom)
    assert calls == [1]
    assert await found.transactional(db, _read, b"k") is None


async def test_non_retryable_foundationdb_error_is_raised(db: found.Database) -> None:
    calls = []

    async def too_big(tx: found.Transaction) -> None:
        calls.append(1)
        found.set(tx, b"k", b"x" * (found.MAX_SIZE_VALUE + 1))

    with pytest.raises(found.ValueTooLarge):
        await found.transactional(db, too_big)
    assert calls == [1]


async def test_retry_limit_option_stops_retries(db: found.Database) -> None:
    attempts = []

    async def always_conflicts(tx: found.Transaction) -> None:
        found.set_option(tx, "retry_limit", 2)
        attempts.append(1)
        raise found._errors.error(1020)

    with pytest.raises(found.NotCommitted):
        await found.transactional(db, always_conflicts)
    assert len(attempts) == 3


async def test_default_retry_limit(db: found.Database) -> None:
    attempts = []

    async def always_conflicts(tx: found.Transaction) -> None:
        found.set_option(tx, "max_retry_delay", 0)
        attempts.append(1)
        raise found._errors.error(1020)

    with pytest.raises(found.NotCommitted):
        await found.transactional(db, always_conflicts)
    assert len(attempts) == found.DEFAULT_RETRY_LIMIT + 1


async def test_a_retry_limit_set_at_the_first_attempt_outlives_the_retries(
    db: found.Database,
) -> None:
    attempts = []

    async def always_conflicts(tx: found.Transaction) -> None:
        if not attempts:  # the option survives on_error's reset; the default must not replace it
            found.set_option(tx, "retry_limit", 2)
            found.set_option(tx, "max_retry_delay", 0)
        attempts.append(tx.retries)
        raise found._errors.error(1020)

    with pytest.raises(found.NotCommitted):
        await found.transactional(db, always_conflicts)
    assert attempts == [0, 1, 2]


async def test_a_retry_limit_set_at_a_retry_replaces_the_default(db: found.Database) -> None:
    attempts = []

    async def always_conflicts(tx: found.Transaction) -> None:
        found.set_option(tx, "max_retry_delay", 0)
        if tx.retries == 3:
            found.set_option(tx, "retry_limit", 4)
        attempts.append(tx.retries)
        raise found._errors.error(1020)

    with pytest.raises(found.NotCommitted):
        await found.transactional(db, always_conflicts)
    assert attempts == [0, 1, 2, 3, 4]


async def test_snapshot_transactional_is_read_only(db: found.Database) -> None:
    await found.transactional(db, _write, b"k", b"v")
    assert await found.transactional(db, _read, b"k", snapshot=True) == b"v"
    with pytest.raises(found.TransactionReadOnly):
        await found.transactional(db, _write, b"k", b"w", snapshot=True)

    async def atomic(tx: found.Transaction) -> None:
        found.add(tx, b"n", b"\x01")

    with pytest.raises(found.TransactionReadOnly):
        await found.transactional(db, atomic, snapshot=True)
    assert await found.transactional(db, _read, b"k") == b"v"


async def test_cancelling_the_task_abandons_the_transaction(db: found.Database) -> None:
    started = asyncio.Event()

    async def slow(tx: found.Transaction) -> None:
        found.set(tx, b"k", b"v")
        started.set()
        await asyncio.Event().wait()

    task = asyncio.ensure_future(found.transactional(db, slow))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await found.transactional(db, _read, b"k") is None


async def test_cancelling_an_awaiting_call_cancels_the_transaction(db: found.Database) -> None:
    tx = found.make_transaction(db)
    found.set(tx, b"k", b"v")
    task = asyncio.ensure_future(found.get(tx, b"k"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The task was cancelled before it ran: nothing reached the backend, tx still usable.
    assert await found.get(tx, b"k") == b"v"

    # One loop iteration runs the commit task until it awaits the database; the result can
    # only reach it in a later iteration, so the commit is outstanding here on every backend.
    blocked = asyncio.ensure_future(found.commit(tx))
    await asyncio.sleep(0)
    assert not blocked.done()
    blocked.cancel()
    with pytest.raises(asyncio.CancelledError):
        await blocked
    # Cancelling the awaiting commit cancelled the transaction (1025); FoundationDB reports
    # the commit it already started (2017) first.
    with pytest.raises((found.TransactionCancelled, found.UsedDuringCommit)):
        await found.get(tx, b"k")


async def test_a_call_during_an_outstanding_commit_is_2017(db: found.Database) -> None:
    tx = found.make_transaction(db)
    found.set(tx, b"k", b"v")
    pending = asyncio.ensure_future(found.commit(tx))
    await asyncio.sleep(0)
    assert not pending.done()  # issued, its result not yet delivered (see above)
    # No yield between here and the read: it reaches the transaction during the commit.
    with pytest.raises(found.UsedDuringCommit):
        await found.get(tx, b"k")
    # The misuse poisons the transaction: the commit in flight reports 2017 too, unless
    # the database had already acknowledged it.
    try:
        await pending
    except found.UsedDuringCommit:
        pass
    with pytest.raises(found.UsedDuringCommit):
        await found.get(tx, b"k")


async def test_transaction_context_manager_commits(db: found.Database) -> None:
    async with found.transaction(db) as tx:
        found.set(tx, b"k", b"v")
        assert await found.get(tx, b"k") == b"v"
    assert await found.transactional(db, _read, b"k") == b"v"


async def test_transaction_context_manager_abandons_on_error(db: found.Database) -> None:
    with pytest.raises(KeyError):
        async with found.transaction(db) as tx:
            found.set(tx, b"k", b"v")
            raise KeyError("stop")
    assert await found.transactional(db, _read, b"k") is None


async def test_transaction_context_manager_does_not_retry(db: found.Database) -> None:
    await found.transactional(db, _write, b"k", b"0")
    with pytest.raises(found.NotCommitted):
        async with found.transaction(db) as tx:
            await found.get(tx, b"k")
            await found.transactional(db, _write, b"k", b"1")
            found.set(tx, b"k", b"2")
    assert await found.transactional(db, _read, b"k") == b"1"


async def test_transaction_context_manager_snapshot(db: found.Database) -> None:
    async with found.transaction(db, snapshot=True) as tx:
        assert tx.snapshot
        with pytest.raises(found.TransactionReadOnly):
            found.set(tx, b"k", b"v")


async def test_manual_loop_with_on_error(db: found.Database) -> None:
    tx = found.make_transaction(db)
    assert tx.db is db and tx.vars == {} and not tx.snapshot
    await found.on_error(tx, 1020)
    assert tx.retries == 1
    with pytest.raises(found.KeyTooLarge):
        await found.on_error(tx, found._errors.error(2102))
    found.reset(tx)
    found.set(tx, b"k", b"v")
    await found.commit(tx)
    assert found.get_committed_version(tx) > 0


async def test_wrong_argument_types_name_the_argument(db: found.Database) -> None:
    with pytest.raises(TypeError, match="db"):
        await found.transactional("not a db", _read, b"k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="key"):
        await found.transactional(db, _read, "text")
    with pytest.raises(TypeError, match="value"):
        await found.transactional(db, _write, b"k", "text")
    with pytest.raises(TypeError, match="tx"):
        await found.get(None, b"k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="func"):
        await found.transactional(db, "not callable")  # type: ignore[arg-type]

    def not_async(tx: found.Transaction) -> int:
        return 1

    with pytest.raises(TypeError, match="awaitable"):
        await found.transactional(db, not_async)  # type: ignore[arg-type]


async def test_timeout_option_inside_transactional_is_not_retried(db: found.Database) -> None:
    attempts = []

    async def slow(tx: found.Transaction) -> None:
        attempts.append(1)
        found.set_option(tx, "timeout", 1)
        await asyncio.sleep(0.05)
        await found.get(tx, b"k")

    with pytest.raises(found.TransactionTimedOut):
        await found.transactional(db, slow)
    assert attempts == [1]
