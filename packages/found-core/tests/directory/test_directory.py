"""The directory layer's API on every backend: opening and creating, layers, moves, removal,
listing, partitions, manual prefixes, the format version, and the official error messages."""

from __future__ import annotations

import struct

import pytest

import found
from found import DirectoryLayer, DirectoryPartition, DirectorySubspace, Subspace
from found._directory import DirectoryError, DirectoryValueError

VERSION_KEY = b"\xfe\x01\xfe\x00\x01version\x00"


async def dump(db: found.Database) -> list:
    async def read(tx: found.Transaction) -> list:
        return [kv async for kv in found.query(tx, b"", b"\xff")]

    return await found.transactional(db, read)


async def test_create_open_and_layers(db: found.Database) -> None:
    d = found.directory
    users = await d.create_or_open(db, ("app", "users"), layer=b"table")
    assert isinstance(users, DirectorySubspace)
    assert users.get_path() == ("app", "users") and users.get_layer() == b"table"
    assert await d.open(db, ("app", "users")) == users
    assert await d.open(db, ("app", "users"), layer=b"table") == users
    assert (await d.open(db, "app")).get_layer() == b""
    with pytest.raises(ValueError, match="incompatible layer"):
        await d.open(db, ("app", "users"), layer=b"other")
    with pytest.raises(ValueError, match="already exists"):
        await d.create(db, ("app", "users"))
    with pytest.raises(ValueError, match="does not exist"):
        await d.open(db, ("app", "nobody"))
    with pytest.raises(ValueError, match="root directory cannot be opened"):
        await d.create_or_open(db, ())
    assert await d.exists(db, ("app", "users")) and not await d.exists(db, "nobody")
    assert await d.exists(db) is True
    assert await d.list(db) == ["app"] and await d.list(db, "app") == ["users"]
    assert await users.list(db) == []
    with pytest.raises(ValueError, match="does not exist"):
        await d.list(db, "nobody")
    # The version is written by the first write, as three little-endian uint32.
    assert dict(await dump(db))[VERSION_KEY] == struct.pack("<III", 1, 0, 0)


async def test_paths_relative_to_a_directory(db: found.Database) -> None:
    app = await found.directory.create(db, "app")
    child = await app.create(db, ("a", "b"))
    assert child.get_path() == ("app", "a", "b")
    assert await found.directory.list(db, ("app", "a")) == ["b"]
    assert await app.exists(db, ("a", "b")) and await app.exists(db)
    assert await app.open(db, ["a", "b"]) == child  # a list works like a tuple
    # bytes names become str(name), as the official Python binding converts them
    odd = await found.directory.create(db, b"raw")
    assert odd.get_path() == ("b'raw'",)
    for bad in (5, ("a", 5), None):
        with pytest.raises(ValueError, match="Invalid path"):
            await found.directory.create_or_open(db, bad)


async def test_data_in_directories_and_remove(db: found.Database) -> None:
    d = found.directory
    a = await d.create_or_open(db, ("a",))
    ab = await d.create_or_open(db, ("a", "b"))
    c = await d.create_or_open(db, ("c",))
    assert len({a.key(), ab.key(), c.key()}) == 3

    async def fill(tx: found.Transaction) -> None:
        for space in (a, ab, c):
            found.set(tx, space.pack(("k",)), space.key())

    await found.transactional(db, fill)
    assert await d.remove_if_exists(db, ("a", "zz")) is False
    assert await d.remove(db, "a") is True
    assert not await d.exists(db, "a") and not await d.exists(db, ("a", "b"))
    keys = [k for k, _ in await dump(db)]
    assert c.pack(("k",)) in keys
    assert not any(k.startswith(a.key()) or k.startswith(ab.key()) for k in keys)
    assert not any(k.startswith(b"\xfe" + found.pack((a.key(),))) for k in keys)
    with pytest.raises(ValueError, match="does not exist"):
        await d.remove(db, "a")
    with pytest.raises(ValueError, match="root directory cannot be removed"):
        await d.remove(db)
    assert await c.remove(db) is True and await d.list(db) == []


