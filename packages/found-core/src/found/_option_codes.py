"""The codes of FoundationDB's network, database and transaction options (API 730, as in
`fdb.options`) and which of them take a parameter, and of which kind.

Data only; `found._options` holds the logic that resolves and encodes options.
"""

from __future__ import annotations

import enum


class ParamKind(enum.Enum):
    """What an option's parameter is: nothing, an int64, a UTF-8 string, or raw bytes."""

    NONE = "none"
    INT = "int"
    STRING = "string"
    BYTES = "bytes"


class NetworkOption(enum.IntEnum):
    """Network options (`fdb_network_set_option`), set before the network starts."""

    LOCAL_ADDRESS = 10
    CLUSTER_FILE = 20
    TRACE_ENABLE = 30
    TRACE_ROLL_SIZE = 31
    TRACE_MAX_LOGS_SIZE = 32
    TRACE_LOG_GROUP = 33
    TRACE_FORMAT = 34
    TRACE_CLOCK_SOURCE = 35
    TRACE_FILE_IDENTIFIER = 36
    TRACE_SHARE_AMONG_CLIENT_THREADS = 37
    TRACE_INITIALIZE_ON_SETUP = 38
    TRACE_PARTIAL_FILE_SUFFIX = 39
    KNOB = 40
    TLS_PLUGIN = 41
    TLS_CERT_BYTES = 42
    TLS_CERT_PATH = 43
    TLS_KEY_BYTES = 45
    TLS_KEY_PATH = 46
    TLS_VERIFY_PEERS = 47
    BUGGIFY_ENABLE = 48
    BUGGIFY_DISABLE = 49
    BUGGIFY_SECTION_ACTIVATED_PROBABILITY = 50
    BUGGIFY_SECTION_FIRED_PROBABILITY = 51
    TLS_CA_BYTES = 52
    TLS_CA_PATH = 53
    TLS_PASSWORD = 54
    DISABLE_MULTI_VERSION_CLIENT_API = 60
    CALLBACKS_ON_EXTERNAL_THREADS = 61
    EXTERNAL_CLIENT_LIBRARY = 62
    EXTERNAL_CLIENT_DIRECTORY = 63
    DISABLE_LOCAL_CLIENT = 64
    CLIENT_THREADS_PER_VERSION = 65
    FUTURE_VERSION_CLIENT_LIBRARY = 66
    RETAIN_CLIENT_LIBRARY_COPIES = 67
    IGNORE_EXTERNAL_CLIENT_FAILURES = 68
    FAIL_INCOMPATIBLE_CLIENT = 69
    DISABLE_CLIENT_STATISTICS_LOGGING = 70
    ENABLE_RUN_LOOP_PROFILING = 71
    ENABLE_SLOW_TASK_PROFILING = 71
    DISABLE_CLIENT_BYPASS = 72
    CLIENT_BUGGIFY_ENABLE = 80
    CLIENT_BUGGIFY_DISABLE = 81
    CLIENT_BUGGIFY_SECTION_ACTIVATED_PROBABILITY = 82
    CLIENT_BUGGIFY_SECTION_FIRED_PROBABILITY = 83
    DISTRIBUTED_CLIENT_TRACER = 90
    CLIENT_TMP_DIR = 91
    SUPPORTED_CLIENT_VERSIONS = 1000
    EXTERNAL_CLIENT = 1001
    EXTERNAL_CLIENT_TRANSPORT_ID = 1002


class DatabaseOption(enum.IntEnum):
    """Database options; the TRANSACTION_* ones are per-transaction defaults."""

    LOCATION_CACHE_SIZE = 10
    MAX_WATCHES = 20
    MACHINE_ID = 21
    DATACENTER_ID = 22
    SNAPSHOT_RYW_ENABLE = 26
    SNAPSHOT_RYW_DISABLE = 27
    TRANSACTION_LOGGING_MAX_FIELD_LENGTH = 405
    TRANSACTION_TIMEOUT = 500
    TRANSACTION_RETRY_LIMIT = 501
    TRANSACTION_MAX_RETRY_DELAY = 502
    TRANSACTION_SIZE_LIMIT = 503
    TRANSACTION_CAUSAL_READ_RISKY = 504
    TRANSACTION_INCLUDE_PORT_IN_ADDRESS = 505
    TRANSACTION_AUTOMATIC_IDEMPOTENCY = 506
    TRANSACTION_BYPASS_UNREADABLE = 700
    TRANSACTION_USED_DURING_COMMIT_PROTECTION_DISABLE = 701
    TRANSACTION_REPORT_CONFLICTING_KEYS = 702
    USE_CONFIG_DATABASE = 800
    TEST_CAUSAL_READ_RISKY = 900


