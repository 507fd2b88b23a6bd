"""The 0.13 functions one by one: writes (awaited or not), clears, atomic operations,
versionstamps, watches, versions, sizes, conflict ranges and the small utilities."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

import pytest

import found


async def _all_pairs(db: found.Database) -> list[tuple[bytes, bytes]]:
    async def run(tx: found.Transaction) -> list[tuple[bytes, bytes]]:
        return await found.all(found.query(tx, b"", b"\xff"))

    return await found.transactional(db, run)


async def test_writes_work_awaited_or_not(db: found.Database) -> None:
    async def write(tx: found.Transaction) -> None:
        await found.set(tx, b"a", b"1")
        found.set(tx, b"b", b"2")
        await found.add(tx, b"n", struct.pack("<q", 5))
        found.add(tx, b"n", struct.pack("<q", 2))

    await found.transactional(db, write)
    # 0.13 passes write functions straight to transactional.
    await found.transactional(db, found.set, b"c", b"3")
    assert await _all_pairs(db) == [
        (b"a", b"1"),
        (b"b", b"2"),
        (b"c", b"3"),
        (b"n", struct.pack("<q", 7)),
    ]


async def test_clear_key_and_range(db: found.Database) -> None:
    async def fill(tx: found.Transaction) -> None:
        for key in (b"a", b"b", b"c", b"d"):
            found.set(tx, key, key)

    await found.transactional(db, fill)
    await found.transactional(db, found.clear, b"a")
    await found.transactional(db, found.clear, b"b", b"d")
    assert await _all_pairs(db) == [(b"d", b"d")]


@pytest.mark.parametrize(
    ("op", "existing", "param", "expected"),
    [
        ("add", b"\x01\x00", b"\xff\x00", b"\x00\x01"),
        ("bit_and", b"\x0f", b"\x3c", b"\x0c"),
        ("bit_or", b"\x0f", b"\x30", b"\x3f"),
        ("bit_xor", b"\x0f", b"\xff", b"\xf0"),
        ("max", b"\x02", b"\x01", b"\x02"),
        ("min", b"\x02", b"\x01", b"\x01"),
        ("byte_max", b"ab", b"b", b"b"),
        ("byte_min", b"ab", b"b", b"ab"),
        ("append_if_fits", b"ab", b"cd", b"abcd"),
        ("compare_and_clear", b"ab", b"ab", None),
        ("compare_and_clear", b"ab", b"xx", b"ab"),
        ("add", None, b"\x05", b"\x05"),
        ("min", None, b"\x05", b"\x05"),
    ],
)
async def test_atomic_operations(
    db: found.Database, op: str, existing: Any, param: bytes, expected: Any
) -> None:
    if existing is not None:
        await found.transactional(db, found.set, b"key", existing)
    await found.transactional(db, getattr(found, op), b"key", param)

    async def read(tx: found.Transaction) -> Any:
        return await found.get(tx, b"key")

    assert await found.transactional(db, read) == expected


async def test_versionstamps(db: found.Database) -> None:
    key = found.pack_with_versionstamp((b"log", found.Versionstamp()))
    value = found.pack_with_versionstamp(("v", found.Versionstamp()))
    tx = found.make_transaction(db)
    found.set_versionstamped_key(tx, key, b"payload")
    found.set_versionstamped_value(tx, b"pointer", value)
    stamp_future = found.get_versionstamp(tx)
    await found.commit(tx)
    stamp = await stamp_future
    assert isinstance(stamp, bytes) and len(stamp) == 10
    assert int.from_bytes(stamp[:8], "big") == found.get_committed_version(tx)
    pairs = dict(await _all_pairs(db))
    written_key = found.pack((b"log", found.Versionstamp(stamp)))
    assert pairs[written_key] == b"payload"
    assert found.unpack(pairs[b"pointer"]) == ("v", found.Versionstamp(stamp))


async def test_read_only_commit_has_no_versionstamp(db: found.Database) -> None:
    tx = found.make_transaction(db)
    stamp = found.get_versionstamp(tx)
    await found.get(tx, b"k")
    await found.commit(tx)
    assert found.get_committed_version(tx) == -1
    with pytest.raises(found.NoCommitVersion):
        await stamp


async def test_watch_fires_after_another_commit(db: found.Database) -> None:
    async def register(tx: found.Transaction) -> asyncio.Future[None]:
        return found.watch(tx, b"watched")

    watch = await found.transactional(db, register)
    assert not watch.done()
    await found.transactional(db, found.set, b"watched", b"new")
    await asyncio.wait_for(watch, timeout=30)
    assert watch.result() is None


async def test_versions(db: found.Database) -> None:
    await found.transactional(db, found.set, b"k", b"old")
    tx = found.make_transaction(db)
    version = await found.read_version(tx)
    assert isinstance(version, int) and version > 0
    await found.transactional(db, found.set, b"k", b"new")
    old = found.make_transaction(db)
    await found.set_read_version(old, version)
    assert await found.read_version(old) == version
    assert await found.get(old, b"k") == b"old"
    with pytest.raises(TypeError, match="version"):
        found.set_read_version(old, "1")  # type: ignore[arg-type]


async def test_sizes_and_locality(db: found.Database) -> None:
    async def fill(tx: found.Transaction) -> int:
        for i in range(20):
            found.set(tx, bytes([i]), b"\xff" * 1000)
        return await found.get_approximate_size(tx)

    assert await found.transactional(db, fill) >= 20 * 1000

    async def inspect(tx: found.Transaction) -> Any:
        return (
            await found.estimated_size_bytes(tx, b"\x00", b"\xff"),
            await found.get_range_split_points(tx, b"\x00", b"\xff", 1000),
            await found.get_addresses_for_key(tx, b"\x01"),
        )

    size, points, addresses = await found.transactional(db, inspect)
    assert isinstance(size, int) and size >= 0
    assert points[0] == b"\x00" and points[-1] == b"\xff"
    assert points == sorted(points)
    assert isinstance(addresses, list) and all(isinstance(a, str) for a in addresses)


async def test_add_conflict_range_makes_a_conflict(db: found.Database) -> None:
    tx = found.make_transaction(db)
    await found.read_version(tx)
    found.add_conflict_range(tx, b"a", b"c", found.CONFLICT_RANGE_TYPE_READ)
    found.add_conflict_range(tx, b"x", b"y", "write")
    await found.transactional(db, found.set, b"b", b"other")
    with pytest.raises(found.NotCommitted):
        await found.commit(tx)
    tx2 = found.make_transaction(db)
    with pytest.raises(found.InvertedRange):
        found.add_conflict_range(tx2, b"c", b"a", found.CONFLICT_RANGE_TYPE_WRITE)
    with pytest.raises(ValueError, match="conflict_type"):
        found.add_conflict_range(tx2, b"a", b"c", "both")


async def test_cancel_and_reset(db: found.Database) -> None:
    tx = found.make_transaction(db)
    found.set(tx, b"k", b"v")
    found.cancel(tx)
    with pytest.raises(found.TransactionCancelled):
        await found.get(tx, b"k")
    found.reset(tx)
    assert await found.get(tx, b"k") is None


def test_next_prefix() -> None:
    assert found.next_prefix(b"ab") == b"ac"
    assert found.next_prefix(b"a\xff\xff") == b"b"
    with pytest.raises(ValueError):
        found.next_prefix(b"\xff\xff")
    with pytest.raises(ValueError):
        found.next_prefix(b"")


async def test_co_all_limit() -> None:
    @found.co
    def double(x: int) -> int:
        return 2 * x

    assert await double(21) == 42

    async def numbers() -> Any:
        for i in range(10):
            yield i

    assert await found.all(numbers()) == list(range(10))
    assert await found.all(found.limit(numbers(), 3)) == [0, 1, 2]
    assert await found.all(found.limit(numbers(), 0)) == []


def test_limits_constants() -> None:
    assert found.MAX_SIZE_KEY == 10**4
    assert found.MAX_SIZE_VALUE == 10**5
    assert found.MAX_SIZE_TRANSACTION == 10**7


def test_public_names() -> None:
    for name in found.__all__:
        assert hasattr(found, name), name
    readme_names = [
        "open",
        "transactional",
        "transaction",
        "Hooks",
        "make_hooks",
        "TransactionStats",
        "get",
        "set",
        "pack",
        "pack_with_versionstamp",
        "unpack",
        "has_incomplete_versionstamp",
        "Versionstamp",
        "clear",
        "query",
        "get_key",
        "commit",
        "on_error",
        "reset",
        "cancel",
        "get_committed_version",
        "get_approximate_size",
        "get_versionstamp",
        "add_conflict_range",
        "set_option",
        "watch",
        "get_range_split_points",
        "estimated_size_bytes",
        "next_prefix",
        "lt",
        "lte",
        "gt",
        "gte",
        "read_version",
        "set_read_version",
        "co",
        "all",
        "limit",
        "add",
        "bit_and",
        "bit_or",
        "bit_xor",
        "max",
        "byte_max",
        "min",
        "byte_min",
        "set_versionstamped_key",
        "set_versionstamped_value",
        "append_if_fits",
        "compare_and_clear",
        "get_client_version",
        "get_addresses_for_key",
        "database_set_option",
        "network_set_option",
        "add_network_thread_completion_hook",
        "error_predicate",
        "BaseFoundException",
        "FoundException",
        "make_transaction",
        "SingleFloat",
        "range",
        "compare",
        "MAX_SIZE_KEY",
        "MAX_SIZE_VALUE",
        "MAX_SIZE_TRANSACTION",
    ]
    assert set(readme_names) <= set(found.__all__)
