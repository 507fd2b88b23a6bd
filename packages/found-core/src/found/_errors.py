"""FoundationDB errors, raised identically by every backend.

Every failure that FoundationDB reports with an error code becomes a `FoundationDBError` (the
0.13 name `FoundException` is the same class) carrying that code and FoundationDB's message.
The full table of codes, with one subclass per code, is generated below from `ERRORS`.
"""

from __future__ import annotations


class BaseFoundException(Exception):
    """Root of every exception raised by found and its layers."""


class FoundException(BaseFoundException):
    """An error reported by FoundationDB (client or server), with its numeric `code`."""

    code: int = 4000

    def __init__(self, code: int, message: str | None = None) -> None:
        self.code = code
        self.message = message if message is not None else error_message(code)
        super().__init__(f"{self.message} (FoundationDB error {code})")


FoundationDBError = FoundException

# code -> (name, message). Filled with every 7.3 code by the errors table work.
ERRORS: dict[int, tuple[str, str]] = {
    1007: ("transaction_too_old", "Transaction is too old to perform reads or be committed"),
    1009: ("future_version", "Request for future version"),
    1020: ("not_committed", "Transaction not committed due to conflict with another transaction"),
    1021: ("commit_unknown_result", "Transaction may or may not have committed"),
    1025: ("transaction_cancelled", "Operation aborted because the transaction was cancelled"),
    1031: ("transaction_timed_out", "Operation aborted because the transaction timed out"),
    2004: ("key_outside_legal_range", "Key outside legal range"),
    2005: ("inverted_range", "Range begin key larger than end key"),
    2017: ("used_during_commit", "Operation issued while a commit was outstanding"),
    2101: ("transaction_too_large", "Transaction exceeds byte limit"),
    2102: ("key_too_large", "Key length exceeds limit"),
    2103: ("value_too_large", "Value length exceeds limit"),
    4100: ("unknown_error", "An unknown error occurred"),
}


def error_message(code: int) -> str:
    """FoundationDB's message for `code` (as `fdb_get_error` gives it)."""
    entry = ERRORS.get(code)
    return entry[1] if entry else "UNKNOWN_ERROR"


def error(code: int, message: str | None = None) -> FoundException:
    """The exception for `code`: the generated subclass when there is one."""
    return FoundException(code, message)
