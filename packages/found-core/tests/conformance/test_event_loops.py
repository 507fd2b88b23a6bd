"""Futures and event loops: a watch or versionstamp future belongs to the running loop. Made
where no loop runs, it fails at once with a clear RuntimeError, on every backend; the
embedded backend never creates an event loop behind the caller's back (Python 3.9's
`get_event_loop()` would, and nobody would close it: an "unclosed event loop" warning later)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

import found


class NoNewLoops(asyncio.DefaultEventLoopPolicy):
    """An event loop policy under which creating a loop is a test failure."""

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        raise AssertionError("an event loop was created behind the caller's back")


@pytest.fixture
def no_new_loops() -> Iterator[None]:
    """A fresh policy (no loop set, as at interpreter start) that refuses to make loops."""
    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(NoNewLoops())
    try:
        yield
    finally:
        asyncio.set_event_loop_policy(previous)


def test_embedded_futures_outside_a_loop_create_no_loop(
    tmp_path: os.PathLike[str], no_new_loops: None
) -> None:
    loop = asyncio.SelectorEventLoop()  # made here on purpose; the policy would refuse
    try:
        db = loop.run_until_complete(found.open(directory=os.path.join(tmp_path, "db")))
        try:
            tx = found.make_transaction(db)  # no loop is running from here on
            with pytest.raises(RuntimeError, match=r"found\.watch needs a running event loop"):
                found.watch(tx, b"key")
            with pytest.raises(RuntimeError, match="versionstamp needs a running event loop"):
                found.get_versionstamp(tx)
            found._transaction.destroy(tx)
        finally:
            loop.run_until_complete(db.close())
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


async def test_futures_made_off_the_loop_thread_fail_clearly(db: found.Database) -> None:
    tx = found.make_transaction(db)
    try:
        with pytest.raises(RuntimeError, match="event loop"):
            await asyncio.to_thread(found.watch, tx, b"key")
        with pytest.raises(RuntimeError, match="event loop"):
            await asyncio.to_thread(found.get_versionstamp, tx)
        # The transaction is still usable from the loop.
        found.set(tx, b"key", b"value")
        stamp = found.get_versionstamp(tx)
        await found.commit(tx)
        assert len(await stamp) == 10
    finally:
        found._transaction.destroy(tx)
