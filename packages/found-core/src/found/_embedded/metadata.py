"""What a transaction can ask about storage rather than data: the estimated size of a range,
its split points, the address of a key's storage server, and the transaction's own
approximate size (semantics reference §1.5). None of these adds a conflict range.
"""

from __future__ import annotations

from .._errors import error
from .writes import Writes

_ADDRESS = b"127.0.0.1:4500"


class Metadata(Writes):
    """Storage metadata reads of an embedded transaction (see the module docstring)."""

    async def get_estimated_range_size_bytes(self, begin: bytes, end: bytes) -> int:
        """The engine's estimate of the bytes stored in `[begin, end)`."""
        self._check()
        if begin > end:
            raise error(2005)
        return int(self._engine.estimated_range_size_bytes(begin, end))

    async def get_range_split_points(
        self, begin: bytes, end: bytes, chunk_size: int
    ) -> list[bytes]:
        """Keys splitting `[begin, end)` into chunks of about `chunk_size` bytes."""
        self._check()
        if begin > end:
            raise error(2005)
        if chunk_size <= 0:
            raise error(2000)
        return list(self._engine.range_split_points(begin, end, chunk_size))

    async def get_addresses_for_key(self, key: bytes) -> list[bytes]:
        """The one local "storage server" address: the embedded engine is in-process."""
        self._check()
        return [_ADDRESS]

    async def get_approximate_size(self) -> int:
        """The transaction's size so far, counted as FoundationDB's client counts it."""
        self._check(commit_ok=True)
        return self._approx_size
