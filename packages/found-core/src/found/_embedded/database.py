"""`EmbeddedDatabase`: an open embedded database, the factory of its transactions.

It owns the storage engine and the database options: the TRANSACTION_* ones are defaults
copied into every new transaction and re-applied after `reset` and `on_error` (semantics
reference §10.2); SNAPSHOT_RYW_ENABLE/DISABLE move the default snapshot read-your-writes
counter; MAX_WATCHES bounds the outstanding watches of this handle (1032 past it).
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from .._errors import error
from .transaction import EmbeddedTransaction
from .txoptions import DB_DEFAULTS, MAX_WATCHES_DEFAULT, TxOptions, db_param_kind, decode_param

_MAX_WATCHES = 20
_SNAPSHOT_RYW_ENABLE = 26
_SNAPSHOT_RYW_DISABLE = 27


class EmbeddedDatabase:
    """A database stored in a local directory, with FoundationDB's client semantics."""

    kind = "embedded"

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        #: transaction option code -> encoded value, applied to every new transaction
        self.tx_defaults: dict[int, Optional[bytes]] = {}
        self.snapshot_ryw = 1
        self.max_watches = MAX_WATCHES_DEFAULT
        self.outstanding_watches = 0
        self._closed = False

    @classmethod
    async def open(cls, directory: str) -> EmbeddedDatabase:
        """Open (creating if needed) the embedded database stored in `directory`."""
        from .engine import Engine

        engine = await asyncio.get_running_loop().run_in_executor(None, Engine.open, directory)
        return cls(engine)

    def create_transaction(self) -> EmbeddedTransaction:
        """A new transaction carrying the database's transaction defaults."""
        if self._closed:
            raise error(2000, "The database is closed")
        return EmbeddedTransaction(self)

    def set_option(self, code: int, value: Optional[bytes]) -> None:
        """Apply a `DatabaseOption`; 2007 for an unknown code, 2006 for a bad value."""
        param = decode_param(db_param_kind(code), value)
        if code == _MAX_WATCHES:
            if not isinstance(param, int) or not 0 <= param <= 1_000_000:
                raise error(2006)
            self.max_watches = param
        elif code == _SNAPSHOT_RYW_ENABLE:
            self.snapshot_ryw += 1
        elif code == _SNAPSHOT_RYW_DISABLE:
            self.snapshot_ryw -= 1
        elif code in DB_DEFAULTS:
            tx_code = DB_DEFAULTS[code]
            TxOptions().apply(tx_code, value)  # same range checks as on a transaction
            self.tx_defaults[tx_code] = value

    async def close(self) -> None:
        """Close the engine; later transactions cannot be created. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.engine.close()
