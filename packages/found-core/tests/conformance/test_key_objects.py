"""Keys as objects: wherever a key is expected, an object with `as_foundationdb_key()` (a
`found.Subspace`, a `DirectorySubspace`, any user class) stands for the bytes it returns, as
in FoundationDB's bindings. Values stay bytes only. Anything else is a TypeError naming the
type. Each entry point is checked on every backend."""

from __future__ import annotations

import struct
from typing import Any

import pytest

import found


class Key:
    """A user-defined key object."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_foundationdb_key(self) -> bytes:
        return self.raw


class BadKey:
    """Claims to be a key but returns a str."""

    def as_foundationdb_key(self) -> Any:
        return "not bytes"


async def _pairs(db: found.Database, begin: bytes = b"", end: bytes = b"\xff") -> list[Any]:
    async def run(tx: found.Transaction) -> list[Any]:
        return await found.get_range(tx, begin, end)

    return await found.transactional(db, run)


async def test_set_get_clear_take_key_objects(db: found.Database) -> None:
    space = found.Subspace(("objs",))

    async def write(tx: found.Transaction) -> None:
        found.set(tx, Key(b"k1"), b"v1")
        found.set(tx, space, b"prefix itself")
        await found.set(tx, Key(b"k2"), b"v2")
        found.set(tx, bytearray(b"k3"), b"v3")

    await found.transactional(db, write)

    async def read(tx: found.Transaction) -> list[Any]:
        return [await found.get(tx, k) for k in (Key(b"k1"), space, b"k2", Key(b"k3"))]

    assert await found.transactional(db, read) == [b"v1", b"prefix itself", b"v2", b"v3"]

    async def clear(tx: found.Transaction) -> None:
        found.clear(tx, Key(b"k1"))
        found.clear(tx, space)
        found.clear(tx, Key(b"k2"), Key(b"k3"))  # [k2, k3): k3 stays

    await found.transactional(db, clear)
    assert await _pairs(db) == [(b"k3", b"v3")]


async def test_range_reads_take_key_objects(db: found.Database) -> None:
    space = found.Subspace(("r",))

    async def write(tx: found.Transaction) -> None:
        for i in range(5):
            found.set(tx, space.pack((i,)), b"%d" % i)
        found.set(tx, b"s", b"after")

    await found.transactional(db, write)
    expected = [(space.pack((i,)), b"%d" % i) for i in range(5)]

    async def read(tx: found.Transaction) -> list[Any]:
        end = Key(found.next_prefix(space))  # next_prefix takes a key object too
        return [
            [kv async for kv in found.query(tx, space, end)],
            await found.get_range(tx, space, end),
            await found.get_range(tx, Key(space.pack((1,))), Key(space.pack((3,)))),
            [kv async for kv in found.query(tx, end, space)],  # descending, 0.13 order
            await found.get_range(tx, found.gte(space), found.lt(end, 1)),
            await found.get_range(tx, found.KeySelector(Key(space.pack((2,))), False, 1), end),
        ]

    full, listed, middle, descending, selectors, raw_selector = await found.transactional(db, read)
    assert full == listed == selectors == expected
    assert middle == expected[1:3]
    assert descending == expected[::-1]
    assert raw_selector == expected[2:]


async def test_get_key_selectors_take_key_objects(db: found.Database) -> None:
    async def write(tx: found.Transaction) -> None:
        for key in (b"a", b"b", b"c"):
            found.set(tx, key, b"")

    await found.transactional(db, write)

    async def read(tx: found.Transaction) -> list[bytes]:
        return [
            await found.get_key(tx, Key(b"b")),
            await found.get_key(tx, found.gt(Key(b"b"))),
            await found.get_key(tx, found.lt(Key(b"b"))),
            await found.get_key(tx, found.lte(Key(b"b"))),
            await found.get_key(tx, found.KeySelector(Key(b"b"), True, 1)),
        ]

    assert await found.transactional(db, read) == [b"b", b"c", b"a", b"b", b"c"]


async def test_atomic_ops_take_key_objects(db: found.Database) -> None:
    async def write(tx: found.Transaction) -> None:
        found.add(tx, Key(b"n"), struct.pack("<q", 3))
        found.add(tx, Key(b"n"), struct.pack("<q", 4))
        found.byte_max(tx, Key(b"m"), b"zz")
        found.compare_and_clear(tx, Key(b"m"), b"zz")

    await found.transactional(db, write)
    assert await _pairs(db) == [(b"n", struct.pack("<q", 7))]


async def test_versionstamped_key_takes_a_key_object(db: found.Database) -> None:
    space = found.Subspace(("vs",))

    async def write(tx: found.Transaction) -> None:
        key = space.pack_with_versionstamp((found.Versionstamp(),))
        found.set_versionstamped_key(tx, Key(key), b"stamped")

    await found.transactional(db, write)
    rows = await _pairs(db, space.key(), found.next_prefix(space))
    assert len(rows) == 1 and rows[0][1] == b"stamped"
    (stamp,) = space.unpack(rows[0][0])
    assert isinstance(stamp, found.Versionstamp) and stamp.is_complete()


async def test_watch_and_conflict_ranges_take_key_objects(db: found.Database) -> None:
    tx = found.make_transaction(db)
    try:
        found.add_conflict_range(tx, Key(b"a"), Key(b"c"), "read")
        found.add_conflict_range(tx, Key(b"x"), Key(b"y"), "write")
        watch = found.watch(tx, Key(b"w"))
        await found.commit(tx)
    finally:
        found._transaction.destroy(tx)
    await found.transactional(db, found.set, Key(b"w"), b"changed")
    await watch


async def test_conflict_range_from_key_objects_conflicts(db: found.Database) -> None:
    first = found.make_transaction(db)
    second = found.make_transaction(db)
    try:
        await found.read_version(first)
        found.add_conflict_range(first, Key(b"a"), Key(b"c"))
        found.set(first, b"other", b"")
        found.set(second, Key(b"b"), b"")
        await found.commit(second)
        with pytest.raises(found.FoundException) as info:
            await found.commit(first)
        assert info.value.code == 1020
    finally:
        found._transaction.destroy(first)
        found._transaction.destroy(second)


async def test_range_metadata_takes_key_objects(db: found.Database) -> None:
    await found.transactional(db, found.set, b"m", b"x" * 100)

    async def read(tx: found.Transaction) -> list[Any]:
        return [
            await found.estimated_size_bytes(tx, Key(b""), Key(b"\xff")),
            await found.get_range_split_points(tx, Key(b"a"), Key(b"z"), 1000),
            await found.get_addresses_for_key(tx, Key(b"m")),
        ]

    size, points, addresses = await found.transactional(db, read)
    assert size >= 0
    assert points[0] == b"a" and points[-1] == b"z"
    assert addresses and all(isinstance(a, str) for a in addresses)


async def test_directory_subspace_is_a_key(db: found.Database) -> None:
    users = await found.directory.create_or_open(db, ("keys", "users"))

    async def run(tx: found.Transaction) -> Any:
        found.set(tx, users, b"the directory's own key")
        found.set(tx, users.pack(("ann",)), b"1")
        return (
            await found.get(tx, users),
            await found.get_range(tx, users.pack(("a",)), found.next_prefix(users)),
        )

    own, rows = await found.transactional(db, run)
    assert own == b"the directory's own key"
    assert rows == [(users.pack(("ann",)), b"1")]


@pytest.mark.parametrize("bad", [1, "text", 2.5, None, ("tuple",), BadKey()])
async def test_non_keys_are_type_errors_naming_the_type(db: found.Database, bad: Any) -> None:
    name = type(bad).__name__

    async def run(tx: found.Transaction) -> None:
        calls = [
            lambda: found.set(tx, bad, b"v"),
            lambda: found.clear(tx, bad),
            lambda: found.add(tx, bad, b"\x01"),
            lambda: found.watch(tx, bad),
            lambda: found.add_conflict_range(tx, bad, b"z"),
            lambda: found.gte(bad),
            lambda: found.next_prefix(bad),
        ]
        if bad is not None:  # clear(tx, key, None) clears one key
            calls.append(lambda: found.clear(tx, b"a", bad))
        for call in calls:
            with pytest.raises(TypeError, match=name):
                call()
        for coro in (
            lambda: found.get(tx, bad),
            lambda: found.get_key(tx, bad),
            lambda: found.get_range(tx, bad, b"z"),
            lambda: found.get_range(tx, b"a", found.KeySelector(bad, False, 1)),
            lambda: found.estimated_size_bytes(tx, bad, b"z"),
        ):
            with pytest.raises(TypeError, match=name):
                await coro()
        with pytest.raises(TypeError, match=name):
            [kv async for kv in found.query(tx, b"a", bad)]

    await found.transactional(db, run)


async def test_values_are_bytes_only(db: found.Database) -> None:
    async def run(tx: found.Transaction) -> None:
        with pytest.raises(TypeError, match="Key"):
            found.set(tx, b"k", Key(b"v"))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="Subspace"):
            found.add(tx, b"k", found.Subspace(("p",)))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="str"):
            found.set(tx, Key(b"k"), "v")  # type: ignore[arg-type]

    await found.transactional(db, run)


async def test_partition_root_refuses_to_be_a_key(db: found.Database) -> None:
    partition = await found.directory.create_or_open(db, ("keys", "part"), layer=b"partition")

    async def run(tx: found.Transaction) -> None:
        with pytest.raises(found.DirectoryError):
            found.set(tx, partition, b"v")

    await found.transactional(db, run)
