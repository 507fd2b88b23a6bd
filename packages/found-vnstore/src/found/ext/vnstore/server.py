"""The vnstore web application at its asyncio-foundationdb 0.13 import path.

The application lives in the found-server distribution (`found_server`), so that installing
found-vnstore alone brings no web stack. Code written for 0.13 keeps working:

    from found.ext.vnstore import server      # server.server, server.main, ...
    uvicorn found.ext.vnstore.server:server --lifespan on

Without found-server installed, importing this module raises ImportError that says what to
install.
"""

from __future__ import annotations

try:
    from found_server import fromstring, main, server, tostring
except ModuleNotFoundError as exc:
    if exc.name != "found_server":
        raise
    raise ImportError(
        "found.ext.vnstore.server needs the found-server distribution, which is not installed: "
        'pip install "found-vnstore[server]"'
    ) from exc

__all__ = ["fromstring", "main", "server", "tostring"]
