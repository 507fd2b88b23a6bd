"""CSRF on every POST, same-origin check, body limit, content type, escaping, headers."""

from __future__ import annotations

import httpx
import pytest

from found_server.security import CSRF

from .conftest import apply, create_change, csrf, write

FORM = "application/x-www-form-urlencoded"


def posts(hexid: str) -> list[tuple[str, dict[str, str]]]:
    items = {"uid": "a", "key": "b", "value": "c"}
    return [
        ("/history/change/", {"description": "sneaky"}),
        (f"/history/u/{hexid}/add/", items),
        (f"/history/u/{hexid}/remove/", items),
        (f"/history/u/{hexid}/apply/", {"confirm": "yes"}),
    ]


async def test_every_post_needs_the_token(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    token = await csrf(client)
    for path, data in posts(hexid):
        missing = await client.post(path, data=data)
        assert missing.status_code == 403, path
        forged = token[:-1] + ("1" if token.endswith("0") else "0")  # always differs
        wrong = await client.post(path, data={**data, "csrf": forged})
        assert wrong.status_code == 403, path
    detail = await client.get(f"/history/u/{hexid}/")
    assert "adds and removes nothing" in detail.text and "pending" in detail.text


async def test_token_without_cookie_is_refused(client: httpx.AsyncClient) -> None:
    token = await csrf(client)
    client.cookies.clear()
    response = await client.post("/history/change/", data={"description": "x", "csrf": token})
    assert response.status_code == 403


async def test_forged_token_is_refused(client: httpx.AsyncClient) -> None:
    forged = "abcdef." + "0" * 64
    client.cookies.set("found_csrf", forged)
    response = await client.post("/history/change/", data={"description": "x", "csrf": forged})
    assert response.status_code == 403


async def test_cross_origin_post_is_refused(client: httpx.AsyncClient) -> None:
    token = await csrf(client)
    data = {"description": "x", "csrf": token}
    evil = await client.post("/history/change/", data=data, headers={"origin": "http://evil.test"})
    assert evil.status_code == 403 and "Cross-origin" in evil.text
    same = await client.post("/history/change/", data=data, headers={"origin": "http://testserver"})
    assert same.status_code == 303


async def test_cookie_attributes(client: httpx.AsyncClient) -> None:
    page = await client.get("/history/change/")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    again = await client.get("/history/change/")
    assert "set-cookie" not in again.headers  # the valid cookie is reused


def test_tokens_are_per_secret() -> None:
    a, b = CSRF(b"1" * 32), CSRF(b"2" * 32)
    token = f"abc.{a._sign('abc')}"
    assert a.valid(token) and not b.valid(token)
    assert not a.valid("abc") and not a.valid("a.b.c") and not a.valid("é." + a._sign("abc"))


async def test_body_limit(client: httpx.AsyncClient) -> None:
    token = await csrf(client)
    big = {"description": "x" * 70_000, "csrf": token}
    response = await client.post("/history/change/", data=big)
    assert response.status_code == 413


async def test_body_limit_without_content_length(client: httpx.AsyncClient) -> None:
    token = await csrf(client)

    async def chunks():  # streamed: no Content-Length, the app counts while reading
        yield f"csrf={token}&description=".encode()
        for _ in range(20):
            yield b"x" * 4096

    response = await client.post(
        "/history/change/", content=chunks(), headers={"content-type": FORM}
    )
    assert response.status_code == 413


@pytest.mark.parametrize("kind", ["text/plain", "multipart/form-data; boundary=x", ""])
async def test_only_urlencoded_forms(client: httpx.AsyncClient, kind: str) -> None:
    token = await csrf(client)
    response = await client.post(
        "/history/change/", content=f"csrf={token}&description=x", headers={"content-type": kind}
    )
    assert response.status_code == 415


async def test_stored_values_are_escaped(client: httpx.AsyncClient) -> None:
    attack = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    hexid = await create_change(client, attack)
    assert (await write(client, hexid, "add", uid=attack, key="k", value=attack)).status_code == 303
    assert (await apply(client, hexid)).status_code == 303
    for path in (f"/history/u/{hexid}/", "/history/", "/navigate/", "/diff/"):
        page = await client.get(path)
        assert page.status_code == 200
        assert "<script>" not in page.text and "<img src=x" not in page.text, path
        assert "&lt;script&gt;" in page.text, path


async def test_security_headers(client: httpx.AsyncClient) -> None:
    for path in ("/", "/nowhere/"):
        page = await client.get(path)
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"
