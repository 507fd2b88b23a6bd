"""Small helpers shared by the public API: argument checks, the "done" awaitable, and the
0.13 utilities `next_prefix`, `co`, `all` and `limit`.

Write calls (`found.set`, `found.clear`, atomic operations) act at once, like the libfdb_c
calls they wrap, and return `DONE`: an awaitable that finishes immediately. 0.13 code that
writes `await found.set(...)` and new code that writes `found.set(...)` therefore both work,
and passing `found.set` itself to `transactional` still yields something to await.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Generator
from typing import Any, Callable, TypeVar

T = TypeVar("T")

__all__ = ["DONE", "all", "check_bytes", "check_int", "check_key", "co", "limit", "next_prefix"]


class _Done:
    """An awaitable that is already complete and yields None; also usable as a no-op."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # pragma: no cover - makes this a generator function

    def __repr__(self) -> str:
        return "<found.DONE>"


DONE = _Done()


def check_bytes(name: str, value: Any) -> bytes:
    """`value` as bytes, or TypeError naming the argument. bytearray/memoryview are copied."""
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be bytes, not {type(value).__name__}")


def check_key(name: str, value: Any) -> bytes:
    """A key argument as bytes, or TypeError naming the argument and the type.

    As in FoundationDB's bindings, a key may be any object with an `as_foundationdb_key()`
    method (`found.Subspace`, `found.DirectorySubspace`, ...), which is called and must
    return bytes; bytearray/memoryview are copied. Values never go through this: they are
    bytes only (`check_bytes`)."""
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    convert = getattr(type(value), "as_foundationdb_key", None)
    if convert is None:
        raise TypeError(
            f"{name} must be bytes or have as_foundationdb_key(), not {type(value).__name__}"
        )
    key = convert(value)
    if type(key) is bytes:
        return key
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise TypeError(
        f"{name}: {type(value).__name__}.as_foundationdb_key() returned "
        f"{type(key).__name__}, not bytes"
    )


def check_int(name: str, value: Any) -> int:
    """`value` as int (bools refused), or TypeError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return int(value)


def next_prefix(key: bytes) -> bytes:
    """The first key after every key that starts with `key` (the end of its prefix range).

    Trailing 0xFF bytes are dropped and the last remaining byte is incremented; a key made
    only of 0xFF bytes (or empty) has no such key and raises ValueError."""
    key = check_key("key", key)
    stripped = key.rstrip(b"\xff")
    if not stripped:
        raise ValueError("key must contain at least one byte that is not 0xFF")
    return stripped[:-1] + bytes((stripped[-1] + 1,))


def co(func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """Wrap a synchronous function so that calling it returns an awaitable (a coroutine)."""

    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        return func(*args, **kwargs)

    return wrapper


async def all(aiterable: AsyncIterable[T]) -> list[T]:
    """Collect every item of an async iterable (e.g. `found.query(...)`) into a list."""
    return [item async for item in aiterable]


async def limit(aiterable: AsyncIterable[T], length: int) -> AsyncIterator[T]:
    """Yield at most `length` items of `aiterable`, then stop (closing it)."""
    length = check_int("length", length)
    if length <= 0:
        return
    iterator = aiterable.__aiter__()
    count = 0
    try:
        async for item in iterator:
            yield item
            count += 1
            if count >= length:
                return
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
