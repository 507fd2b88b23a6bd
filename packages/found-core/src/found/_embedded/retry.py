"""FoundationDB's retry delays for `on_error` (semantics reference §3.3).

Which error codes are retryable, and how long to wait before the next attempt: a random
share of an exponentially growing backoff for conflicts and recoveries (capped by the
MAX_RETRY_DELAY option, or 30 s for the proxy-memory errors 1042 / 1078), a fixed short
delay for read versions outside the window (1007 / 1009), none for 1039.
"""

from __future__ import annotations

import random

BACKOFF_CODES = frozenset({1020, 1021, 1038, 1042, 1078, 1037, 1051, 1213, 1079, 1223})
FIXED_DELAY_CODES = frozenset({1007, 1009})
RETRYABLE = BACKOFF_CODES | FIXED_DELAY_CODES | {1039}  # 1039: retry at once
INITIAL_BACKOFF = 0.01


def retry_delay(code: int, backoff: float, max_delay: float) -> tuple[float, float]:
    """(seconds to wait before retrying after retryable `code`, the next backoff)."""
    if code in BACKOFF_CODES:
        cap = 30.0 if code in (1042, 1078) else max_delay
        return backoff * random.random(), min(backoff * 2, cap)
    if code in FIXED_DELAY_CODES:
        return min(INITIAL_BACKOFF, max_delay), backoff
    return 0.0, backoff
