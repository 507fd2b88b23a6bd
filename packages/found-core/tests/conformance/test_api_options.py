"""Options by raw code (0.13), by name and by enum, their encoding and their errors."""

from __future__ import annotations

import asyncio
import struct

import pytest

import found
from found import _constants, _options


def test_enum_codes_match_fdb_options() -> None:
    assert found.TransactionOption.TIMEOUT == 500
    assert found.TransactionOption.RETRY_LIMIT == 501
    assert found.TransactionOption.AUTHORIZATION_TOKEN == 2000
    assert found.DatabaseOption.TRANSACTION_TIMEOUT == 500
    assert found.NetworkOption.TRACE_ENABLE == 30
    assert found.NetworkOption.ENABLE_SLOW_TASK_PROFILING == 71
    assert found.MutationType.BIT_AND == found.MutationType.AND == 6
    assert found.StreamingMode.WANT_ALL == -2 and found.StreamingMode.SERIAL == 4
    assert found.ConflictRangeType.WRITE == 1
    assert found.ErrorPredicate.RETRYABLE_NOT_COMMITTED == 50002


def test_0_13_constants_agree_with_enums() -> None:
    assert found.FDB_TR_OPTION_TIMEOUT == 500
    assert found.FDB_DB_OPTION_MAX_WATCHES == 20
    assert found.FDB_NET_OPTION_KNOB == 40
    assert found.STREAMING_MODE_ITERATOR == -1
    assert found.CONFLICT_RANGE_TYPE_READ == 0
    assert found.ERROR_PREDICATE_MAYBE_COMMITTED == 50001
    pairs = [
        ("FDB_NET_OPTION_", found.NetworkOption),
        ("FDB_DB_OPTION_", found.DatabaseOption),
        ("FDB_TR_OPTION_", found.TransactionOption),
        ("STREAMING_MODE_", found.StreamingMode),
        ("CONFLICT_RANGE_TYPE_", found.ConflictRangeType),
        ("ERROR_PREDICATE_", found.ErrorPredicate),
        ("FDB_MUTATION_TYPE_", found.MutationType),
    ]
    expected = {p + n: int(m) for p, e in pairs for n, m in e.__members__.items()}
    actual = {name: int(getattr(_constants, name)) for name in _constants.__all__}
    assert actual == expected
    assert set(_constants.__all__) <= set(found.__all__)


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("timeout", 1000, (500, struct.pack("<q", 1000))),
        ("TIMEOUT", -1, (500, struct.pack("<q", -1))),
        ("read-your-writes-disable", None, (51, None)),
        (found.TransactionOption.TAG, "hot", (800, b"hot")),
        (800, b"raw", (800, b"raw")),
        ("span_parent", bytearray(b"\x01" * 33), (900, b"\x01" * 33)),
        (12345, None, (12345, None)),
    ],
)
def test_encode_option(option: object, value: object, expected: tuple) -> None:
    assert _options.encode_option(found.TransactionOption, option, value) == expected  # type: ignore[arg-type]


def test_encode_option_errors() -> None:
    with pytest.raises(found.InvalidOption):
        _options.encode_option(found.TransactionOption, "no_such_option")
    with pytest.raises(found.InvalidOptionValue):
        _options.encode_option(found.TransactionOption, "lock_aware", 1)
    with pytest.raises(found.InvalidOptionValue):
        _options.encode_option(found.TransactionOption, "timeout", 2**63)
    with pytest.raises(TypeError, match="int"):
        _options.encode_option(found.TransactionOption, "timeout", "1000")
    with pytest.raises(TypeError, match="str or bytes"):
        _options.encode_option(found.TransactionOption, "tag", 5)
    with pytest.raises(TypeError):
        _options.encode_option(found.TransactionOption, "timeout", True)
    with pytest.raises(TypeError):
        _options.encode_option(found.TransactionOption, 1.5)  # type: ignore[arg-type]


async def test_set_option_by_name_and_code(db: found.Database) -> None:
    async def work(tx: found.Transaction) -> bytes | None:
        found.set_option(tx, "timeout", 60_000)
        found.set_option(tx, found.FDB_TR_OPTION_RETRY_LIMIT, struct.pack("<q", 5))
        found.set_option(tx, found.TransactionOption.MAX_RETRY_DELAY, 100)
        found.set_option(tx, "priority_batch")
        found.set(tx, b"k", b"v")
        return await found.get(tx, b"k")

    assert await found.transactional(db, work) == b"v"


async def test_set_option_rejects_unknown_and_bad_values(db: found.Database) -> None:
    tx = found.make_transaction(db)
    with pytest.raises(found.InvalidOption):
        found.set_option(tx, "definitely_not_an_option")
    with pytest.raises(found.InvalidOption):
        found.set_option(tx, 424242)
    with pytest.raises(found.InvalidOptionValue):
        found.set_option(tx, "lock_aware", b"x")
    with pytest.raises(TypeError, match="tx"):
        found.set_option(object(), "timeout", 1)  # type: ignore[arg-type]
    found.cancel(tx)


async def test_timeout_option_fails_reads_with_1031(db: found.Database) -> None:
    tx = found.make_transaction(db)
    found.set_option(tx, "timeout", 1)
    await asyncio.sleep(0.05)
    with pytest.raises(found.TransactionTimedOut):
        await found.get(tx, b"k")


async def test_database_option_by_name_is_a_transaction_default(db: found.Database) -> None:
    found.database_set_option(db, "transaction_retry_limit", 0)
    attempts = []

    async def conflicting(tx: found.Transaction) -> None:
        attempts.append(1)
        raise found._errors.error(1020)

    with pytest.raises(found.NotCommitted):
        await found.transactional(db, conflicting)
    assert len(attempts) == 1
    with pytest.raises(found.InvalidOption):
        found.database_set_option(db, "no_such_db_option")
    with pytest.raises(TypeError, match="db"):
        found.database_set_option("db", "max_watches", 1)  # type: ignore[arg-type]


def test_network_options_are_validated() -> None:
    with pytest.raises(found.InvalidOption):
        found.network_set_option("no_such_network_option")
    with pytest.raises(found.InvalidOptionValue):
        found.network_set_option("buggify_enable", b"x")
    with pytest.raises(TypeError, match="callable"):
        found.add_network_thread_completion_hook(42)  # type: ignore[arg-type]


def test_client_version_is_a_string() -> None:
    version = found.get_client_version()
    assert isinstance(version, str) and version
