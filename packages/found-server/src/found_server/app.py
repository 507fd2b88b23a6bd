"""The ASGI application: the one route list, the lifespan that owns the database, and the
dispatch that turns every outcome into a page (errors included, never a traceback).

State: at lifespan startup the application opens the database and the store and puts them in
the lifespan state (`scope["state"]["found_server"]`), which the ASGI server copies into every
request's scope; at shutdown it closes the database. Nothing is kept in globals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Callable, Optional

from found.ext import vnstore

from . import browse, views
from .compression import choose, compress
from .config import Config
from .http import HTTPError, Message, Receive, Request, Response, Scope, Send
from .security import CSRF, HEADERS
from .templates import Templates

log = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]
_CHANGE = r"/history/u/(?P<hex>[^/]*)/"


@dataclass(frozen=True)
class Route:
    """`method` on a path matching `pattern` (a full-match regex) is handled by `handler`;
    `params` are fixed path parameters added to the regex's named groups."""

    method: str
    pattern: str
    handler: Handler
    params: tuple[tuple[str, str], ...] = ()


ROUTES = [
    Route("GET", r"/", browse.index),
    Route("GET", r"/history/", views.history),
    Route("GET", r"/history/change/", views.change_form),
    Route("POST", r"/history/change/", views.change_create),
    Route("GET", _CHANGE, views.detail),
    Route("GET", _CHANGE + "add/", views.tuple_form, (("action", "add"),)),
    Route("POST", _CHANGE + "add/", views.tuple_post, (("action", "add"),)),
    Route("GET", _CHANGE + "remove/", views.tuple_form, (("action", "remove"),)),
    Route("POST", _CHANGE + "remove/", views.tuple_post, (("action", "remove"),)),
    Route("GET", _CHANGE + "apply/", views.apply_form),
    Route("POST", _CHANGE + "apply/", views.apply_post),
    Route("GET", r"/navigate/", browse.navigate),
    Route("GET", r"/diff/", browse.diff),
]

_COMPILED = [(re.compile(route.pattern + r"\Z"), route) for route in ROUTES]

REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def match(method: str, path: str) -> tuple[Optional[Route], dict[str, str], list[str]]:
    """The route for `method` and `path` with its parameters, and the methods the path allows
    (to tell 404 from 405)."""
    allowed: list[str] = []
    for regex, route in _COMPILED:
        found_match = regex.match(path)
        if found_match is None:
            continue
        allowed.append(route.method)
        if route.method == method or (method == "HEAD" and route.method == "GET"):
            return route, {**found_match.groupdict(), **dict(route.params)}, allowed
    return None, {}, allowed


class App:
    """The vnstore web application. `App(config)`; without a config, the settings are read
    from the environment at startup (`Config.from_env`)."""

    def __init__(self, config: Optional[Config] = None) -> None:
        self.config = config
        self.templates = Templates()
        self.csrf = CSRF()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(scope, receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)
        # websockets are not served: returning without accepting makes the server refuse them

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Open the database at startup, close it at shutdown."""
        owned = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    config = self.config or Config.from_env()
                    db, owns = await config.open_database()
                except Exception as exc:
                    log.exception("found-server: startup failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                owned = db if owns else None
                store = vnstore.make(config.name, (config.name,), list(config.columns))
                state = scope.setdefault("state", {})
                state["found_server"] = {
                    "db": db,
                    "store": store,
                    "config": config,
                    "templates": self.templates,
                    "csrf": self.csrf,
                }
                log.info(
                    "found-server: serving store %r (%s)", config.name, " ".join(config.columns)
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if owned is not None:
                    await owned.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route one request and send its response."""
        method = scope["method"]
        route, params, allowed = match(method, scope["path"])
        try:
            request = Request(scope, receive, params)
            if route is None:
                if allowed:
                    methods = ", ".join(
                        sorted(set(allowed) | ({"HEAD"} if "GET" in allowed else set()))
                    )
                    raise HTTPError(405, f"{method} is not allowed here.", [("allow", methods)])
                raise HTTPError(404, f"There is no page at {scope['path'][:200]}.")
            response = await route.handler(request)
        except HTTPError as exc:
            response = self.error_page(exc)
        except Exception:
            log.exception("found-server: %s %s failed", method, scope.get("path"))
            response = self.error_page(HTTPError(500, "Something went wrong on the server."))
        await self.send(scope, send, response, head=method == "HEAD")

    def error_page(self, error: HTTPError) -> Response:
        """The HTML page for `error` (its message is escaped like any other text)."""
        html = self.templates.render(
            "error.html",
            status=error.status,
            reason=REASONS.get(error.status, "Error"),
            message=error.message,
        )
        return Response(html, error.status, headers=list(error.headers))

    async def send(self, scope: Scope, send: Send, response: Response, head: bool) -> None:
        """Send `response`, compressed when the client accepts it."""
        body = response.body.encode("utf-8")
        accept = None
        for key, value in scope.get("headers", []):
            if key.lower() == b"accept-encoding":
                accept = value.decode("latin-1")
        body, coding = compress(body, choose(accept))
        headers = [
            ("content-type", response.content_type),
            ("vary", "Accept-Encoding"),
            ("cache-control", "no-store"),
            *HEADERS,
            *response.headers,
        ]
        if coding:
            headers.append(("content-encoding", coding))
        headers.append(("content-length", str(len(body))))
        start: Message = {
            "type": "http.response.start",
            "status": response.status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        }
        await send(start)
        await send({"type": "http.response.body", "body": b"" if head else body})


#: The application served by `found-vnstore` and `uvicorn found.ext.vnstore.server:server`.
server = App()
