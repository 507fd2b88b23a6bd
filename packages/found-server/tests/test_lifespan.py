"""Lifespan: the database is opened at startup and closed at shutdown, settings from the
environment, startup failure, and requests served without a lifespan."""

from __future__ import annotations

import os

import httpx
import pytest

import found
from found.ext import vnstore
from found_server import App, Config, ConfigError

from .conftest import Lifespan, apply, client_for, create_change, write


async def test_startup_opens_and_shutdown_closes(config: Config) -> None:
    lifespan = Lifespan(App(config))
    assert (await lifespan.startup())["type"] == "lifespan.startup.complete"
    state = lifespan.state["found_server"]
    db = state["db"]
    assert isinstance(db, found.Database)
    assert state["store"].items == ["uid", "key", "value"]
    assert (await lifespan.shutdown())["type"] == "lifespan.shutdown.complete"
    with pytest.raises(ValueError, match="closed"):
        await found.transactional(db, found.get, b"x")


async def test_given_database_is_used_and_left_open(db: found.Database) -> None:
    """On every backend: the app works over a database it is given, and does not close it."""
    lifespan = Lifespan(App(Config(database=db, name="shop", columns=("item", "price"))))
    await lifespan.startup()
    async with client_for(lifespan) as client:
        hexid = await create_change(client)
        assert (await write(client, hexid, "add", item="pen", price="#i3")).status_code == 303
        assert (await apply(client, hexid)).status_code == 303
        page = await client.get("/navigate/", params={"item": "pen"})
        assert "#i3" in page.text
    await lifespan.shutdown()
    store = vnstore.make("shop", ("shop",), ["item", "price"])

    async def read(tx: found.Transaction) -> bool:
        return await vnstore.ask(tx, store, "pen", 3)

    assert await found.transactional(db, read)


async def test_settings_from_environment(
    tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOUND_DATABASE", f"embedded:{os.path.join(os.fspath(tmp_path), 'env')}")
    monkeypatch.setenv("FOUND_VNSTORE_NAME", "from-env")
    monkeypatch.setenv("FOUND_VNSTORE_COLUMNS", "s, p o")
    lifespan = Lifespan(App())
    await lifespan.startup()
    async with client_for(lifespan) as client:
        page = await client.get("/")
        assert "from-env" in page.text and "<code>o</code>" in page.text
    await lifespan.shutdown()
    assert os.path.isdir(os.path.join(os.fspath(tmp_path), "env"))


async def test_startup_failure_is_reported(tmp_path: os.PathLike[str]) -> None:
    blocker = os.path.join(os.fspath(tmp_path), "a-file")
    with open(blocker, "w") as file:
        file.write("not a directory")
    lifespan = Lifespan(App(Config(database=f"embedded:{blocker}/db")))
    message = await lifespan.startup()
    assert message["type"] == "lifespan.startup.failed" and message["message"]
    assert lifespan.task is not None
    await lifespan.task


async def test_without_lifespan_the_app_says_so() -> None:
    transport = httpx.ASGITransport(app=App(Config()))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/history/")
    assert response.status_code == 503 and "lifespan" in response.text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"columns": ()},
        {"columns": ("a", "a")},
        {"columns": ("csrf", "b")},
        {"columns": ("has space",)},
        {"columns": ("<b>",)},
        {"name": ""},
        {"database": "postgres://x"},
        {"database": "embedded:"},
    ],
)
def test_bad_config(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Config(**kwargs)  # type: ignore[arg-type]


def test_from_env_defaults() -> None:
    config = Config.from_env({})
    assert config.database is None and config.name == "found.vnstore:server"
    assert config.columns == ("uid", "key", "value")


async def test_unexpected_error_is_a_plain_500(
    tmp_path: os.PathLike[str], caplog: pytest.LogCaptureFixture
) -> None:
    db = await found.open(directory=os.path.join(os.fspath(tmp_path), "db"))
    lifespan = Lifespan(App(Config(database=db)))
    await lifespan.startup()
    await db.close()  # the application did not open it: now every read fails
    async with client_for(lifespan) as client:
        response = await client.get("/history/")
    await lifespan.shutdown()
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "Traceback" not in response.text
    assert "closed" not in response.text  # internals stay in the log
    assert any("GET /history/ failed" in r.getMessage() for r in caplog.records)
