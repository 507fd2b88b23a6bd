"""UNIT_TESTS: found's own features checked inside a tester run (the stack is left alone).

Options (database and transaction), watches, cancellation, retry limits, timeouts, the size
limit and the lifecycle hooks. A failure raises `UnitTestFailure`, which is not a FoundationDB
error: the tester exits non-zero, as the official tester does when its unit tests fail. Keys
live under `("found_unit_tests", prefix)` and are cleared afterwards.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Awaitable, Callable, List, Tuple

import found

if TYPE_CHECKING:
    from .machine import Instruction, StackMachine

__all__ = ["OPS", "UnitTestFailure", "run_unit_tests"]

#: Generous bound on how long a watch may take to fire (a hang guard, not a timing check).
WATCH_GUARD_SECONDS = 60.0


class UnitTestFailure(Exception):
    """A UNIT_TESTS check did not hold."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise UnitTestFailure(what)


async def expect_error(code: int, what: str, call: Callable[[], Awaitable[Any]]) -> None:
    """`call()` must fail with FoundationDB error `code`."""
    try:
        await call()
    except found.FoundException as exc:
        check(exc.code == code, f"{what}: expected error {code}, got {exc.code}")
        return
    raise UnitTestFailure(f"{what}: expected error {code}, got success")


async def test_db_options(db: found.Database) -> None:
    for name, value in [
        ("location_cache_size", 100001),
        ("max_watches", 100001),
        ("datacenter_id", "dc_id"),
        ("machine_id", "machine_id"),
        ("snapshot_ryw_disable", None),
        ("snapshot_ryw_enable", None),
        ("transaction_logging_max_field_length", 1000),
        ("transaction_timeout", 100000),
        ("transaction_timeout", 0),
        ("transaction_max_retry_delay", 100),
        ("transaction_size_limit", 100000),
        ("transaction_size_limit", 10_000_000),
        ("transaction_retry_limit", 10),
        ("transaction_retry_limit", -1),
        ("transaction_causal_read_risky", None),
        ("transaction_include_port_in_address", None),
    ]:
        found.database_set_option(db, name, value)


async def test_tx_options(db: found.Database) -> None:
    async def body(tx: found.Transaction) -> None:
        for name, value in [
            ("priority_system_immediate", None),
            ("priority_batch", None),
            ("causal_read_risky", None),
            ("causal_write_risky", None),
            ("read_your_writes_disable", None),
            ("read_system_keys", None),
            ("access_system_keys", None),
            ("transaction_logging_max_field_length", 1000),
            ("timeout", 60 * 1000),
            ("retry_limit", 50),
            ("max_retry_delay", 100),
            ("used_during_commit_protection_disable", None),
            ("debug_transaction_identifier", "my_transaction"),
            ("log_transaction", None),
            ("read_lock_aware", None),
            ("lock_aware", None),
            ("include_port_in_address", None),
        ]:
            found.set_option(tx, name, value)
        await found.get(tx, b"\xff")

    await found.transactional(db, body)


async def test_watches(db: found.Database, key: bytes) -> None:
    found_set = found.set
    await found.transactional(db, lambda tx: _run(found_set, tx, key, b"0"))
    tx = found.make_transaction(db)
    watch = found.watch(tx, key)
    found.set(tx, key, b"0")  # the same value: must not fire
    await found.commit(tx)
    check(not watch.done(), "a watch fired on a write of the same value")
    await found.transactional(db, lambda tx: _run(found_set, tx, key, b"1"))
    await asyncio.wait_for(watch, WATCH_GUARD_SECONDS)
    pending = found.watch(found.make_transaction(db), key)
    pending.cancel()
    check(pending.cancelled(), "a watch future could not be cancelled")


async def _run(func: Callable[..., Any], *args: Any) -> None:
    func(*args)


async def test_cancellation(db: found.Database, key: bytes) -> None:
    tx = found.make_transaction(db)
    found.cancel(tx)
    await expect_error(1025, "read after cancel", lambda: found.get(tx, key))
    await expect_error(1025, "on_error after cancel", lambda: found.on_error(tx, 1025))
    found.reset(tx)
    await found.get(tx, key)


async def test_retry_limits(db: found.Database) -> None:
    tx = found.make_transaction(db)
    found.set_option(tx, "retry_limit", 1)
    await found.on_error(tx, 1020)
    await expect_error(1020, "second retry over a limit of 1", lambda: found.on_error(tx, 1020))
    tx = found.make_transaction(db)
    found.set_option(tx, "retry_limit", -1)
    for _ in range(3):
        await found.on_error(tx, 1007)


async def test_timeouts(db: found.Database, key: bytes) -> None:
    tx = found.make_transaction(db)
    found.set_option(tx, "timeout", 1)
    await asyncio.sleep(0.05)
    await expect_error(1031, "read after the timeout", lambda: found.get(tx, key))
    await expect_error(1031, "on_error after the timeout", lambda: found.on_error(tx, 1031))


async def test_size_limit(db: found.Database, key: bytes) -> None:
    tx = found.make_transaction(db)
    found.set_option(tx, "size_limit", 100)
    found.set(tx, key, b"x" * 200)
    await expect_error(2101, "commit over the size limit", lambda: found.commit(tx))


async def test_hooks(db: found.Database, key: bytes) -> None:
    """on_begin, on_commit, on_post_commit fire once each, in order, for a transaction that
    commits; other machines' transactions may fire them too, so events are kept per tx."""
    seen: List[Tuple[int, str]] = []
    mine: List[int] = []

    async def begin(tx: found.Transaction) -> None:
        seen.append((id(tx), "begin"))

    async def commit(tx: found.Transaction) -> None:
        seen.append((id(tx), "commit"))

    async def post(tx: found.Transaction, stats: Any) -> None:
        seen.append((id(tx), "post"))

    async def body(tx: found.Transaction) -> None:
        mine.append(id(tx))
        found.set(tx, key, b"h")

    db.hooks.on_begin.append(begin)
    db.hooks.on_commit.append(commit)
    db.hooks.on_post_commit.append(post)
    try:
        await found.transactional(db, body)
    finally:
        db.hooks.on_begin.remove(begin)
        db.hooks.on_commit.remove(commit)
        db.hooks.on_post_commit.remove(post)
    events = [event for tx_id, event in seen if tx_id in mine]
    check(events == ["begin", "commit", "post"], f"hooks fired as {events}")


async def run_unit_tests(db: found.Database, prefix: bytes) -> None:
    """Run every check on `db` with keys under `("found_unit_tests", prefix)`."""
    base = found.pack(("found_unit_tests", prefix))
    await test_db_options(db)
    await test_tx_options(db)
    await test_watches(db, base + b"w")
    await test_cancellation(db, base + b"c")
    await test_retry_limits(db)
    await test_timeouts(db, base + b"t")
    await test_size_limit(db, base + b"s")
    await test_hooks(db, base + b"h")
    await found.transactional(db, lambda tx: _run(found.clear, tx, base, base + b"\xff"))


async def op_unit_tests(m: StackMachine, inst: Instruction) -> None:
    await run_unit_tests(m.db, m.prefix)


OPS = {"UNIT_TESTS": op_unit_tests}
