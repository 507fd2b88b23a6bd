"""Transaction options of the embedded backend, validated as libfdb_c validates them.

`TxOptions` is the option state of one transaction. `set_option` decodes and range-checks a
parameter (2006 invalid_option_value on a bad one) and records its effect; an unknown code is
2007 invalid_option. The transaction raises these at the right moment: 2007 at once, the
others as its deferred error (semantics reference §1.6, §10).

Options that change nothing for a single-process engine (priorities, tracing, tags, caching,
durability, causal-risk flags, ...) are accepted by name in `NO_OP_OPTIONS`, with their
parameter checked, so code written for a cluster runs unchanged.
"""

from __future__ import annotations

import struct
from typing import Optional

from .._errors import error
from .._options import PARAM_KINDS, DatabaseOption, ParamKind, TransactionOption

INT_MAX = 2**31 - 1
SIZE_LIMIT_DEFAULT = 10_000_000
MAX_WATCHES_DEFAULT = 10_000

NEXT_WRITE_NO_WRITE_CONFLICT_RANGE = 30
READ_YOUR_WRITES_DISABLE = 51
ACCESS_SYSTEM_KEYS = 301
READ_SYSTEM_KEYS = 302
RAW_ACCESS = 303
DEBUG_TRANSACTION_IDENTIFIER = 403
LOG_TRANSACTION = 404
TRANSACTION_LOGGING_MAX_FIELD_LENGTH = 405
TIMEOUT = 500
RETRY_LIMIT = 501
MAX_RETRY_DELAY = 502
SIZE_LIMIT = 503
IDEMPOTENCY_ID = 504
SNAPSHOT_RYW_ENABLE = 600
SNAPSHOT_RYW_DISABLE = 601
USED_DURING_COMMIT_PROTECTION_DISABLE = 701
SPAN_PARENT = 900
READ_LOCK_AWARE = 702
REPORT_CONFLICTING_KEYS = 712
BYPASS_UNREADABLE = 1100

#: Options that persist across `on_error` (semantics reference §3.3).
PERSISTENT = frozenset({TIMEOUT, RETRY_LIMIT, MAX_RETRY_DELAY, 2000})

#: Accepted and checked, with no effect on a single-process engine.
NO_OP_OPTIONS = frozenset(
    {
        10,
        20,
        21,
        23,
        40,
        50,
        52,
        110,
        120,
        130,
        200,
        201,
        300,
        304,
        400,
        401,
        402,
        406,
        505,
        507,
        508,
        509,
        510,
        511,
        700,
        710,
        711,
        713,
        714,
        800,
        801,
        1000,
        1101,
        1102,
        2000,
    }
)

#: Database option code -> the transaction option it is the default for (§10.2).
DB_DEFAULTS = {
    405: 405,
    500: 500,
    501: 501,
    502: 502,
    503: 503,
    504: 20,
    505: 23,
    506: 505,
    700: 1100,
    701: 701,
    702: 712,
}

_TX_KINDS = PARAM_KINDS[TransactionOption]
_DB_KINDS = PARAM_KINDS[DatabaseOption]


def decode_param(kind: ParamKind, value: Optional[bytes]) -> Optional[object]:
    """Check an encoded parameter against its kind; int parameters come back as int."""
    if kind is ParamKind.NONE:
        if value:
            raise error(2006)
        return None
    if kind is ParamKind.INT:
        if value is None or len(value) != 8:
            raise error(2006)
        return struct.unpack("<q", value)[0]
    if value is None:
        return None
    if kind is ParamKind.STRING:
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise error(2006) from None
    return bytes(value)


def _ranged(number: object, low: int, high: int) -> int:
    if not isinstance(number, int) or not low <= number <= high:
        raise error(2006)
    return number


def tx_param_kind(code: int) -> ParamKind:
    """The parameter kind of a transaction option; 2007 for an unknown code."""
    kind = _TX_KINDS.get(code)
    if kind is None:
        raise error(2007)
    return kind


def db_param_kind(code: int) -> ParamKind:
    """The parameter kind of a database option; 2007 for an unknown code."""
    kind = _DB_KINDS.get(code)
    if kind is None:
        raise error(2007)
    return kind


