"""Protection of the forms: CSRF tokens, same-origin check, and the response headers.

CSRF (double submit, signed): each process draws a secret at start. A browser gets a cookie
`found_csrf` holding `nonce.signature` (HMAC-SHA256 of the nonce under the secret), and every
form carries the same token in a hidden `csrf` field. A POST is accepted only when the field
and the cookie are equal and the signature is valid; another site can make a browser send the
cookie (and `SameSite=Strict` already stops that in current browsers) but cannot read it to
fill the field. When the browser sends `Origin`, it must also name this very host. Tokens die
with the process: after a restart, reload the form.

The request-body limit lives in `http.Request.read_form` (413 past `Config.max_body`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional
from urllib.parse import urlsplit

from .http import HTTPError, Request

COOKIE = "found_csrf"
FIELD = "csrf"

#: Sent with every response: no scripts at all, no framing, forms only to this origin.
HEADERS = [
    (
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
]


class CSRF:
    """Issues and checks the tokens of one process (one secret)."""

    def __init__(self, secret: Optional[bytes] = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode("ascii"), hashlib.sha256).hexdigest()

    def valid(self, token: Optional[str]) -> bool:
        """Whether `token` was issued by this process."""
        if not token or token.count(".") != 1:
            return False
        nonce, signature = token.split(".")
        if not nonce.isalnum() or not nonce.isascii():
            return False
        return hmac.compare_digest(self._sign(nonce).encode(), signature.encode("utf-8"))

    def token_for(self, request: Request) -> tuple[str, list[tuple[str, str]]]:
        """The token for the forms of this page, and the Set-Cookie header to send (when the
        browser has no valid token yet)."""
        token = request.cookie(COOKIE)
        if token is not None and self.valid(token):
            return token, []
        nonce = secrets.token_hex(16)
        token = f"{nonce}.{self._sign(nonce)}"
        cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
        return token, [("set-cookie", cookie)]

    def check(self, request: Request) -> None:
        """Refuse (403) a POST without a matching, valid token or from another origin."""
        check_origin(request)
        cookie = request.cookie(COOKIE)
        sent = request.form.get(FIELD, [""])[0]
        if not self.valid(cookie) or not hmac.compare_digest(
            sent.encode("utf-8"), (cookie or "").encode("utf-8")
        ):
            raise HTTPError(
                403,
                "The form's security token is missing or stale (cookies off, or the server "
                "restarted). Reload the form and submit it again.",
            )


def check_origin(request: Request) -> None:
    """403 when the browser says the request comes from a page of another origin."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
        raise HTTPError(403, "Cross-origin form submissions are refused.")
