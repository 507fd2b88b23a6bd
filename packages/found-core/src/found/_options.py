"""FoundationDB option, mutation, streaming-mode and predicate codes (API 730).

Every code of `fdb.options` that a 7.3 client accepts is an `IntEnum` member here, named in
UPPER_SNAKE as in the official binding (`TransactionOption.TIMEOUT == 500`). Options also carry
their parameter kind so they can be set by name with a Python value: `encode_option` turns
`("timeout", 1000)` into `(500, b"\\xe8\\x03\\0\\0\\0\\0\\0\\0")`, the form backends take.
The 0.13 module-level constants (`FDB_TR_OPTION_*`, `STREAMING_MODE_*`, ...) live in
`found._constants`, generated from these tables.
"""

from __future__ import annotations

import enum
import struct
from typing import Union

from ._errors import error


class ParamKind(enum.Enum):
    """What an option's parameter is: nothing, an int64, a UTF-8 string, or raw bytes."""

    NONE = "none"
    INT = "int"
    STRING = "string"
    BYTES = "bytes"


_N, _I, _S, _B = ParamKind.NONE, ParamKind.INT, ParamKind.STRING, ParamKind.BYTES

# (name, code, parameter kind); a later entry with an existing code is an alias.
_NETWORK: list[tuple[str, int, ParamKind]] = [
    ("LOCAL_ADDRESS", 10, _S),
    ("CLUSTER_FILE", 20, _S),
    ("TRACE_ENABLE", 30, _S),
    ("TRACE_ROLL_SIZE", 31, _I),
    ("TRACE_MAX_LOGS_SIZE", 32, _I),
    ("TRACE_LOG_GROUP", 33, _S),
    ("TRACE_FORMAT", 34, _S),
    ("TRACE_CLOCK_SOURCE", 35, _S),
    ("TRACE_FILE_IDENTIFIER", 36, _S),
    ("TRACE_SHARE_AMONG_CLIENT_THREADS", 37, _N),
    ("TRACE_INITIALIZE_ON_SETUP", 38, _N),
    ("TRACE_PARTIAL_FILE_SUFFIX", 39, _S),
    ("KNOB", 40, _S),
    ("TLS_PLUGIN", 41, _S),
    ("TLS_CERT_BYTES", 42, _B),
    ("TLS_CERT_PATH", 43, _S),
    ("TLS_KEY_BYTES", 45, _B),
    ("TLS_KEY_PATH", 46, _S),
    ("TLS_VERIFY_PEERS", 47, _B),
    ("BUGGIFY_ENABLE", 48, _N),
    ("BUGGIFY_DISABLE", 49, _N),
    ("BUGGIFY_SECTION_ACTIVATED_PROBABILITY", 50, _I),
    ("BUGGIFY_SECTION_FIRED_PROBABILITY", 51, _I),
    ("TLS_CA_BYTES", 52, _B),
    ("TLS_CA_PATH", 53, _S),
    ("TLS_PASSWORD", 54, _S),
    ("DISABLE_MULTI_VERSION_CLIENT_API", 60, _N),
    ("CALLBACKS_ON_EXTERNAL_THREADS", 61, _N),
    ("EXTERNAL_CLIENT_LIBRARY", 62, _S),
    ("EXTERNAL_CLIENT_DIRECTORY", 63, _S),
    ("DISABLE_LOCAL_CLIENT", 64, _N),
    ("CLIENT_THREADS_PER_VERSION", 65, _I),
    ("FUTURE_VERSION_CLIENT_LIBRARY", 66, _S),
    ("RETAIN_CLIENT_LIBRARY_COPIES", 67, _N),
    ("IGNORE_EXTERNAL_CLIENT_FAILURES", 68, _N),
    ("FAIL_INCOMPATIBLE_CLIENT", 69, _N),
    ("DISABLE_CLIENT_STATISTICS_LOGGING", 70, _N),
    ("ENABLE_RUN_LOOP_PROFILING", 71, _N),
    ("ENABLE_SLOW_TASK_PROFILING", 71, _N),
    ("DISABLE_CLIENT_BYPASS", 72, _N),
    ("CLIENT_BUGGIFY_ENABLE", 80, _N),
    ("CLIENT_BUGGIFY_DISABLE", 81, _N),
    ("CLIENT_BUGGIFY_SECTION_ACTIVATED_PROBABILITY", 82, _I),
    ("CLIENT_BUGGIFY_SECTION_FIRED_PROBABILITY", 83, _I),
    ("DISTRIBUTED_CLIENT_TRACER", 90, _S),
    ("CLIENT_TMP_DIR", 91, _S),
    ("SUPPORTED_CLIENT_VERSIONS", 1000, _S),
    ("EXTERNAL_CLIENT", 1001, _N),
    ("EXTERNAL_CLIENT_TRANSPORT_ID", 1002, _I),
]

