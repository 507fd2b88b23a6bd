"""`db.hooks` (on_begin / on_commit / on_post_commit) and `TransactionStats`, as the 0.13
README specifies them, for `transactional` and the `transaction` context manager."""

from __future__ import annotations

from typing import Any

import pytest

import found


def test_make_hooks_gives_fresh_lists() -> None:
    one, two = found.make_hooks(), found.make_hooks()
    assert one == found.Hooks([], [], []) and one.on_begin is not two.on_begin
    stats = found.TransactionStats(retries=1, elapsed=0.5, commit_bytes=10)
    assert stats == (1, 0.5, 10)


async def test_database_has_its_own_hooks(db: found.Database) -> None:
    assert isinstance(db.hooks, found.Hooks)
    assert db.hooks == found.Hooks([], [], [])


async def test_hooks_order_and_stats_with_a_retry(db: found.Database) -> None:
    events: list[Any] = []

    async def on_begin(tx: found.Transaction) -> None:
        events.append(("begin", dict(tx.vars)))

    async def on_commit(tx: found.Transaction) -> None:
        events.append("commit")
        found.set(tx, b"audit", b"written by on_commit")

    async def on_post_commit(tx: found.Transaction, stats: found.TransactionStats) -> None:
        events.append(("post", stats))

    db.hooks.on_begin.append(on_begin)
    db.hooks.on_commit.append(on_commit)
    db.hooks.on_post_commit.append(on_post_commit)

    attempts = []

    async def work(tx: found.Transaction) -> str:
        attempts.append(1)
        tx.vars["seen"] = True
        if len(attempts) == 1:
            raise found._errors.error(1020)
        found.set(tx, b"k", b"v")
        return "done"

    assert await found.transactional(db, work) == "done"
    assert events[:4] == [("begin", {}), ("begin", {}), "commit", events[3]]
    kind, stats = events[3]
    assert kind == "post" and len(events) == 4
    assert isinstance(stats, found.TransactionStats)
    assert stats.retries == 1
    assert stats.elapsed >= 0
    assert stats.commit_bytes >= len(b"k" + b"v" + b"audit")

    db.hooks.on_begin.clear()
    db.hooks.on_commit.clear()
    db.hooks.on_post_commit.clear()

    async def read(tx: found.Transaction) -> Any:
        return await found.get(tx, b"audit")

    assert await found.transactional(db, read) == b"written by on_commit"


async def test_on_commit_reruns_on_retry_and_post_commit_once(db: found.Database) -> None:
    commits, posts = [], []

    async def on_commit(tx: found.Transaction) -> None:
        commits.append(1)
        if len(commits) == 1:
            # Make this attempt's commit conflict: write what it read, from elsewhere.
            async def bump(other: found.Transaction) -> None:
                found.set(other, b"k", b"other")

            await found.transactional(db, bump)

    async def on_post_commit(tx: found.Transaction, stats: found.TransactionStats) -> None:
        posts.append(stats.retries)

    db.hooks.on_commit.append(on_commit)
    db.hooks.on_post_commit.append(on_post_commit)

    async def read_then_write(tx: found.Transaction) -> None:
        await found.get(tx, b"k")
        found.set(tx, b"k", b"mine")

    await found.transactional(db, read_then_write)
    # The nested `bump` transaction fired the hooks too: it committed on its first attempt.
    assert commits == [1, 1, 1]
    assert sorted(posts) == [0, 1]


async def test_failed_transaction_fires_no_post_commit(db: found.Database) -> None:
    posts = []

    async def on_post_commit(tx: found.Transaction, stats: found.TransactionStats) -> None:
        posts.append(stats)

    db.hooks.on_post_commit.append(on_post_commit)

    async def fails(tx: found.Transaction) -> None:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        await found.transactional(db, fails)
    assert posts == []


async def test_context_manager_fires_the_same_hooks(db: found.Database) -> None:
    events = []

    async def on_begin(tx: found.Transaction) -> None:
        events.append("begin")

    async def on_commit(tx: found.Transaction) -> None:
        events.append("commit")

    async def on_post_commit(tx: found.Transaction, stats: found.TransactionStats) -> None:
        events.append(("post", stats.retries))

    db.hooks.on_begin.append(on_begin)
    db.hooks.on_commit.append(on_commit)
    db.hooks.on_post_commit.append(on_post_commit)

    async with found.transaction(db) as tx:
        found.set(tx, b"k", b"v")
    assert events == ["begin", "commit", ("post", 0)]

    events.clear()
    with pytest.raises(LookupError):
        async with found.transaction(db) as tx:
            raise LookupError
    assert events == ["begin"]
