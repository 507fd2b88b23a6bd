"""Transaction and database options, and `on_error`: timeout from creation (1031), retry
limit, persistent options across retries, database defaults, backoff codes, non-retryable
codes (semantics reference §3.3, §10, §15.11, §15.12, §15.13)."""

from __future__ import annotations

import asyncio
import time

import pytest

import found


async def _code(awaitable) -> int:
    with pytest.raises(found.FoundException) as info:
        await awaitable
    return info.value.code


async def test_timeout_is_1031(db):
    tx = found.make_transaction(db)
    found.set_option(tx, "timeout", 1)
    await asyncio.sleep(0.05)
    assert await _code(found.get(tx, b"k")) == 1031
    assert await _code(tx.backend.on_error(1020)) == 1031
    found.reset(tx)  # an explicit reset clears the option and the timeout
    assert await found.get(tx, b"k") is None


async def test_timeout_interrupts_a_waiting_on_error(tmp_path):
    # Embedded only: it sets the backoff state directly so that the retry would sleep far
    # longer than the timeout, which public calls can only reach by chance.
    async with await found.open(directory=str(tmp_path / "db")) as db:
        tx = found.make_transaction(db)
        found.set_option(tx, "timeout", 30)
        found.set_option(tx, "max_retry_delay", 60_000)
        tx.backend._backoff = 1e9
        assert await _code(tx.backend.on_error(1020)) == 1031


async def test_timeout_persists_across_on_error(db):
    # The deadline counts from creation and survives the retry. A loaded machine may reach
    # it before on_error returns (1031 from on_error itself, which proves nothing about the
    # retry), so the timeout doubles until one attempt gets through on_error first; then
    # the test waits until the deadline is surely past (no timed assertion).
    for timeout_ms in (20, 80, 320, 1280, 5120):
        tx = found.make_transaction(db)
        start = time.monotonic()  # after creation: the deadline is at most start + timeout
        found.set_option(tx, "timeout", timeout_ms)
        try:
            await tx.backend.on_error(1007)
        except found.FoundException as exc:
            assert exc.code == 1031
            found.reset(tx)
            continue
        await asyncio.sleep(max(0.0, start + timeout_ms / 1000.0 - time.monotonic()) + 0.01)
        assert await _code(found.get(tx, b"k")) == 1031
        return
    raise AssertionError("on_error never finished before a 5 s timeout")


async def test_retry_limit(db):
    tx = found.make_transaction(db)
    found.set_option(tx, "retry_limit", 2)
    await tx.backend.on_error(1020)
    await tx.backend.on_error(1020)  # the option persisted through the first retry
    assert await _code(tx.backend.on_error(1020)) == 1020
    assert await _code(found.get(tx, b"k")) == 1025  # a failed on_error cancels


async def test_on_error_codes(db):
    tx = found.make_transaction(db)
    found.set(tx, b"a", b"1")
    await tx.backend.on_error(1020)
    assert await found.get(tx, b"a") is None  # the retry reset the writes
    for code in (1007, 1009, 1021, 1037):
        await tx.backend.on_error(code)
    assert await _code(tx.backend.on_error(2004)) == 2004
    found.reset(tx)
    assert await _code(tx.backend.on_error(0)) == 2000


async def test_non_persistent_options_vanish_on_retry(db):
    tx = found.make_transaction(db)
    found.set_option(tx, "read_system_keys")
    assert await found.get(tx, b"\xff/x") is None
    await tx.backend.on_error(1020)
    assert await _code(found.get(tx, b"\xff/x")) == 2004


async def test_database_defaults_apply_and_survive_retries(db):
    found.database_set_option(db, "transaction_retry_limit", 0)
    tx = found.make_transaction(db)
    assert await _code(tx.backend.on_error(1020)) == 1020
    found.database_set_option(db, "transaction_size_limit", 100)
    tx = found.make_transaction(db)
    found.set(tx, b"k", b"v" * 200)
    assert await _code(found.commit(tx)) == 2101


async def test_database_option_errors(db):
    with pytest.raises(found.FoundException) as info:
        db.backend.set_option(4242, None)
    assert info.value.code == 2007
    with pytest.raises(found.FoundException) as info:
        db.backend.set_option(20, (-1).to_bytes(8, "little", signed=True))
    assert info.value.code == 2006


@pytest.mark.parametrize(
    "name",
    [
        "causal_read_risky",
        "causal_write_risky",
        "priority_batch",
        "priority_system_immediate",
        "lock_aware",
        "durability_risky",
        "report_conflicting_keys",
        "read_priority_high",
        "include_port_in_address",
    ],
)
async def test_accepted_no_op_options(db, name):
    tx = found.make_transaction(db)
    found.set_option(tx, name)
    found.set(tx, b"k", b"v")
    await found.commit(tx)


async def test_used_during_commit_protection_disable(db):
    tx = found.make_transaction(db)
    found.set_option(tx, "used_during_commit_protection_disable")
    found.set(tx, b"k", b"v")
    await found.commit(tx)
    assert await _code(found.get(tx, b"k")) == 2017
    assert await _code(found.get(tx, b"k")) == 2017
    assert await found.read_version(tx) > 0  # not poisoned: only the offending ops fail


async def test_read_lock_aware_transactions_are_read_only(db):
    tx = found.make_transaction(db)
    found.set_option(tx, "read_lock_aware")
    assert await found.get(tx, b"k") is None
    await found.commit(tx)  # reading is fine
    tx = found.make_transaction(db)
    found.set_option(tx, "read_lock_aware")
    found.set(tx, b"k", b"v")
    assert await _code(found.commit(tx)) == 2023


async def test_backoff_doubles_up_to_max_retry_delay(tmp_path):
    # Embedded only: the backoff state is internal; its growth is what on_error promises.
    async with await found.open(directory=str(tmp_path / "db")) as db:
        tx = found.make_transaction(db)
        found.set_option(tx, "max_retry_delay", 30)
        assert tx.backend._backoff == 0.01
        await tx.backend.on_error(1020)
        assert tx.backend._backoff == 0.02
        await tx.backend.on_error(1020)
        assert tx.backend._backoff == 0.03  # capped by the persistent max_retry_delay
        await tx.backend.on_error(1007)  # fixed short delay, backoff unchanged
        assert tx.backend._backoff == 0.03
        found.reset(tx)
        assert tx.backend._backoff == 0.01