class TransactionOption(enum.IntEnum):
    """Transaction options (`fdb_transaction_set_option`)."""

    CAUSAL_WRITE_RISKY = 10
    CAUSAL_READ_RISKY = 20
    CAUSAL_READ_DISABLE = 21
    INCLUDE_PORT_IN_ADDRESS = 23
    NEXT_WRITE_NO_WRITE_CONFLICT_RANGE = 30
    COMMIT_ON_FIRST_PROXY = 40
    CHECK_WRITES_ENABLE = 50
    READ_YOUR_WRITES_DISABLE = 51
    READ_AHEAD_DISABLE = 52
    DURABILITY_DATACENTER = 110
    DURABILITY_RISKY = 120
    DURABILITY_DEV_NULL_IS_WEB_SCALE = 130
    PRIORITY_SYSTEM_IMMEDIATE = 200
    PRIORITY_BATCH = 201
    INITIALIZE_NEW_DATABASE = 300
    ACCESS_SYSTEM_KEYS = 301
    READ_SYSTEM_KEYS = 302
    RAW_ACCESS = 303
    BYPASS_STORAGE_QUOTA = 304
    DEBUG_DUMP = 400
    DEBUG_RETRY_LOGGING = 401
    TRANSACTION_LOGGING_ENABLE = 402
    DEBUG_TRANSACTION_IDENTIFIER = 403
    LOG_TRANSACTION = 404
    TRANSACTION_LOGGING_MAX_FIELD_LENGTH = 405
    SERVER_REQUEST_TRACING = 406
    TIMEOUT = 500
    RETRY_LIMIT = 501
    MAX_RETRY_DELAY = 502
    SIZE_LIMIT = 503
    IDEMPOTENCY_ID = 504
    AUTOMATIC_IDEMPOTENCY = 505
    READ_SERVER_SIDE_CACHE_ENABLE = 507
    READ_SERVER_SIDE_CACHE_DISABLE = 508
    READ_PRIORITY_NORMAL = 509
    READ_PRIORITY_LOW = 510
    READ_PRIORITY_HIGH = 511
    SNAPSHOT_RYW_ENABLE = 600
    SNAPSHOT_RYW_DISABLE = 601
    LOCK_AWARE = 700
    USED_DURING_COMMIT_PROTECTION_DISABLE = 701
    READ_LOCK_AWARE = 702
    FIRST_IN_BATCH = 710
    USE_PROVISIONAL_PROXIES = 711
    REPORT_CONFLICTING_KEYS = 712
    SPECIAL_KEY_SPACE_RELAXED = 713
    SPECIAL_KEY_SPACE_ENABLE_WRITES = 714
    TAG = 800
    AUTO_THROTTLE_TAG = 801
    SPAN_PARENT = 900
    EXPENSIVE_CLEAR_COST_ESTIMATION_ENABLE = 1000
    BYPASS_UNREADABLE = 1100
    USE_GRV_CACHE = 1101
    SKIP_GRV_CACHE = 1102
    AUTHORIZATION_TOKEN = 2000


# Codes whose parameter is an int, a string or bytes; every other code takes none.
_PARAMS: dict[type[enum.IntEnum], dict[ParamKind, tuple[int, ...]]] = {
    NetworkOption: {
        ParamKind.STRING: (
            10,
            20,
            30,
            33,
            34,
            35,
            36,
            39,
            40,
            41,
            43,
            46,
            53,
            54,
            62,
            63,
            66,
            90,
            91,
            1000,
        ),
        ParamKind.INT: (
            31,
            32,
            50,
            51,
            65,
            82,
            83,
            1002,
        ),
        ParamKind.BYTES: (
            42,
            45,
            47,
            52,
        ),
    },
    DatabaseOption: {
        ParamKind.INT: (
            10,
            20,
            405,
            500,
            501,
            502,
            503,
            900,
        ),
        ParamKind.STRING: (
            21,
            22,
        ),
    },
    TransactionOption: {
        ParamKind.STRING: (
            401,
            402,
            403,
            504,
            800,
            801,
            2000,
        ),
        ParamKind.INT: (
            405,
            500,
            501,
            502,
            503,
        ),
        ParamKind.BYTES: (900,),
    },
}
