"""Helpers for the vnstore tests, handed to tests by the `h` fixture (`db` comes from the root)."""

from __future__ import annotations

import sys
import uuid
from typing import Any

import pytest

import found
from found.ext import vnstore


def fresh(items: tuple[str, ...] = ("s", "p", "o")) -> vnstore.VNStore:
    """A store under a prefix no other test uses."""
    return vnstore.make("test", ("test-vnstore", uuid.uuid4()), list(items))


async def run(db: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run `func(tx, *args, **kwargs)` in one retried transaction."""

    async def body(tx: Any) -> Any:
        return await func(tx, *args, **kwargs)

    return await found.transactional(db, body)


async def rows(db: Any, store: vnstore.VNStore, changeid: Any = None, as_of: Any = None) -> set:
    """Every alive tuple, as a set of tuples, in the state the arguments select."""

    async def body(tx: Any) -> set:
        if changeid is not None:
            vnstore.change_continue(tx, store, changeid)
        pattern = [vnstore.var(name) for name in store.items]
        out = set()
        async for b in vnstore.select(tx, store, *pattern, as_of=as_of):
            out.add(tuple(b[name] for name in store.items))
        return out

    return await found.transactional(db, body)


async def change(db: Any, store: vnstore.VNStore, adds=(), removes=(), apply=True) -> Any:
    """Create a change with `adds` and `removes`, apply it when asked, return its id."""

    async def body(tx: Any) -> Any:
        changeid = await vnstore.change_create(tx, store)
        for items in adds:
            await vnstore.add(tx, store, *items)
        for items in removes:
            await vnstore.remove(tx, store, *items)
        if apply:
            await vnstore.change_apply(tx, store, changeid)
        return changeid

    return await found.transactional(db, body)


@pytest.fixture
def h() -> Any:
    """This module: `h.fresh()`, `h.run(db, ...)`, `h.rows(...)`, `h.change(...)`."""
    return sys.modules[__name__]
