"""Every route, through the ASGI app, on the happy path."""

from __future__ import annotations

import httpx

from .conftest import apply, create_change, csrf, write


async def test_index(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert "found.vnstore:server" in page.text and "0 changes, 0 pending" in page.text


async def test_create_change_then_history(client: httpx.AsyncClient) -> None:
    form = await client.get("/history/change/")
    assert form.status_code == 200 and 'name="description"' in form.text
    hexid = await create_change(client, "first change")
    history = await client.get("/history/")
    assert history.status_code == 200
    assert hexid in history.text and "first change" in history.text and "pending" in history.text


async def test_change_detail_add_remove_apply(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    for action in ("add", "remove", "apply"):
        page = await client.get(f"/history/u/{hexid}/{action}/")
        assert page.status_code == 200, action
    assert (
        await write(client, hexid, "add", uid="#i1", key="name", value="Ada")
    ).status_code == 303
    assert (
        await write(client, hexid, "add", uid="#i1", key="age", value="#i36")
    ).status_code == 303
    assert (await write(client, hexid, "add", uid="#i2", key="x", value="y")).status_code == 303
    removed = await write(client, hexid, "remove", uid="#i2", key="x", value="y")
    assert removed.status_code == 303
    assert removed.headers["location"] == f"/history/u/{hexid}/"
    detail = await client.get(f"/history/u/{hexid}/")
    assert detail.status_code == 200
    assert "Ada" in detail.text and "#i36" in detail.text and ">x<" not in detail.text
    # pending: invisible to navigate
    assert "No tuple matches" in (await client.get("/navigate/")).text
    applied = await apply(client, hexid)
    assert applied.status_code == 303
    detail = await client.get(f"/history/u/{hexid}/")
    assert "applied @" in detail.text and f"/navigate/?as_of={hexid}" in detail.text
    found = await client.get("/navigate/", params={"uid": "#i1"})
    assert found.status_code == 200
    assert "Ada" in found.text and "#i36" in found.text


async def _apply_one(client: httpx.AsyncClient, **items: str) -> str:
    hexid = await create_change(client, f"add {items}")
    assert (await write(client, hexid, "add", **items)).status_code == 303
    assert (await apply(client, hexid)).status_code == 303
    return hexid


async def test_remove_in_a_later_change_and_time_travel(client: httpx.AsyncClient) -> None:
    first = await _apply_one(client, uid="a", key="k", value="v1")
    second = await create_change(client, "remove it")
    assert (await write(client, second, "remove", uid="a", key="k", value="v1")).status_code == 303
    assert (await apply(client, second)).status_code == 303
    now = await client.get("/navigate/", params={"uid": "a"})
    assert "No tuple matches" in now.text
    then = await client.get("/navigate/", params={"uid": "a", "as_of": first})
    assert then.status_code == 200 and "v1" in then.text
    delta = await client.get("/diff/", params={"start": first, "end": second})
    assert delta.status_code == 200
    assert 'class="removed"' in delta.text and "v1" in delta.text
    everything = await client.get("/diff/", params={"end": first})
    assert 'class="added"' in everything.text
    assert "No difference" in (await client.get("/diff/", params={"start": second})).text


async def test_navigate_pagination(client: httpx.AsyncClient) -> None:
    hexid = await create_change(client)
    for i in range(12):  # page_size is 5 in the tests
        assert (await write(client, hexid, "add", uid=f"#i{i}", key="n", value="v")).status_code
    assert (await apply(client, hexid)).status_code == 303
    seen = []
    page = 1
    while True:
        response = await client.get("/navigate/", params={"key": "n", "page": str(page)})
        assert response.status_code == 200
        rows = response.text.count('<a href="/navigate/?uid=')
        seen.append(rows)
        if "next →" not in response.text:
            break
        page += 1
    assert seen == [5, 5, 2]


async def test_history_pagination(client: httpx.AsyncClient) -> None:
    for i in range(7):
        await create_change(client, f"change number {i}")
    first = await client.get("/history/")
    second = await client.get("/history/", params={"page": "2"})
    assert "change number 6" in first.text and "older →" in first.text
    assert "change number 1" in second.text and "older →" not in second.text
    assert "← newer" in second.text


async def test_head_and_csrf_cookie(client: httpx.AsyncClient) -> None:
    head = await client.head("/history/")
    assert head.status_code == 200 and head.content == b""
    token = await csrf(client)
    assert client.cookies.get("found_csrf") == token
