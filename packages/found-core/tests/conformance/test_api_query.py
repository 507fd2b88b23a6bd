"""`query`: paging, order inferred from the bounds (0.13) or given by `reverse=`, limits,
streaming modes, key selectors as bounds; plus `get_key` and the selector constructors."""

from __future__ import annotations

from typing import Any

import pytest

import found

MODES = [
    found.STREAMING_MODE_WANT_ALL,
    found.STREAMING_MODE_ITERATOR,
    found.STREAMING_MODE_EXACT,
    found.STREAMING_MODE_SMALL,
    found.STREAMING_MODE_MEDIUM,
    found.STREAMING_MODE_LARGE,
    found.STREAMING_MODE_SERIAL,
]


async def _fill(db: found.Database, count: int, size: int = 1) -> list[tuple[bytes, bytes]]:
    pairs = [(found.pack((i,)), found.pack((str(i),)) + b"x" * size) for i in range(count)]

    async def fill(tx: found.Transaction) -> None:
        for key, value in pairs:
            found.set(tx, key, value)

    await found.transactional(db, fill)
    return pairs


async def _query(db: found.Database, *args: Any, **kwargs: Any) -> list[tuple[bytes, bytes]]:
    async def run(tx: found.Transaction) -> list[tuple[bytes, bytes]]:
        return await found.all(found.query(tx, *args, **kwargs))

    return await found.transactional(db, run)


async def test_forward_is_half_open(db: found.Database) -> None:
    pairs = await _fill(db, 10)
    out = await _query(db, found.pack((1,)), found.pack((8,)))
    assert out == pairs[1:8]


async def test_reverse_inferred_includes_both_bounds_as_in_0_13(db: found.Database) -> None:
    pairs = await _fill(db, 11)
    out = await _query(db, found.pack((8,)), found.pack((4,)))
    assert [found.unpack(k)[0] for k, _ in out] == [8, 7, 6, 5, 4]
    assert out == list(reversed(pairs[4:9]))


async def test_everything_both_ways(db: found.Database) -> None:
    pairs = await _fill(db, 20)
    assert await _query(db, b"", b"\xff") == pairs
    assert await _query(db, b"\xff", b"") == list(reversed(pairs))


async def test_explicit_reverse_keeps_the_range(db: found.Database) -> None:
    pairs = await _fill(db, 10)
    out = await _query(db, found.pack((2,)), found.pack((6,)), reverse=True)
    assert out == list(reversed(pairs[2:6]))
    assert await _query(db, found.pack((6,)), found.pack((2,)), reverse=False) == []
    out = await _query(db, found.pack((2,)), found.pack((6,)), reverse=False)
    assert out == pairs[2:6]


@pytest.mark.parametrize("mode", MODES)
async def test_paging_in_every_mode(db: found.Database, mode: int) -> None:
    pairs = await _fill(db, 600, size=200)
    assert await _query(db, b"", b"\xff", mode=mode, limit=0 if mode else 1000) == pairs
    assert await _query(db, b"", b"\xff", mode=mode, limit=250) == pairs[:250]
    out = await _query(db, b"", b"\xff", mode=mode, limit=250, reverse=True)
    assert out == list(reversed(pairs))[:250]


async def test_exact_mode_without_limit_is_2210(db: found.Database) -> None:
    await _fill(db, 3)
    with pytest.raises(found.ExactModeWithoutLimits):
        await _query(db, b"", b"\xff", mode=found.STREAMING_MODE_EXACT)


async def test_mode_by_name(db: found.Database) -> None:
    pairs = await _fill(db, 5)
    assert await _query(db, b"", b"\xff", mode="want_all") == pairs
    with pytest.raises(ValueError, match="streaming mode"):
        await _query(db, b"", b"\xff", mode="fastest")


async def test_limit_stops_reading_early(db: found.Database) -> None:
    pairs = await _fill(db, 50)
    assert await _query(db, b"", b"\xff", limit=1) == pairs[:1]

    async def first_three(tx: found.Transaction) -> list[tuple[bytes, bytes]]:
        return await found.all(found.limit(found.query(tx, b"", b"\xff"), 3))

    assert await found.transactional(db, first_three) == pairs[:3]


async def test_key_selectors_as_bounds(db: found.Database) -> None:
    pairs = await _fill(db, 10)
    keys = [k for k, _ in pairs]
    out = await _query(db, found.gt(keys[2]), found.gte(keys[5]))
    assert out == pairs[3:5]
    out = await _query(db, found.gte(keys[2], 2), found.lte(keys[7]))
    assert out == pairs[3:7]
    out = await _query(db, found.gte(keys[1]), found.gte(keys[4]), reverse=True)
    assert out == list(reversed(pairs[1:4]))


async def test_get_key_and_selectors(db: found.Database) -> None:
    pairs = await _fill(db, 10)
    keys = [k for k, _ in pairs]

    async def resolve(tx: found.Transaction, selector: Any) -> bytes:
        return await found.get_key(tx, selector)

    assert await found.transactional(db, resolve, found.gte(keys[3])) == keys[3]
    assert await found.transactional(db, resolve, found.gt(keys[3])) == keys[4]
    assert await found.transactional(db, resolve, found.lt(keys[3])) == keys[2]
    assert await found.transactional(db, resolve, found.lte(keys[3])) == keys[3]
    # 0.13's gte ignored its offset; here it moves the selector.
    assert await found.transactional(db, resolve, found.gte(keys[3], 3)) == keys[5]
    assert await found.transactional(db, resolve, found.gt(keys[3]) + 2) == keys[6]
    assert await found.transactional(db, resolve, found.lte(keys[3]) - 1) == keys[2]
    assert await found.transactional(db, resolve, keys[3] + b"\x00") == keys[4]


def test_selector_constructors() -> None:
    assert found.lt(b"k") == found.KeySelector(b"k", False, 0)
    assert found.lte(b"k") == found.KeySelector(b"k", True, 0)
    assert found.gt(b"k") == found.KeySelector(b"k", True, 1)
    assert found.gte(b"k") == found.KeySelector(b"k", False, 1)
    assert found.gte(b"k", 4) == found.KeySelector(b"k", False, 4)
    with pytest.raises(TypeError, match="key"):
        found.gte("k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="offset"):
        found.lt(b"k", 1.5)  # type: ignore[arg-type]


async def test_query_argument_errors(db: found.Database) -> None:
    async def bad(tx: found.Transaction, *args: Any, **kwargs: Any) -> Any:
        return await found.all(found.query(tx, *args, **kwargs))

    with pytest.raises(TypeError, match="key"):
        await found.transactional(db, bad, "a", b"b")
    with pytest.raises(TypeError, match="other"):
        await found.transactional(db, bad, b"a", 3)
    with pytest.raises(TypeError, match="limit"):
        await found.transactional(db, bad, b"a", b"b", limit="3")


async def test_get_range_returns_a_list(db: found.Database) -> None:
    pairs = await _fill(db, 10)

    async def run(tx: found.Transaction) -> Any:
        return (
            await found.get_range(tx, pairs[2][0], pairs[5][0]),
            await found.get_range(tx, b"", b"\xff", limit=2, reverse=True),
        )

    forward, backward = await found.transactional(db, run)
    assert forward == pairs[2:5]
    assert backward == [pairs[9], pairs[8]]
