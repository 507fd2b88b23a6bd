"""`found-vnstore`: serve the vnstore web application with uvicorn.

    found-vnstore [--host 127.0.0.1] [--port 8000] [--database embedded:<dir>|cluster:<file>]
                  [--store-name NAME] [--columns uid key value]

It listens on the loopback interface unless `--host` says otherwise: the application has no
authentication, so exposing it is a deliberate choice.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from typing import Optional

from .app import App
from .config import DEFAULT_COLUMNS, DEFAULT_NAME, Config, ConfigError


def parser() -> argparse.ArgumentParser:
    """The command-line interface of `found-vnstore`."""
    out = argparse.ArgumentParser(
        prog="found-vnstore",
        description="Serve found's versioned tuple store (vnstore) as a web application.",
    )
    out.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    out.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    out.add_argument(
        "--database",
        default=os.environ.get("FOUND_DATABASE") or None,
        help="embedded:<directory> or cluster:<cluster file> "
        "(default: $FOUND_DATABASE, else found's default database)",
    )
    out.add_argument(
        "--store-name",
        default=os.environ.get("FOUND_VNSTORE_NAME") or DEFAULT_NAME,
        help="name (and key prefix) of the store (default: %(default)s)",
    )
    out.add_argument(
        "--columns",
        nargs="+",
        default=list(DEFAULT_COLUMNS),
        metavar="NAME",
        help="column names of the store (default: %(default)s)",
    )
    out.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn and found-server log level (default: %(default)s)",
    )
    return out


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Entry point of the `found-vnstore` console script."""
    import uvicorn

    args = parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser().error(f"--port {args.port}: not a port number")
    try:
        config = Config(database=args.database, name=args.store_name, columns=tuple(args.columns))
    except ConfigError as exc:
        parser().error(str(exc))
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s: %(message)s")
    uvicorn.run(
        App(config),
        host=args.host,
        port=args.port,
        lifespan="on",
        log_level=args.log_level,
        server_header=False,
    )
