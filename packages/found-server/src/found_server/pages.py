"""Helpers shared by the views: rendering a page, reading state, parsing ids and paging."""

from __future__ import annotations

import re
import uuid
from typing import Any, Optional

import found
from found.ext import vnstore

from .config import Config
from .http import HTTPError, Request, Response
from .security import CSRF
from .templates import Templates

_HEX = re.compile(r"[0-9a-fA-F]{32}\Z")
#: Highest page number accepted (deeper pages cost a scan of everything before them).
MAX_PAGE = 10_000


class State:
    """Typed view of the lifespan state of one request."""

    def __init__(self, request: Request) -> None:
        state = request.state
        if "found_server" not in state:
            raise HTTPError(
                503,
                "The application was started without its lifespan (run it with uvicorn "
                "--lifespan on, or with found-vnstore).",
            )
        self.db: found.Database = state["found_server"]["db"]
        self.store: vnstore.VNStore = state["found_server"]["store"]
        self.config: Config = state["found_server"]["config"]
        self.templates: Templates = state["found_server"]["templates"]
        self.csrf: CSRF = state["found_server"]["csrf"]


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """Render `template` for `request`: adds the CSRF token, the store and its columns."""
    state = State(request)
    token, headers = state.csrf.token_for(request)
    html = state.templates.render(
        template,
        csrf=token,
        store=state.store,
        columns=state.config.columns,
        **context,
    )
    return Response(html, status, headers=headers)


def change_id(text: str) -> uuid.UUID:
    """A change id from its 32 hexadecimal digits (400 otherwise)."""
    if not _HEX.match(text):
        raise HTTPError(400, f"{text[:80]!r} is not a change id (32 hexadecimal digits).")
    return uuid.UUID(hex=text)


async def load_change(request: Request, text: str) -> dict[str, Any]:
    """The change named in the URL, 404 when this store has no such change."""
    state = State(request)
    changeid = change_id(text)
    change = await found.transactional(state.db, vnstore.change_get, state.store, changeid)
    if change is None:
        raise HTTPError(404, f"There is no change {changeid.hex} in this store.")
    return change


def page_number(request: Request) -> int:
    """The `page` query parameter (1 when absent), 400 when it is not a small positive int."""
    text = request.arg("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise HTTPError(400, f"page must be a number from 1 to {MAX_PAGE}.")
    return int(text)


def version(significance: Optional[Any]) -> Optional[int]:
    """The commit version of an applied change's significance (a versionstamp), for display."""
    if significance is None:
        return None
    return int.from_bytes(significance.tr_version[:8], "big")


async def applied_changes(request: Request, count: int = 50) -> list[dict[str, Any]]:
    """The `count` most recently applied changes, newest first (for the time-travel and diff
    choosers): read backwards from the store's log of applied changes, not a full scan."""
    state = State(request)
    store = state.store

    async def recent(tx: Any) -> list[dict[str, Any]]:
        out = []
        log = found.query(tx, store.log, store.log + b"\xff", limit=count, reverse=True)
        async for _, value in log:
            change = await vnstore.change_get(tx, store, found.unpack(value)[0])
            if change is not None:
                out.append(change)
        return out

    changes: list[dict[str, Any]] = await found.transactional(state.db, recent, snapshot=True)
    return changes


async def applied_point(request: Request, name: str) -> Optional[uuid.UUID]:
    """The applied change named by query parameter `name` (None when empty)."""
    text = request.arg(name)
    if not text:
        return None
    change = await load_change(request, text)
    if change["significance"] is None:
        raise HTTPError(400, f"Change {text} is not applied yet: it is not a point of history.")
    uid: uuid.UUID = change["uid"]
    return uid
