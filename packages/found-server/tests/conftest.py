"""Fixtures of the found-server tests: a tiny application over a fresh embedded database,
run through its ASGI lifespan, and an httpx client talking to it in process."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from typing import Any, Optional

import httpx
import pytest

from found_server import App, Config

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


class Lifespan:
    """Drives the lifespan protocol of an ASGI app the way a server does, and serves requests
    with a copy of the lifespan state in their scope (as uvicorn does)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: Optional[asyncio.Task[None]] = None

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
        await self.app(scope, self.inbox.get, self.outbox.put)

    async def startup(self) -> dict[str, Any]:
        self.task = asyncio.ensure_future(self._run())
        await self.inbox.put({"type": "lifespan.startup"})
        return await self.outbox.get()

    async def shutdown(self) -> dict[str, Any]:
        await self.inbox.put({"type": "lifespan.shutdown"})
        message = await self.outbox.get()
        assert self.task is not None
        await self.task
        return message

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "state": dict(self.state)}
        await self.app(scope, receive, send)


def client_for(lifespan: Lifespan) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=lifespan)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
def config(tmp_path: os.PathLike[str]) -> Config:
    return Config(database=f"embedded:{os.path.join(os.fspath(tmp_path), 'db')}", page_size=5)


@pytest.fixture
async def client(config: Config) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a started application; the application is shut down after the test."""
    lifespan = Lifespan(App(config))
    started = await lifespan.startup()
    assert started["type"] == "lifespan.startup.complete", started
    async with client_for(lifespan) as http:
        yield http
    assert (await lifespan.shutdown())["type"] == "lifespan.shutdown.complete"


async def csrf(client: httpx.AsyncClient, path: str = "/history/change/") -> str:
    """Load a form page (which sets the cookie) and return its token."""
    page = await client.get(path)
    match = TOKEN.search(page.text)
    assert match, page.text
    return match.group(1)


async def create_change(client: httpx.AsyncClient, description: str = "a change") -> str:
    """Create a change through the form; returns its hex id."""
    token = await csrf(client)
    response = await client.post(
        "/history/change/", data={"description": description, "csrf": token}
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[3]


async def write(client: httpx.AsyncClient, hexid: str, action: str, **items: str) -> httpx.Response:
    """Post the add or remove form of change `hexid`."""
    token = await csrf(client, f"/history/u/{hexid}/{action}/")
    return await client.post(f"/history/u/{hexid}/{action}/", data={**items, "csrf": token})


async def apply(client: httpx.AsyncClient, hexid: str) -> httpx.Response:
    token = await csrf(client, f"/history/u/{hexid}/apply/")
    return await client.post(f"/history/u/{hexid}/apply/", data={"csrf": token})