_DATABASE: list[tuple[str, int, ParamKind]] = [
    ("LOCATION_CACHE_SIZE", 10, _I),
    ("MAX_WATCHES", 20, _I),
    ("MACHINE_ID", 21, _S),
    ("DATACENTER_ID", 22, _S),
    ("SNAPSHOT_RYW_ENABLE", 26, _N),
    ("SNAPSHOT_RYW_DISABLE", 27, _N),
    ("TRANSACTION_LOGGING_MAX_FIELD_LENGTH", 405, _I),
    ("TRANSACTION_TIMEOUT", 500, _I),
    ("TRANSACTION_RETRY_LIMIT", 501, _I),
    ("TRANSACTION_MAX_RETRY_DELAY", 502, _I),
    ("TRANSACTION_SIZE_LIMIT", 503, _I),
    ("TRANSACTION_CAUSAL_READ_RISKY", 504, _N),
    ("TRANSACTION_INCLUDE_PORT_IN_ADDRESS", 505, _N),
    ("TRANSACTION_AUTOMATIC_IDEMPOTENCY", 506, _N),
    ("TRANSACTION_BYPASS_UNREADABLE", 700, _N),
    ("TRANSACTION_USED_DURING_COMMIT_PROTECTION_DISABLE", 701, _N),
    ("TRANSACTION_REPORT_CONFLICTING_KEYS", 702, _N),
    ("USE_CONFIG_DATABASE", 800, _N),
    ("TEST_CAUSAL_READ_RISKY", 900, _I),
]

_TRANSACTION: list[tuple[str, int, ParamKind]] = [
    ("CAUSAL_WRITE_RISKY", 10, _N),
    ("CAUSAL_READ_RISKY", 20, _N),
    ("CAUSAL_READ_DISABLE", 21, _N),
    ("INCLUDE_PORT_IN_ADDRESS", 23, _N),
    ("NEXT_WRITE_NO_WRITE_CONFLICT_RANGE", 30, _N),
    ("COMMIT_ON_FIRST_PROXY", 40, _N),
    ("CHECK_WRITES_ENABLE", 50, _N),
    ("READ_YOUR_WRITES_DISABLE", 51, _N),
    ("READ_AHEAD_DISABLE", 52, _N),
    ("DURABILITY_DATACENTER", 110, _N),
    ("DURABILITY_RISKY", 120, _N),
    ("DURABILITY_DEV_NULL_IS_WEB_SCALE", 130, _N),
    ("PRIORITY_SYSTEM_IMMEDIATE", 200, _N),
    ("PRIORITY_BATCH", 201, _N),
    ("INITIALIZE_NEW_DATABASE", 300, _N),
    ("ACCESS_SYSTEM_KEYS", 301, _N),
    ("READ_SYSTEM_KEYS", 302, _N),
    ("RAW_ACCESS", 303, _N),
    ("BYPASS_STORAGE_QUOTA", 304, _N),
    ("DEBUG_DUMP", 400, _N),
    ("DEBUG_RETRY_LOGGING", 401, _S),
    ("TRANSACTION_LOGGING_ENABLE", 402, _S),
    ("DEBUG_TRANSACTION_IDENTIFIER", 403, _S),
    ("LOG_TRANSACTION", 404, _N),
    ("TRANSACTION_LOGGING_MAX_FIELD_LENGTH", 405, _I),
    ("SERVER_REQUEST_TRACING", 406, _N),
    ("TIMEOUT", 500, _I),
    ("RETRY_LIMIT", 501, _I),
    ("MAX_RETRY_DELAY", 502, _I),
    ("SIZE_LIMIT", 503, _I),
    ("IDEMPOTENCY_ID", 504, _S),
    ("AUTOMATIC_IDEMPOTENCY", 505, _N),
    ("READ_SERVER_SIDE_CACHE_ENABLE", 507, _N),
    ("READ_SERVER_SIDE_CACHE_DISABLE", 508, _N),
    ("READ_PRIORITY_NORMAL", 509, _N),
    ("READ_PRIORITY_LOW", 510, _N),
    ("READ_PRIORITY_HIGH", 511, _N),
    ("SNAPSHOT_RYW_ENABLE", 600, _N),
    ("SNAPSHOT_RYW_DISABLE", 601, _N),
    ("LOCK_AWARE", 700, _N),
    ("USED_DURING_COMMIT_PROTECTION_DISABLE", 701, _N),
    ("READ_LOCK_AWARE", 702, _N),
    ("FIRST_IN_BATCH", 710, _N),
    ("USE_PROVISIONAL_PROXIES", 711, _N),
    ("REPORT_CONFLICTING_KEYS", 712, _N),
    ("SPECIAL_KEY_SPACE_RELAXED", 713, _N),
    ("SPECIAL_KEY_SPACE_ENABLE_WRITES", 714, _N),
    ("TAG", 800, _S),
    ("AUTO_THROTTLE_TAG", 801, _S),
    ("SPAN_PARENT", 900, _B),
    ("EXPENSIVE_CLEAR_COST_ESTIMATION_ENABLE", 1000, _N),
    ("BYPASS_UNREADABLE", 1100, _N),
    ("USE_GRV_CACHE", 1101, _N),
    ("SKIP_GRV_CACHE", 1102, _N),
    ("AUTHORIZATION_TOKEN", 2000, _S),
]