class TxOptions:
    """The effective option state of one transaction attempt."""

    __slots__ = (
        "bypass_unreadable",
        "debug_identifier",
        "max_retry_delay_ms",
        "next_write_no_conflict",
        "persistent",
        "raw_access",
        "read_lock_aware",
        "read_system",
        "report_conflicting_keys",
        "retry_limit",
        "ryw_disabled",
        "size_limit",
        "snapshot_ryw",
        "timeout_ms",
        "udc_protection_disabled",
        "write_system",
    )

    def __init__(self, snapshot_ryw: int = 1) -> None:
        self.timeout_ms = 0
        self.retry_limit = -1
        self.max_retry_delay_ms = 1000
        self.size_limit = SIZE_LIMIT_DEFAULT
        self.ryw_disabled = False
        self.snapshot_ryw = snapshot_ryw
        self.read_system = False
        self.write_system = False
        self.raw_access = False
        self.next_write_no_conflict = False
        self.bypass_unreadable = False
        self.udc_protection_disabled = False
        self.read_lock_aware = False
        self.report_conflicting_keys = False
        self.debug_identifier: Optional[str] = None
        #: persistent options set on the transaction itself, re-applied after on_error
        self.persistent: dict[int, Optional[bytes]] = {}

    def apply(self, code: int, value: Optional[bytes]) -> None:
        """Record option `code`; raises 2006/2007 (and 2000 for misuse) on bad input."""
        param = decode_param(tx_param_kind(code), value)
        if code == TIMEOUT:
            self.timeout_ms = _ranged(param, 0, INT_MAX)
        elif code == RETRY_LIMIT:
            self.retry_limit = _ranged(param, -1, INT_MAX)
        elif code == MAX_RETRY_DELAY:
            self.max_retry_delay_ms = _ranged(param, 0, INT_MAX)
        elif code == SIZE_LIMIT:
            self.size_limit = _ranged(param, 32, SIZE_LIMIT_DEFAULT)
        elif code == READ_YOUR_WRITES_DISABLE:
            self.ryw_disabled = True
        elif code == SNAPSHOT_RYW_ENABLE:
            self.snapshot_ryw += 1
        elif code == SNAPSHOT_RYW_DISABLE:
            self.snapshot_ryw -= 1
        elif code == ACCESS_SYSTEM_KEYS:
            self.read_system = self.write_system = self.raw_access = True
        elif code == READ_SYSTEM_KEYS:
            self.read_system = self.raw_access = True
        elif code == RAW_ACCESS:
            self.raw_access = True
        elif code == NEXT_WRITE_NO_WRITE_CONFLICT_RANGE:
            self.next_write_no_conflict = True
        elif code == BYPASS_UNREADABLE:
            self.bypass_unreadable = True
        elif code == USED_DURING_COMMIT_PROTECTION_DISABLE:
            self.udc_protection_disabled = True
        elif code == READ_LOCK_AWARE:
            self.read_lock_aware = True
        elif code == REPORT_CONFLICTING_KEYS:
            self.report_conflicting_keys = True
        else:
            self._apply_checked_no_op(code, param)
        if code in PERSISTENT:
            self.persistent[code] = value

    def _apply_checked_no_op(self, code: int, param: object) -> None:
        if code == DEBUG_TRANSACTION_IDENTIFIER:
            if not isinstance(param, str) or not 1 <= len(param.encode()) <= 100:
                raise error(2006)
            if self.debug_identifier is not None and self.debug_identifier != param:
                raise error(2000)
            self.debug_identifier = param
        elif code == LOG_TRANSACTION:
            if self.debug_identifier is None:
                raise error(2000)
        elif code == TRANSACTION_LOGGING_MAX_FIELD_LENGTH:
            if param == 0 or not isinstance(param, int) or param > INT_MAX:
                raise error(2006)
        elif code == IDEMPOTENCY_ID:
            if not isinstance(param, str) or not 16 <= len(param.encode()) < 256:
                raise error(2007)
        elif code == SPAN_PARENT:
            if not isinstance(param, bytes) or len(param) != 33:
                raise error(2006)
        elif code not in NO_OP_OPTIONS:
            raise error(2007)

    @property
    def max_read_key(self) -> bytes:
        """Exclusive upper bound of readable keys (`\\xff`, or `\\xff\\xff` with system access)."""
        return b"\xff\xff" if self.read_system else b"\xff"

    @property
    def max_write_key(self) -> bytes:
        """Exclusive upper bound of writable keys."""
        return b"\xff\xff" if self.write_system else b"\xff"

    def max_key_size(self, key: bytes) -> int:
        """Largest key that may be written (`getMaxWriteKeySize`)."""
        if key.startswith(b"\xff"):
            return 30_000
        return 10_000 + (8 if self.raw_access else 0)

    def consume_no_write_conflict(self) -> bool:
        """True if this write adds a write-conflict range; consumes the one-shot option."""
        disabled = self.next_write_no_conflict
        self.next_write_no_conflict = False
        return not disabled
