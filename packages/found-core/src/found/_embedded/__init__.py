"""The embedded backend: FoundationDB's client semantics over a local storage engine.

`EmbeddedDatabase` (opened with `await EmbeddedDatabase.open(directory)`) implements
`found._backend.BackendDatabase`; its transactions implement `BackendTransaction`.
"""

from .database import EmbeddedDatabase

__all__ = ["EmbeddedDatabase"]