NetworkOption = enum.IntEnum(  # type: ignore[misc]
    "NetworkOption", [(n, c) for n, c, _ in _NETWORK], module=__name__
)
NetworkOption.__doc__ = "Network options (`fdb_network_set_option`), set before the network starts."
DatabaseOption = enum.IntEnum(  # type: ignore[misc]
    "DatabaseOption", [(n, c) for n, c, _ in _DATABASE], module=__name__
)
DatabaseOption.__doc__ = "Database options; the TRANSACTION_* ones are per-transaction defaults."
TransactionOption = enum.IntEnum(  # type: ignore[misc]
    "TransactionOption", [(n, c) for n, c, _ in _TRANSACTION], module=__name__
)
TransactionOption.__doc__ = "Transaction options (`fdb_transaction_set_option`)."


class StreamingMode(enum.IntEnum):
    """How eagerly a range read fetches pages (`FDBStreamingMode`)."""

    WANT_ALL = -2
    ITERATOR = -1
    EXACT = 0
    SMALL = 1
    MEDIUM = 2
    LARGE = 3
    SERIAL = 4


class MutationType(enum.IntEnum):
    """Atomic operation codes (`FDBMutationType`); AND/OR/XOR are the deprecated aliases."""

    ADD = 2
    BIT_AND = 6
    AND = 6
    BIT_OR = 7
    OR = 7
    BIT_XOR = 8
    XOR = 8
    APPEND_IF_FITS = 9
    MAX = 12
    MIN = 13
    SET_VERSIONSTAMPED_KEY = 14
    SET_VERSIONSTAMPED_VALUE = 15
    BYTE_MIN = 16
    BYTE_MAX = 17
    COMPARE_AND_CLEAR = 20


class ConflictRangeType(enum.IntEnum):
    """Kind of a manually added conflict range."""

    READ = 0
    WRITE = 1


class ErrorPredicate(enum.IntEnum):
    """Predicates of `fdb_error_predicate`."""

    RETRYABLE = 50000
    MAYBE_COMMITTED = 50001
    RETRYABLE_NOT_COMMITTED = 50002


PARAM_KINDS: dict[type[enum.IntEnum], dict[int, ParamKind]] = {
    NetworkOption: {c: k for _, c, k in _NETWORK},
    DatabaseOption: {c: k for _, c, k in _DATABASE},
    TransactionOption: {c: k for _, c, k in _TRANSACTION},
}

OptionValue = Union[None, int, str, bytes]


def param_kind(enum_type: type[enum.IntEnum], code: int) -> ParamKind | None:
    """The parameter kind of option `code` in `enum_type`, or None for an unknown code."""
    return PARAM_KINDS[enum_type].get(int(code))


def resolve_option(enum_type: type[enum.IntEnum], option: int | str) -> int:
    """The integer code of `option`, given as a code, an enum member, or a case-insensitive
    name (`"timeout"`, `"TIMEOUT"`, `"read-your-writes-disable"`). Unknown names raise
    FoundationDB error 2007 invalid_option; unknown integer codes are left to the backend."""
    if isinstance(option, bool):
        raise TypeError(f"option must be an int code or a name, not {type(option).__name__}")
    if isinstance(option, int):
        return int(option)
    if isinstance(option, str):
        key = option.strip().upper().replace("-", "_").replace(" ", "_")
        member = enum_type.__members__.get(key)
        if member is None:
            raise error(2007, f"Option not valid in this context: {option!r}")
        return int(member)
    raise TypeError(f"option must be an int code or a name, not {type(option).__name__}")


def encode_value(kind: ParamKind | None, value: OptionValue) -> bytes | None:
    """Encode a Python option value as libfdb_c expects it.

    `int` becomes an 8-byte little-endian int64, `str` UTF-8 bytes, `bytes` itself, and None
    no parameter. With `kind` known, a mismatching Python type raises TypeError and a value for
    an option that takes none raises 2006 invalid_option_value. With `kind` None (raw code),
    the value is encoded from its Python type alone, as 0.13 did with bytes."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("option value must be int, str or bytes, not bool")
    if kind is ParamKind.NONE:
        raise error(2006, "Option does not take a parameter")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, int):
        if kind in (ParamKind.STRING, ParamKind.BYTES):
            raise TypeError(f"option value must be str or bytes for a {kind.value} option")
        if not -(2**63) <= value < 2**63:
            raise error(2006, "Option value out of the int64 range")
        return struct.pack("<q", value)
    if isinstance(value, str):
        if kind is ParamKind.INT:
            raise TypeError("option value must be an int for an integer option")
        return value.encode("utf-8")
    raise TypeError(f"option value must be int, str or bytes, not {type(value).__name__}")


def encode_option(
    enum_type: type[enum.IntEnum], option: int | str, value: OptionValue = None
) -> tuple[int, bytes | None]:
    """Resolve `option` and encode `value` for it: `(code, parameter bytes or None)`."""
    code = resolve_option(enum_type, option)
    return code, encode_value(param_kind(enum_type, code), value)
