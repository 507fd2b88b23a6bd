"""Error classes, messages and predicates: the same on every backend, checked against the
7.3 table (semantics reference §3)."""

from __future__ import annotations

import pickle

import pytest

import found
from found import _error_classes, _errors

RETRYABLE_NOT_COMMITTED = {1020, 1007, 1009, 1038, 1078, 1042, 1051, 1037, 1213, 1223}
MAYBE_COMMITTED = {1021, 1039}


def test_every_code_has_a_public_class_with_a_stable_name() -> None:
    assert len(_errors.ERRORS) > 120
    for code, (name, message) in _errors.ERRORS.items():
        exc = found._errors.error(code)
        assert type(exc) is not found.FoundException
        assert type(exc).code == code == exc.code
        assert exc.message == message
        assert exc.name == name
        assert getattr(found, type(exc).__name__) is type(exc)
        assert isinstance(exc, found.FoundationDBError)
        assert isinstance(exc, found.BaseFoundException)
    assert set(_error_classes.__all__) <= set(found.__all__)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1020, "NotCommitted"),
        (1007, "TransactionTooOld"),
        (1021, "CommitUnknownResult"),
        (1025, "TransactionCancelled"),
        (1031, "TransactionTimedOut"),
        (2004, "KeyOutsideLegalRange"),
        (2101, "TransactionTooLarge"),
        (2102, "KeyTooLarge"),
        (2103, "ValueTooLarge"),
        (4100, "InternalError"),
    ],
)
def test_known_class_names(code: int, cls: str) -> None:
    assert getattr(found, cls).code == code
    with pytest.raises(getattr(found, cls)):
        raise found._errors.error(code)


def test_messages_match_fdb_get_error() -> None:
    assert found.error_message(1020) == (
        "Transaction not committed due to conflict with another transaction"
    )
    assert found.error_message(2005) == "Range begin key larger than end key"
    assert found.error_message(4000) == "An unknown error occurred"
    assert found.error_message(12345) == "UNKNOWN_ERROR"
    assert "1020" in str(found._errors.error(1020))


def test_found_exception_is_the_0_13_name() -> None:
    assert found.FoundException is found.FoundationDBError
    exc = found.FoundException(1020)
    assert exc.code == 1020 and exc.retryable
    unknown = found._errors.error(9999)
    assert type(unknown) is found.FoundException and unknown.code == 9999


@pytest.mark.parametrize("code", sorted(RETRYABLE_NOT_COMMITTED | MAYBE_COMMITTED | {1025, 2000}))
def test_predicates(code: int) -> None:
    exc = found._errors.error(code)
    assert exc.retryable_not_committed is (code in RETRYABLE_NOT_COMMITTED)
    assert exc.maybe_committed is (code in MAYBE_COMMITTED)
    assert exc.retryable is (code in RETRYABLE_NOT_COMMITTED | MAYBE_COMMITTED)
    assert found.error_predicate(found.ERROR_PREDICATE_RETRYABLE, code) is exc.retryable
    assert found.error_predicate(found.ERROR_PREDICATE_MAYBE_COMMITTED, code) is exc.maybe_committed
    assert (
        found.error_predicate(found.ERROR_PREDICATE_RETRYABLE_NOT_COMMITTED, code)
        is exc.retryable_not_committed
    )
    assert found.error_predicate(12345, code) is False


def test_error_predicate_checks_types() -> None:
    with pytest.raises(TypeError, match="predicate"):
        found.error_predicate("retryable", 1020)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="code"):
        found.error_predicate(50000, "1020")  # type: ignore[arg-type]


def test_errors_pickle_to_the_same_class() -> None:
    exc = found._errors.error(1020, "custom")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is found.NotCommitted
    assert (back.code, back.message) == (1020, "custom")


async def test_backends_raise_the_generated_classes(db: found.Database) -> None:
    async def clear_inverted(tx: found.Transaction) -> None:
        found.clear(tx, b"b", b"a")
        await found.get(tx, b"x")

    with pytest.raises(found.InvertedRange) as info:
        await found.transactional(db, clear_inverted)
    assert info.value.code == 2005
