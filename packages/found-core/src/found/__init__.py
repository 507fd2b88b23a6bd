"""found: the asyncio toolkit for FoundationDB.

One API over two places for the data: a FoundationDB cluster through libfdb_c, or an embedded
engine with FoundationDB's semantics on SQLite (the default when no cluster is configured).
The public names are listed in `__all__`; everything else lives in `_`-prefixed modules.
"""

from ._errors import BaseFoundException, FoundationDBError, FoundException

__all__ = ["BaseFoundException", "FoundException", "FoundationDBError"]
