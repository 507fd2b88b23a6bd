"""How the seven distributions fit together once installed, from wheels or editable.

`found` belongs to found-core alone; each layer adds only `found/ext/<name>/`, and `found.ext`
is one namespace whose search path reaches every installed layer: one folder when the wheels
are unpacked into site-packages, one `src` folder per package in an editable install. The
0.13 import path `found.ext.vnstore.server` re-exports found-server's application.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

import pytest

import found
import found.ext

LAYERS = ("nstore", "bstore", "eavstore", "pstore", "vnstore")
WEB_STACK = {"jinja2", "uvicorn", "zstandard", "found-server", "starlette"}


def _editable_root(dist: metadata.Distribution) -> Optional[Path]:
    """The project folder of an editable install (PEP 610 direct_url.json), else None."""
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    info = json.loads(text)
    if not info.get("dir_info", {}).get("editable"):
        return None
    return Path(unquote(urlparse(info["url"]).path)).resolve()


def _provides(dist: metadata.Distribution, path: Path) -> bool:
    """Whether the file at `path` is installed by `dist` (listed in RECORD, or in its tree)."""
    path = path.resolve()
    root = _editable_root(dist)
    if root is not None:
        return root / "src" in path.parents
    return any(Path(str(dist.locate_file(f))).resolve() == path for f in dist.files or [])


def _requirements(dist: str) -> list[tuple[str, str]]:
    """(normalized name, rest of the line) of each requirement in `dist`'s metadata."""
    out = []
    for line in metadata.requires(dist) or []:
        match = re.match(r"[A-Za-z0-9._-]+", line)
        assert match is not None, line
        out.append((re.sub(r"[-_.]+", "-", match.group(0)).lower(), line))
    return out


def test_found_comes_from_found_core() -> None:
    assert _provides(metadata.distribution("found-core"), Path(found.__file__))
    assert _provides(metadata.distribution("found-core"), Path(found.ext.__file__))


def test_every_layer_is_installed_and_reached_through_found_ext() -> None:
    search_path = {Path(p).resolve() for p in found.ext.__path__}
    for name in LAYERS:
        dist = metadata.distribution(f"found-{name}")
        module = importlib.import_module(f"found.ext.{name}")
        init = Path(module.__file__ or "")
        assert init.parent.parent.resolve() in search_path, (name, sorted(search_path))
        assert _provides(dist, init), (name, init)


def test_layers_ship_only_their_own_folder() -> None:
    for name in LAYERS:
        files = [str(f).replace("\\", "/") for f in metadata.files(f"found-{name}") or []]
        shipped = [f for f in files if f.startswith("found/")]
        assert all(f.startswith(f"found/ext/{name}/") for f in shipped), (name, shipped)
    core = [str(f).replace("\\", "/") for f in metadata.files("found-core") or []]
    assert not [f for f in core for layer in LAYERS if f.startswith(f"found/ext/{layer}/")]


def test_dependencies_between_distributions() -> None:
    core = {name for name, _ in _requirements("found-core")}
    assert core == {"cffi", "aiostream", "uuid7"}
    assert not core & WEB_STACK
    for name in LAYERS:
        assert "found-core" in {n for n, _ in _requirements(f"found-{name}")}
    vnstore = _requirements("found-vnstore")
    assert "found-nstore" in {n for n, line in vnstore if "extra" not in line}
    server_extra = [n for n, line in vnstore if re.search(r"extra\s*==\s*['\"]server['\"]", line)]
    assert server_extra == ["found-server"]
    server = {n for n, _ in _requirements("found-server")}
    assert {"jinja2", "uvicorn", "zstandard"} <= server


def test_vnstore_server_reexports_found_server() -> None:
    import found_server
    from found.ext.vnstore import server as compat

    for name in ("server", "main", "fromstring", "tostring"):
        assert getattr(compat, name) is getattr(found_server, name), name


def test_vnstore_server_without_found_server_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A None entry in sys.modules makes `import found_server` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "found_server", None)
    monkeypatch.delitem(sys.modules, "found.ext.vnstore.server", raising=False)
    with pytest.raises(ImportError, match=re.escape('pip install "found-vnstore[server]"')):
        importlib.import_module("found.ext.vnstore.server")
