"""The driver's transaction calls, each one C call, checked end to end over the test library."""

from __future__ import annotations

import asyncio

import pytest

from found import FoundException

EXACT, WANT_ALL, ITERATOR, SMALL = 0, -2, -1, 1


async def fill(backend, count: int) -> None:
    tr = backend.create_transaction()
    for i in range(count):
        tr.set(b"r%04d" % i, b"value-%d" % i)
    await tr.commit()
    tr.destroy()


async def test_range_pages_report_more(backend) -> None:
    await fill(backend, 30)
    tr = backend.create_transaction()
    page, more = await tr.get_range(b"r", False, 1, b"s", False, 1, 10, 0, EXACT, 1, False, False)
    assert [k for k, _ in page] == [b"r%04d" % i for i in range(10)]
    assert more
    rest, more = await tr.get_range(
        page[-1][0], True, 1, b"s", False, 1, 0, 0, WANT_ALL, 2, False, False
    )
    assert [k for k, _ in rest] == [b"r%04d" % i for i in range(10, 30)]
    assert not more
    back, _ = await tr.get_range(b"r", False, 1, b"s", False, 1, 3, 0, EXACT, 1, False, True)
    assert [k for k, _ in back] == [b"r0029", b"r0028", b"r0027"]
    with pytest.raises(FoundException) as caught:
        await tr.get_range(b"r", False, 1, b"s", False, 1, 0, 0, EXACT, 1, False, False)
    assert caught.value.code == 2210
    with pytest.raises(FoundException) as caught:
        await tr.get_range(b"r", False, 1, b"s", False, 1, 0, 0, ITERATOR, 0, False, False)
    assert caught.value.code == 2000
    tr.destroy()


async def test_small_mode_pages_by_bytes(backend) -> None:
    await fill(backend, 100)
    tr = backend.create_transaction()
    page, more = await tr.get_range(b"r", False, 1, b"s", False, 1, 0, 0, SMALL, 1, False, False)
    assert 0 < len(page) < 100 and more
    tr.destroy()


async def test_selectors(backend) -> None:
    await fill(backend, 5)
    tr = backend.create_transaction()
    assert await tr.get_key(b"r0002", False, 1, False) == b"r0002"  # first_greater_or_equal
    assert await tr.get_key(b"r0002", True, 1, False) == b"r0003"  # first_greater_than
    assert await tr.get_key(b"r0002", False, 0, False) == b"r0001"  # last_less_than
    assert await tr.get_key(b"r0002", True, 0, False) == b"r0002"  # last_less_or_equal
    assert await tr.get_key(b"r0004", True, 5, False) == b"\xff"  # clamped at the end
    tr.destroy()


async def test_commit_versions_and_versionstamp(backend) -> None:
    tr = backend.create_transaction()
    stamp = tr.get_versionstamp()
    tr.atomic_op(b"vs-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00", b"x", 14)
    await tr.commit()
    version = tr.get_committed_version()
    assert version > 0
    stamp_bytes = await stamp
    assert len(stamp_bytes) == 10
    assert int.from_bytes(stamp_bytes[:8], "big") == version
    reader = backend.create_transaction()
    assert await reader.get(b"vs-" + stamp_bytes, False) == b"x"
    assert await reader.get_read_version() >= version
    await reader.commit()
    assert reader.get_committed_version() == -1  # read-only commit
    tr.destroy()
    reader.destroy()


async def test_conflict_and_retry(backend) -> None:
    await fill(backend, 1)
    first = backend.create_transaction()
    assert await first.get(b"r0000", False) == b"value-0"
    second = backend.create_transaction()
    second.set(b"r0000", b"changed")
    await second.commit()
    first.set(b"other", b"x")
    with pytest.raises(FoundException) as caught:
        await first.commit()
    assert caught.value.code == 1020
    await first.on_error(1020)  # retryable: backs off and resets
    assert await first.get(b"r0000", False) == b"changed"
    first.destroy()
    second.destroy()


async def test_conflict_ranges_and_sync_errors(backend) -> None:
    tr = backend.create_transaction()
    with pytest.raises(FoundException) as caught:
        tr.add_conflict_range(b"b", b"a", 0)
    assert caught.value.code == 2005
    tr.add_conflict_range(b"a", b"b", 1)
    assert await tr.get_approximate_size() > 0
    tr.destroy()


async def test_cancel_and_reset(backend) -> None:
    tr = backend.create_transaction()
    tr.cancel()
    with pytest.raises(FoundException) as caught:
        await tr.get(b"k", False)
    assert caught.value.code == 1025
    tr.reset()
    assert await tr.get(b"k", False) is None
    tr.destroy()
    tr.destroy()  # idempotent: the C transaction was released once


async def test_read_version_and_locality(backend) -> None:
    await fill(backend, 50)
    tr = backend.create_transaction()
    version = await tr.get_read_version()
    other = backend.create_transaction()
    other.set_read_version(version)
    assert await other.get_read_version() == version
    addresses = await tr.get_addresses_for_key(b"r0001")
    assert addresses and all(isinstance(a, bytes) for a in addresses)
    points = await tr.get_range_split_points(b"r", b"s", 1_000)
    assert points[0] == b"r" and points[-1] == b"s"
    assert await tr.get_estimated_range_size_bytes(b"r", b"s") >= 0
    tr.destroy()
    other.destroy()


async def test_bad_arguments_are_type_errors(backend) -> None:
    tr = backend.create_transaction()
    with pytest.raises(TypeError):
        tr.set("text", b"v")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await tr.get(None, False)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        backend.set_option(500, 5)  # type: ignore[arg-type]
    tr.destroy()


async def test_many_concurrent_transactions(backend) -> None:
    async def one(i: int) -> bytes:
        tr = backend.create_transaction()
        try:
            while True:
                try:
                    tr.set(b"c%03d" % i, b"%d" % i)
                    value = await tr.get(b"c%03d" % i, False)
                    await tr.commit()
                    return value
                except FoundException as exc:
                    await tr.on_error(exc.code)
        finally:
            tr.destroy()

    values = await asyncio.gather(*(one(i) for i in range(100)))
    assert values == [b"%d" % i for i in range(100)]


async def test_closed_database_refuses_new_transactions(backend) -> None:
    await backend.close()
    await backend.close()
    with pytest.raises(FoundException) as caught:
        backend.create_transaction()
    assert caught.value.code == 2000
