"""Comparing what testers left: equal lists of pairs, or the first differences, readable."""

from __future__ import annotations

from typing import Dict, List, Tuple

import found

__all__ = ["compare_spaces", "describe"]

Pairs = List[Tuple[bytes, bytes]]
#: At most this many differences are described per space.
MAX_REPORTED = 10


def describe(raw: bytes) -> str:
    """A tuple-decoded view of a key or value when it decodes, else its repr (shortened)."""
    try:
        text = repr(found.unpack(raw))
    except Exception:
        text = repr(raw)
    return text if len(text) <= 300 else text[:300] + "..."


def compare_spaces(space: str, results: Dict[str, Pairs]) -> List[str]:
    """Differences between the testers' lists for `space` (empty when all are equal)."""
    names = list(results)
    reference_name = names[0]
    reference = results[reference_name]
    problems: List[str] = []
    for name in names[1:]:
        other = results[name]
        if other == reference:
            continue
        left, right = dict(reference), dict(other)
        keys = sorted(set(left) | set(right))
        shown = 0
        for key in keys:
            if left.get(key) != right.get(key):
                if shown < MAX_REPORTED:
                    problems.append(
                        f"{space} {describe(key)}: {reference_name}="
                        f"{describe(left[key]) if key in left else None} {name}="
                        f"{describe(right[key]) if key in right else None}"
                    )
                shown += 1
        if shown > MAX_REPORTED:
            problems.append(f"{space}: {shown - MAX_REPORTED} more differences")
        if not shown:
            problems.append(f"{space}: same pairs in a different order ({name})")
    return problems
