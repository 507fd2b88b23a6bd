"""The sizes of patterns' matches, measured for the planner as lazily as its choices allow.

`Sizes` counts a pattern's keys in its range (its values bound, its variables free) in the
caller's transaction, keeps the rows it read (so the query can start from them), and ranks
tied patterns by measures of growing cost: COUNT, COUNT_MORE, COUNT_FAR, ESTIMATE (see
`_query`'s module docstring for what each measures and when).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

import found

from ._store import NStore, Variable
from ._template import NONE_KNOWN, Pairs, Template

_EXACT = int(found.STREAMING_MODE_EXACT)  # a plain int: found's fast path for byte keys

#: Keys counted per pattern at first, then (only to break ties) at most PLAN_LIMIT.
FIRST_COUNT = 32
PLAN_LIMIT = 1_000
#: Past PLAN_LIMIT, tied patterns are counted on in turns up to this many keys each.
FAR_LIMIT = 16_000
#: The size measures, cheapest first, that `Sizes.pick` refines ties with.
COUNT, COUNT_MORE, COUNT_FAR, ESTIMATE = range(4)


class Sizes:
    """Sizes of the patterns' matches, measured lazily and only as precisely as a choice needs."""

    def __init__(
        self,
        tx: Any,
        store: NStore,
        patterns: Sequence[Sequence[Any]],
        keys: Optional[Sequence[tuple]] = None,
    ) -> None:
        self.tx, self.store, self.patterns = tx, store, patterns
        self.keys = keys  # the patterns' shape keys (`_chain.shape_key`), when known
        self.known: dict[tuple[int, int], int] = {}  # (pattern, measure) -> size
        self.rows: dict[int, Pairs] = {}  # pattern -> all its rows, when a count saw all
        self.seen: dict[int, Pairs] = {}  # pattern -> the rows counted, from its range's start
        self.ranges: dict[int, tuple[bytes, bytes]] = {}
        self.templates: dict[int, Template] = {}  # pattern -> its scan recipe, none known

    def range(self, i: int) -> tuple[bytes, bytes]:
        """The range of pattern `i` (its values bound, its variables free)."""
        bounds = self.ranges.get(i)
        if bounds is None:
            names = self.keys[i] if self.keys is not None else None
            template = Template(self.store, self.patterns[i], NONE_KNOWN, names)
            self.templates[i] = template
            head = template.head
            bounds = self.ranges[i] = (head, head + b"\xff")  # 0xff: never a type code
        return bounds

    def progress(self, i: int) -> int:
        """How many rows of pattern `i` counting has read so far."""
        return len(self.seen.get(i, ()))

    async def _count(self, i: int, limit: int) -> int:
        """The keys of pattern `i` counted up to `limit`. Counting
        goes on from the rows read before (kept, from the range's start), so no key is read
        twice; `query` starts from those rows."""
        seen = self.seen.setdefault(i, [])
        if len(seen) < limit and i not in self.rows:
            begin, end = self.range(i)
            if seen:
                begin = seen[-1][0] + b"\x00"
            want = limit - len(seen)
            pairs = await found.get_range(self.tx, begin, end, want, False, _EXACT)
            seen.extend(pairs)
            if len(pairs) < want:  # the range ended
                self.rows[i] = seen
        return min(len(seen), limit)

    async def size(self, i: int, measure: int) -> int:
        """Matches of pattern `i` by `measure`: a count up to FIRST_COUNT, a count up to
        PLAN_LIMIT, or its range's estimated size in bytes over its average key size."""
        if (i, measure) in self.known:
            return self.known[(i, measure)]
        if measure == COUNT:
            value = await self._count(i, FIRST_COUNT)
        else:
            below = await self.size(i, COUNT if measure == COUNT_MORE else COUNT_MORE)
            if below < (FIRST_COUNT if measure == COUNT_MORE else PLAN_LIMIT):
                value = below  # exact already
            elif measure == COUNT_MORE:
                value = await self._count(i, PLAN_LIMIT)
            else:
                stored = await found.estimated_size_bytes(self.tx, *self.range(i))
                counted = sum([len(k) + len(v) for k, v in self.seen[i][:PLAN_LIMIT]])
                value = max(PLAN_LIMIT, stored * PLAN_LIMIT // max(counted, 1))
        self.known[(i, measure)] = value
        return value

    async def _bounded(self, tied: list[int]) -> dict[int, int]:
        """COUNT_MORE ranks of `tied`, read as little as the choice needs: counted in turns
        (most values first in each turn), each turn up to twice as far as the last, from
        FIRST_COUNT to PLAN_LIMIT; once a range ends, the others stop one key past its count
        (they cannot be the smallest any more). So no pattern is read much further than twice
        the smallest. A count stopped early is a lower bound above that smallest, which ranks
        the same; it is not remembered as the pattern's size."""
        best = PLAN_LIMIT
        ranks: dict[int, int] = {}
        running = []
        for i in sorted(tied, key=lambda i: _bound(self.patterns[i], set()), reverse=True):
            if (i, COUNT_MORE) in self.known:
                ranks[i] = self.known[(i, COUNT_MORE)]
            else:
                ranks[i] = await self.size(i, COUNT)
                if ranks[i] >= FIRST_COUNT:
                    running.append(i)
                    continue
            best = min(best, ranks[i])  # exact (a count stopped early is never remembered)
        step = 2 * FIRST_COUNT
        while running:
            for i in list(running):
                want = min(step, best + 1, PLAN_LIMIT)
                ranks[i] = await self._count(i, want)
                if i in self.rows and ranks[i] < want:  # the range ended: the exact count
                    self.known[(i, COUNT_MORE)] = ranks[i]
                    best = min(best, ranks[i])
                elif ranks[i] >= PLAN_LIMIT:
                    self.known[(i, COUNT_MORE)] = PLAN_LIMIT
                elif ranks[i] <= best:
                    continue  # still a candidate: on in the next turn
                running.remove(i)
            step *= 2
        return ranks

    async def _race(self, tied: list[int]) -> dict[int, int]:
        """COUNT_FAR ranks of `tied` (see the module docstring): exact counts, lower bounds
        above the smallest exact count, or FAR_LIMIT for patterns still tied past it."""
        ranks = {i: await self.size(i, COUNT_MORE) for i in tied}
        best = min(ranks.values())
        if best < PLAN_LIMIT:
            return ranks  # the smallest is exact already
        running = []
        for i in tied:
            if (i, COUNT_FAR) in self.known:
                ranks[i] = self.known[(i, COUNT_FAR)]
            elif self.progress(i) >= FAR_LIMIT:
                ranks[i] = FAR_LIMIT
            else:
                ranks[i] = self.progress(i)  # a race of an earlier choice may have gone on
                running.append(i)
        exact = [ranks[i] for i in tied if (i, COUNT_FAR) in self.known]
        best = min(exact) if exact else FAR_LIMIT
        page = PLAN_LIMIT
        while running:
            for i in list(running):
                want = min(page, best + 1 - ranks[i])
                if want <= 0:  # already past the smallest exact count
                    running.remove(i)
                    continue
                before = self.progress(i)
                ranks[i] = await self._count(i, before + want)
                read = ranks[i] - before
                if read < want:  # the range ended: exact
                    self.known[(i, COUNT_FAR)] = ranks[i]
                    best = min(best, ranks[i])
                    running.remove(i)
                elif ranks[i] >= FAR_LIMIT:
                    ranks[i] = FAR_LIMIT  # too big to count on: left to ESTIMATE
                    running.remove(i)
            page *= 2
        return ranks

    async def pick(self, keys: list[Any]) -> int:
        """The pattern that `keys` ranks first. `keys` is a dict (pattern -> rank) for a known
        rank, or a measure (COUNT, COUNT_MORE, ESTIMATE); each narrows the tie left by the
        previous ones, so a measure is taken only of patterns still tied. Last ties go to
        the caller's order."""
        tied = sorted(keys[0])
        for key in keys:
            if len(tied) == 1:
                break
            if isinstance(key, dict):
                ranks = {i: key[i] for i in tied}
            elif key == COUNT_MORE:
                ranks = await self._bounded(tied)
            elif key == COUNT_FAR:
                ranks = await self._race(tied)
            else:
                ranks = {i: await self.size(i, key) for i in tied}
            best = min(ranks.values())
            tied = [i for i in tied if ranks[i] == best]
        return tied[0]


def _bound(pattern: Sequence[Any], known: set[str]) -> int:
    """How many positions of `pattern` are values or variables in `known`."""
    return sum(1 for x in pattern if not isinstance(x, Variable) or x.name in known)
