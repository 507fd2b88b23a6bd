"""found: the asyncio toolkit for FoundationDB.

One API over two places for the data: a FoundationDB cluster through libfdb_c, or an embedded
engine with FoundationDB's semantics on SQLite (the default when no cluster is configured).
Code written for asyncio-foundationdb 0.13 runs unchanged. Example::

    import asyncio
    import found

    async def main():
        async with await found.open(directory="/tmp/found-demo") as db:
            async def hello(tx):
                found.set(tx, b"hello", b"world")
                return await found.get(tx, b"hello")

            print(await found.transactional(db, hello))

    asyncio.run(main())

The public names are listed in `__all__`; everything else lives in `_`-prefixed modules.
"""

from __future__ import annotations

from . import _constants, _error_classes
from ._constants import *  # noqa: F403 - the 0.13 constants (their own __all__)
from ._database import Database, Hooks, TransactionStats, database_set_option, make_hooks
from ._directory import (
    DirectoryError,
    DirectoryLayer,
    DirectoryPartition,
    DirectorySubspace,
    DirectoryValueError,
    directory,
)
from ._error_classes import *  # noqa: F403 - one class per error code (their own __all__)
from ._errors import (
    ERRORS,
    BaseFoundException,
    FoundationDBError,
    FoundException,
    error_message,
    error_predicate,
)
from ._open import add_network_thread_completion_hook, get_client_version, network_set_option, open
from ._options import (
    ConflictRangeType,
    DatabaseOption,
    ErrorPredicate,
    MutationType,
    NetworkOption,
    StreamingMode,
    TransactionOption,
)
from ._reads import (
    estimated_size_bytes,
    get,
    get_addresses_for_key,
    get_key,
    get_range,
    get_range_split_points,
    query,
    read_version,
)
from ._selectors import KeySelector, gt, gte, lt, lte
from ._subspace import Subspace, key_prefix
from ._transaction import (
    Transaction,
    add_conflict_range,
    cancel,
    commit,
    get_approximate_size,
    get_committed_version,
    get_versionstamp,
    make_transaction,
    on_error,
    reset,
    set_option,
    watch,
)
from ._transactional import DEFAULT_RETRY_LIMIT, transaction, transactional
from ._tuple import (
    SingleFloat,
    Versionstamp,
    compare,
    has_incomplete_versionstamp,
    pack,
    pack_with_versionstamp,
    range,
    unpack,
)
from ._util import all, co, limit, next_prefix
from ._writes import (
    add,
    append_if_fits,
    bit_and,
    bit_or,
    bit_xor,
    byte_max,
    byte_min,
    clear,
    compare_and_clear,
    max,
    min,
    set,
    set_many,
    set_read_version,
    set_versionstamped_key,
    set_versionstamped_value,
)

#: Largest key (bytes) FoundationDB accepts outside the system keyspace.
MAX_SIZE_KEY = 10_000
#: Largest value (bytes).
MAX_SIZE_VALUE = 100_000
#: Largest transaction (bytes of mutations and conflict ranges).
MAX_SIZE_TRANSACTION = 10_000_000


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - Python < 3.8 only
        return "0+unknown"
    try:
        return version("found-core")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = _version()

__all__ = [
    "DEFAULT_RETRY_LIMIT",
    "ERRORS",
    "MAX_SIZE_KEY",
    "MAX_SIZE_TRANSACTION",
    "MAX_SIZE_VALUE",
    "BaseFoundException",
    "ConflictRangeType",
    "Database",
    "DatabaseOption",
    "DirectoryError",
    "DirectoryLayer",
    "DirectoryPartition",
    "DirectorySubspace",
    "DirectoryValueError",
    "ErrorPredicate",
    "FoundException",
    "FoundationDBError",
    "Hooks",
    "KeySelector",
    "MutationType",
    "NetworkOption",
    "SingleFloat",
    "StreamingMode",
    "Subspace",
    "Transaction",
    "TransactionOption",
    "TransactionStats",
    "Versionstamp",
    "__version__",
    "add",
    "add_conflict_range",
    "add_network_thread_completion_hook",
    "all",
    "append_if_fits",
    "bit_and",
    "bit_or",
    "bit_xor",
    "byte_max",
    "byte_min",
    "cancel",
    "clear",
    "co",
    "commit",
    "compare",
    "compare_and_clear",
    "database_set_option",
    "directory",
    "error_message",
    "error_predicate",
    "estimated_size_bytes",
    "get",
    "get_addresses_for_key",
    "get_approximate_size",
    "get_client_version",
    "get_committed_version",
    "get_key",
    "get_range",
    "get_range_split_points",
    "get_versionstamp",
    "gt",
    "gte",
    "has_incomplete_versionstamp",
    "key_prefix",
    "limit",
    "lt",
    "lte",
    "make_hooks",
    "make_transaction",
    "max",
    "min",
    "network_set_option",
    "next_prefix",
    "on_error",
    "open",
    "pack",
    "pack_with_versionstamp",
    "query",
    "range",
    "read_version",
    "reset",
    "set",
    "set_many",
    "set_option",
    "set_read_version",
    "set_versionstamped_key",
    "set_versionstamped_value",
    "transaction",
    "transactional",
    "unpack",
    "watch",
]
# One exception class per FoundationDB error code (`found.NotCommitted`, ...).
__all__ += _error_classes.__all__
# The 0.13 constants (`found.FDB_TR_OPTION_TIMEOUT`, `found.STREAMING_MODE_WANT_ALL`, ...).
__all__ += _constants.__all__