async def test_move(db: found.Database) -> None:
    d = found.directory
    a = await d.create(db, ("a", "b"))
    await d.create(db, "x")
    moved = await d.move(db, ("a", "b"), ("x", "y"))
    assert moved.key() == a.key() and moved.get_path() == ("x", "y")
    assert await d.list(db, "a") == [] and await d.list(db, "x") == ["y"]
    again = await moved.move_to(db, ("a", "c"))
    assert again.get_path() == ("a", "c") and again.key() == a.key()
    with pytest.raises(ValueError, match="subdirectory of the source"):
        await d.move(db, "a", ("a", "c", "d"))
    with pytest.raises(ValueError, match="source directory does not exist"):
        await d.move(db, "nope", "nope2")
    with pytest.raises(ValueError, match="destination directory already exists"):
        await d.move(db, ("a", "c"), "x")
    with pytest.raises(ValueError, match="parent of the destination"):
        await d.move(db, ("a", "c"), ("q", "r"))
    with pytest.raises(Exception, match="root directory cannot be moved"):
        await d.move_to(db, ("z",))


async def test_partitions(db: found.Database) -> None:
    d = found.directory
    part = await d.create(db, "p", layer=b"partition")
    assert isinstance(part, DirectoryPartition) and part.get_layer() == b"partition"
    inner = await part.create_or_open(db, ("x", "y"))
    assert inner.get_path() == ("p", "x", "y")
    assert inner.key().startswith(part.rawPrefix) and inner.key() != part.rawPrefix
    assert await d.open(db, ("p", "x", "y")) == inner
    assert await d.list(db, "p") == ["x"] and await part.list(db) == ["x"]
    assert await d.exists(db, ("p", "x")) and await part.exists(db)
    for call in (
        part.key,
        part.range,
        lambda: part.pack(()),
        lambda: part[1],
        lambda: part.contains(b""),
        part.as_foundationdb_key,
        lambda: part.unpack(b""),
        lambda: part.subspace(()),
        lambda: part.pack_with_versionstamp(()),
    ):
        with pytest.raises(DirectoryError, match="root of a directory partition"):
            call()
    await d.create(db, "outside")
    with pytest.raises(ValueError, match="between partitions"):
        await d.move(db, ("p", "x"), ("outside", "x"))
    with pytest.raises(ValueError, match="between partitions"):
        await inner.move_to(db, ("outside", "y"))
    inner2 = await d.move(db, ("p", "x", "y"), ("p", "y"))
    assert inner2.key() == inner.key() and await part.list(db) == ["x", "y"]
    # the partition itself moves in its parent's tree, and its root removes through it too
    moved = await part.move_to(db, ("outside", "p"))
    assert isinstance(moved, DirectoryPartition)
    assert await d.open(db, ("outside", "p", "y")) == DirectorySubspace(
        ("outside", "p", "y"), inner.key(), moved._directory_layer
    )
    assert await moved.remove(db) is True
    assert not await d.exists(db, ("outside", "p"))
    keys = [k for k, _ in await dump(db)]
    assert not any(k.startswith(part.rawPrefix) for k in keys)


async def test_manual_prefixes(db: found.Database) -> None:
    with pytest.raises(ValueError, match="unless manual prefixes are enabled"):
        await found.directory.create(db, "a", prefix=b"\x01")
    manual = DirectoryLayer(allow_manual_prefixes=True)
    a = await manual.create(db, "a", prefix=b"\x01a")
    assert a.key() == b"\x01a"
    for clash in (b"\x01a", b"\x01", b"\x01ab", b"\xfe", b"\xfe\x01", b""):
        with pytest.raises(ValueError, match="already in use"):
            await manual.create(db, "b", prefix=clash)
    part = await manual.create(db, "p", layer=b"partition", prefix=b"\x02")
    with pytest.raises(ValueError, match="prefix in a partition"):
        await part.create(db, "x", prefix=b"\x02\x05")


