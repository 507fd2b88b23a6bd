"""zstandard when accepted, gzip otherwise, nothing for tiny bodies or no Accept-Encoding."""

from __future__ import annotations

import gzip

import httpx
import pytest
import zstandard

from found_server.compression import MIN_SIZE, choose, compress


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        (None, None),
        ("", None),
        ("identity", None),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "zstd"),
        ("zstd;q=0, gzip", "gzip"),
        ("ZSTD", "zstd"),
        ("*", "zstd"),
        ("*;q=0", None),
        ("gzip;q=bad", None),
    ],
)
def test_choose(header: str, coding: str) -> None:
    assert choose(header) == coding


def test_small_bodies_stay_plain() -> None:
    assert compress(b"x" * (MIN_SIZE - 1), "zstd") == (b"x" * (MIN_SIZE - 1), None)


async def test_responses(client: httpx.AsyncClient) -> None:
    plain = await client.get("/history/change/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    raw_zstd = await _raw(client, "zstd, gzip")
    assert raw_zstd.headers["content-encoding"] == "zstd"
    body = zstandard.ZstdDecompressor().decompressobj().decompress(raw_zstd.content)
    assert body.decode() == plain.text
    raw_gzip = await _raw(client, "gzip")
    assert raw_gzip.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw_gzip.content).decode() == plain.text
    assert int(raw_gzip.headers["content-length"]) == len(raw_gzip.content)


async def _raw(client: httpx.AsyncClient, accept: str) -> httpx.Response:
    """The response with its body as sent (not decoded by httpx)."""
    request = client.build_request("GET", "/history/change/", headers={"accept-encoding": accept})
    response = await client.send(request, stream=True)
    try:
        response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()
    return response
