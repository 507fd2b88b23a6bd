"""The little HTTP the application needs on top of ASGI: a request with its form and query,
a response, and `HTTPError` for answering bad input with a 4xx page."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import parse_qs

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class HTTPError(Exception):
    """Stop handling a request and answer `status` with an error page saying `message`."""

    def __init__(self, status: int, message: str, headers: Optional[list[tuple[str, str]]] = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


@dataclass
class Response:
    """A complete response: status, text body (HTML unless told), extra headers."""

    body: str = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def redirect(location: str) -> Response:
    """303 See Other to `location` (after a successful POST)."""
    return Response(f"See {location}", 303, "text/plain; charset=utf-8", [("location", location)])


def _decode_fields(raw: bytes, what: str) -> dict[str, list[str]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, f"The {what} is not valid UTF-8.") from None
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=100)
    except UnicodeDecodeError:
        raise HTTPError(400, f"The {what} is not valid UTF-8.") from None
    except ValueError as exc:
        raise HTTPError(400, f"The {what} cannot be read: {exc}") from None


class Request:
    """One HTTP request: scope accessors, the query string, and (for POST) the form body."""

    def __init__(self, scope: Scope, receive: Receive, params: Mapping[str, str]) -> None:
        self.scope = scope
        self.receive = receive
        self.params = dict(params)
        self.state: dict[str, Any] = scope.get("state") or {}
        self.headers: dict[str, str] = {}
        for key, value in scope.get("headers", []):
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            self.headers[name] = f"{self.headers[name]}, {text}" if name in self.headers else text
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query = _decode_fields(scope.get("query_string", b""), "query string")
        self.form: dict[str, list[str]] = {}

    def arg(self, name: str, default: str = "") -> str:
        """The first value of query parameter `name`."""
        return self.query.get(name, [default])[0]

    def field(self, name: str) -> str:
        """The first value of form field `name`; 400 when it is missing."""
        values = self.form.get(name)
        if not values:
            raise HTTPError(400, f"The form field {name!r} is missing.")
        return values[0]

    def cookie(self, name: str) -> Optional[str]:
        """The value of cookie `name`, if sent."""
        for part in self.headers.get("cookie", "").split(";"):
            key, sep, value = part.strip().partition("=")
            if sep and key == name:
                return value
        return None

    async def read_form(self, limit: int) -> None:
        """Read an `application/x-www-form-urlencoded` body of at most `limit` bytes."""
        kind = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise HTTPError(415, "Send the form as application/x-www-form-urlencoded.")
        declared = self.headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise HTTPError(400, "The Content-Length header is not a number.")
            if int(declared) > limit:
                raise HTTPError(413, f"The request body is larger than {limit} bytes.")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise HTTPError(400, "The client went away.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise HTTPError(413, f"The request body is larger than {limit} bytes.")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        self.form = _decode_fields(b"".join(chunks), "form")