async def test_allocated_prefix_with_data_is_refused(db: found.Database) -> None:
    layer = DirectoryLayer(Subspace(rawPrefix=b"n"), Subspace(rawPrefix=b"c"))

    async def squat(tx: found.Transaction) -> None:
        for n in range(64):  # every prefix of the first allocation window
            found.set(tx, b"c" + found.pack((n,)) + b"!", b"")

    await found.transactional(db, squat)
    with pytest.raises(DirectoryError, match="keys stored at the prefix chosen"):
        await layer.create(db, "a")


async def test_format_version_checks(db: found.Database) -> None:
    await found.directory.create(db, "a")

    async def put_version(tx: found.Transaction, version: tuple) -> None:
        found.set(tx, VERSION_KEY, struct.pack("<III", *version))

    await found.transactional(db, put_version, (1, 1, 0))
    assert (await found.directory.open(db, "a")).get_path() == ("a",)  # reads still work
    with pytest.raises(DirectoryError, match="read-only when opened"):
        await found.directory.create(db, "b")
    await found.transactional(db, put_version, (2, 0, 0))
    with pytest.raises(DirectoryError, match=r"Cannot load directory with version 2\.0\.0"):
        await found.directory.list(db)


async def test_transaction_argument(db: found.Database) -> None:
    async def work(tx: found.Transaction) -> list:
        await found.directory.create(tx, ("t", "1"))
        await found.directory.create(tx, ("t", "2"))
        return await found.directory.list(tx, "t")

    assert await found.transactional(db, work) == ["1", "2"]
    with pytest.raises(TypeError, match=r"found\.Transaction or Database"):
        await found.directory.list("not a transaction")
    async with found.transaction(db, snapshot=True) as snap:
        assert await found.directory.list(snap, "t") == ["1", "2"]
        with pytest.raises(found.FoundException) as info:
            await found.directory.create(snap, "new")
        assert info.value.code == 2023


async def test_read_only_calls_write_nothing(db: found.Database) -> None:
    assert await found.directory.list(db) == []
    assert not await found.directory.exists(db, "a")
    with pytest.raises(DirectoryValueError):
        await found.directory.open(db, "a")
    assert await dump(db) == []


async def test_custom_layer_and_repr(db: found.Database) -> None:
    layer = DirectoryLayer(Subspace(rawPrefix=b"\x10"), Subspace(rawPrefix=b"\x20"))
    a = await layer.create(db, "a")
    assert a.key().startswith(b"\x20")
    assert all(k.startswith(b"\x10") or k.startswith(b"\x20") for k, _ in await dump(db))
    assert repr(a) == f"DirectorySubspace(path=('a',), prefix={a.key()!r})"
    assert a != Subspace(rawPrefix=a.key()) and a == DirectorySubspace(("a",), a.key(), layer)
    with pytest.raises(TypeError, match=r"node_subspace must be a found\.Subspace"):
        DirectoryLayer(b"\xfe")  # type: ignore[arg-type]


async def test_directory_methods_inside_a_partition(db: found.Database) -> None:
    part = await found.directory.create(db, ("top", "p"), layer=b"partition")
    inner = await part.create(db, "x")
    deeper = await inner.create_or_open(db, ("y", "z"))
    assert deeper.get_path() == ("top", "p", "x", "y", "z")
    assert await inner.exists(db) and await inner.exists(db, ("y", "z"))
    assert await inner.list(db) == ["y"]
    moved = await deeper.move_to(db, ("top", "p", "w"))
    assert moved.key() == deeper.key() and await part.list(db) == ["w", "x"]
    assert await inner.remove(db) is True
    assert not await inner.exists(db) and await part.list(db) == ["w"]
    assert await moved.remove_if_exists(db) is True and await part.list(db) == []
    assert await part.exists(db) and await found.directory.list(db, "top") == ["p"]
