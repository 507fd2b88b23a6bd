"""Every kind of bad input gets a clear 4xx page, never a 500 or a traceback."""

from __future__ import annotations

import html
import uuid

import httpx
import pytest

from .conftest import apply, create_change, csrf, write

UNKNOWN = uuid.uuid4().hex


def assert_clear(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert words in html.unescape(response.text), response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("action", ["", "add/", "remove/", "apply/"])
async def test_bad_hex(client: httpx.AsyncClient, action: str) -> None:
    for bad in ("xyz", "0" * 31, "g" * 32, "%00"):
        response = await client.get(f"/history/u/{bad}/{action}")
        assert_clear(response, 400, "is not a change id")


@pytest.mark.parametrize("action", ["", "add/", "remove/", "apply/"])
async def test_unknown_change(client: httpx.AsyncClient, action: str) -> None:
    response = await client.get(f"/history/u/{UNKNOWN}/{action}")
    assert_clear(response, 404, "There is no change")


@pytest.mark.parametrize("action", ["add", "remove", "apply"])
async def test_post_to_unknown_change(client: httpx.AsyncClient, action: str) -> None:
    token = await csrf(client)
    data = {"csrf": token, "uid": "a", "key": "b", "value": "c"}
    response = await client.post(f"/history/u/{UNKNOWN}/{action}/", data=data)
    assert_clear(response, 404, "There is no change")


@pytest.mark.parametrize("value", ["#i4x2", "#ubad", "#fnope", "#what"])
async def test_malformed_value_encoding(client: httpx.AsyncClient, value: str) -> None:
    hexid = await create_change(client)
    response = await write(client, hexid, "add", uid="a", key="b", value=value)
    assert_clear(response, 400, "Column 'value'")
    navigate = await client.get("/navigate/", params={"value": value})
    assert_clear(navigate, 400, "Column 'value'")


async def test_wrong_column_count(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    missing = await write(client, hexid, "add", uid="a", key="b")
    assert_clear(missing, 400, "'value' is missing")
    extra = await write(client, hexid, "add", uid="a", key="b", value="c", other="d")
    assert_clear(extra, 400, "Unknown fields other")
    token = await csrf(client)
    twice = await client.post(
        f"/history/u/{hexid}/add/",
        content=f"csrf={token}&uid=a&uid=b&key=k&value=v",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_clear(twice, 400, "given 2 times")


async def test_applying_twice(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    assert (await apply(client, hexid)).status_code == 303
    token = await csrf(client)
    again = await client.post(f"/history/u/{hexid}/apply/", data={"csrf": token})
    assert_clear(again, 409, "already applied")
    assert_clear(await client.get(f"/history/u/{hexid}/apply/"), 409, "already applied")
    assert_clear(await client.get(f"/history/u/{hexid}/add/"), 409, "already applied")
    late = await client.post(
        f"/history/u/{hexid}/add/", data={"csrf": token, "uid": "a", "key": "b", "value": "c"}
    )
    assert_clear(late, 409, "already applied")


async def test_conflicting_apply(client: httpx.AsyncClient) -> None:
    seed = await create_change(client)
    await write(client, seed, "add", uid="a", key="k", value="v")
    await apply(client, seed)
    first, second = await create_change(client), await create_change(client)
    assert (await write(client, first, "remove", uid="a", key="k", value="v")).status_code == 303
    assert (await write(client, second, "remove", uid="a", key="k", value="v")).status_code == 303
    assert (await apply(client, first)).status_code == 303
    assert_clear(await apply(client, second), 409, "cannot be applied")


async def test_remove_missing_tuple(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    response = await write(client, hexid, "remove", uid="a", key="b", value="c")
    assert_clear(response, 400, "nothing to remove")


@pytest.mark.parametrize("description", ["", "   ", "x" * 3000])
async def test_bad_description(client: httpx.AsyncClient, description: str) -> None:
    token = await csrf(client)
    response = await client.post(
        "/history/change/", data={"description": description, "csrf": token}
    )
    assert_clear(response, 400, "description")


async def test_missing_description(client: httpx.AsyncClient) -> None:
    token = await csrf(client)
    response = await client.post("/history/change/", data={"csrf": token})
    assert_clear(response, 400, "'description' is missing")


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"page": "0"}, "page must be"),
        ({"page": "abc"}, "page must be"),
        ({"as_of": "nothex"}, "is not a change id"),
        ({"as_of": UNKNOWN}, "There is no change"),
        ({"uid": "_"}, "cannot match"),
    ],
)
async def test_bad_navigate(client: httpx.AsyncClient, params: dict[str, str], words: str) -> None:
    status = 404 if params.get("as_of") == UNKNOWN else 400
    assert_clear(await client.get("/navigate/", params=params), status, words)


async def test_pending_change_is_not_a_point_of_history(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    assert_clear(await client.get("/navigate/", params={"as_of": hexid}), 400, "not applied")
    assert_clear(await client.get("/diff/", params={"start": hexid}), 400, "not applied")


async def test_diff_backwards(client: httpx.AsyncClient) -> None:
    points = []
    for _ in range(2):
        hexid = await create_change(client)
        await apply(client, hexid)
        points.append(hexid)
    response = await client.get("/diff/", params={"start": points[1], "end": points[0]})
    assert_clear(response, 400, "before its start")


async def test_not_found_and_method_not_allowed(client: httpx.AsyncClient) -> None:
    assert_clear(await client.get("/nowhere/"), 404, "There is no page")
    assert_clear(await client.get("/history"), 404, "There is no page")
    deleted = await client.delete("/history/")
    assert_clear(deleted, 405, "not allowed")
    assert deleted.headers["allow"] == "GET, HEAD"
    assert_clear(await client.post("/navigate/"), 405, "not allowed")


async def test_invalid_utf8_query(client: httpx.AsyncClient) -> None:
    response = await client.get("/navigate/?uid=%ff%fe")
    assert_clear(response, 400, "not valid UTF-8")


async def test_value_too_large_for_a_key(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    response = await write(client, hexid, "add", uid="a", key="b", value="x" * 20_000)
    assert response.status_code in (400, 413), response.text
    assert "Traceback" not in response.text
