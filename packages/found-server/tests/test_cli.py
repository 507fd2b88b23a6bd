"""The found-vnstore command: arguments, defaults, and what it hands to uvicorn."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn

from found_server import App, main
from found_server.cli import parser


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOUND_DATABASE", raising=False)
    monkeypatch.delenv("FOUND_VNSTORE_NAME", raising=False)
    args = parser().parse_args([])
    assert (args.host, args.port, args.database) == ("127.0.0.1", 8000, None)
    assert args.columns == ["uid", "key", "value"] and args.store_name == "found.vnstore:server"


def test_main_runs_uvicorn_with_the_configured_app(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    argv = "--port 8123 --database embedded:/tmp/x --store-name wiki --columns doc field text"
    main(argv.split())
    ((app, kwargs),) = calls
    assert isinstance(app, App) and app.config is not None
    assert app.config.database == "embedded:/tmp/x" and app.config.name == "wiki"
    assert app.config.columns == ("doc", "field", "text")
    assert kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8123 and kwargs["lifespan"] == "on"


@pytest.mark.parametrize(
    "argv",
    [["--database", "nope"], ["--columns", "a", "a"], ["--port", "70000"], ["--port", "x"]],
)
def test_bad_arguments_exit_with_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "found-vnstore" in capsys.readouterr().err


def test_the_0_13_import_path() -> None:
    import found_server
    from found.ext.vnstore import server as shim

    assert shim.server is found_server.server and shim.main is found_server.main
    assert shim.fromstring is found_server.fromstring and shim.tostring is found_server.tostring
