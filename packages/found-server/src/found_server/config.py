"""What the application serves: which database, which store, which columns.

The `found-vnstore` command fills a `Config` from its arguments; an application started by
another ASGI runner (`uvicorn found.ext.vnstore.server:server`) reads the same settings from
environment variables when its lifespan starts:

- `FOUND_DATABASE`: `embedded:<directory>` or `cluster:<cluster file>` (found.open's rules;
  unset means found's default database);
- `FOUND_VNSTORE_NAME`: the store name, also its key prefix (default `found.vnstore:server`,
  the name 0.13's server used; its data is NOT readable here: vnstore's key layout changed,
  see the vnstore README's migration note);
- `FOUND_VNSTORE_COLUMNS`: column names separated by spaces or commas (default
  `uid key value`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional

import found

DEFAULT_NAME = "found.vnstore:server"
DEFAULT_COLUMNS = ("uid", "key", "value")
DEFAULT_CLUSTER_FILE = "/etc/foundationdb/fdb.cluster"
#: Form fields the application uses itself: a column may not take these names.
RESERVED = frozenset({"csrf", "page", "as_of", "start", "end", "description"})
_COLUMN = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}\Z")


class ConfigError(ValueError):
    """A setting that cannot be used (bad database spec, bad column names)."""


def parse_database(spec: Optional[str]) -> tuple[str, Optional[str]]:
    """Split a database setting into `(kind, where)`: ("default", None), ("embedded", dir) or
    ("cluster", file or None)."""
    spec = (spec or "").strip()
    if not spec:
        return ("default", None)
    kind, sep, where = spec.partition(":")
    if sep and kind == "embedded" and where:
        return ("embedded", where)
    if sep and kind == "cluster":
        return ("cluster", where or None)
    raise ConfigError(
        f"database {spec!r}: expected 'embedded:<directory>' or 'cluster:<cluster file>'"
    )


def check_columns(columns: Sequence[str]) -> tuple[str, ...]:
    """Validate column names: letters, digits, '_' or '-', distinct, not reserved."""
    out = tuple(columns)
    if not out:
        raise ConfigError("at least one column is needed")
    for name in out:
        if not isinstance(name, str) or not _COLUMN.match(name):
            raise ConfigError(f"column {name!r}: use a letter then letters, digits, '_' or '-'")
        if name in RESERVED:
            raise ConfigError(f"column {name!r}: the name is used by the application's forms")
    if len(set(out)) != len(out):
        raise ConfigError(f"columns {' '.join(out)}: a name appears twice")
    return out


@dataclass(frozen=True)
class Config:
    """Settings of one application instance.

    `database` is a spec for `parse_database`, or an already open `found.Database` that the
    application then uses without closing it (tests, embedding in a larger program).
    """

    database: Any = None
    name: str = DEFAULT_NAME
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    #: Largest accepted request body, in bytes (larger: 413).
    max_body: int = 64 * 1024
    #: Rows per page on the history and navigate pages.
    page_size: int = 42

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", check_columns(self.columns))
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError("the store name must be a non-empty string")
        if self.database is None or isinstance(self.database, str):
            parse_database(self.database)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Config:
        """The configuration described by environment variables (module docstring)."""
        env = os.environ if environ is None else environ
        columns = env.get("FOUND_VNSTORE_COLUMNS", "").replace(",", " ").split()
        return cls(
            database=env.get("FOUND_DATABASE") or None,
            name=env.get("FOUND_VNSTORE_NAME") or DEFAULT_NAME,
            columns=tuple(columns) or DEFAULT_COLUMNS,
        )

    async def open_database(self) -> tuple[found.Database, bool]:
        """Open the database; returns it and whether the application owns (closes) it."""
        if self.database is not None and not isinstance(self.database, str):
            return self.database, False
        kind, where = parse_database(self.database)
        if kind == "embedded":
            return await found.open(directory=where), True
        if kind == "cluster":
            if where is None:
                where = os.environ.get("FDB_CLUSTER_FILE") or DEFAULT_CLUSTER_FILE
            return await found.open(where), True
        return await found.open(), True
