"""found-server: the vnstore web application (ASGI), its `found-vnstore` command, and the
text encoding of tuple items used by its forms.

    from found_server import server          # the ASGI callable (also found.ext.vnstore.server)
    uvicorn found.ext.vnstore.server:server --lifespan on

`App(Config(...))` builds another instance (other database, store or columns).
"""

from __future__ import annotations

from .app import ROUTES, App, Route, server
from .cli import main
from .config import Config, ConfigError
from .encoding import EncodingError, fromstring, tostring

__all__ = [
    "ROUTES",
    "App",
    "Config",
    "ConfigError",
    "EncodingError",
    "Route",
    "fromstring",
    "main",
    "server",
    "tostring",
]
