"""Which key shapes `found._tuple.unpack` decodes by regex, learned from the keys it sees.

`unpack` tries the regex that `TABLE.dispatch` holds for the key's first type code; on a miss
it decodes element by element and counts a countdown down, calling `learn` (which returns the
next countdown) on every `_every`-th miss: the shape of that key
(`found._tuple_shapes.shape_of`) is counted, and learned once seen `_needed` times, up to
`MAX_SHAPES` shapes; each new shape rebuilds the decoder of its first type code.

Shapes only pay when they repeat: a failed match costs time on every miss. So the table
judges itself over periods. While *evaluating*, its decoders count hits (through `_tick`);
a period ends after `_EVAL_HITS` hits or `_WINDOW` misses. When hits were fewer than half the
misses, the table forgets its shapes and becomes four times as selective (four times fewer
misses examined, four times more sightings needed); otherwise it relaxes one step and swaps
in decoders that do not count, until `_WINDOW` more misses start the next evaluation. So
hits cost nothing extra most of the time, unique shapes cost little, and a changed workload
is not stuck with old shapes.

Only on CPython: PyPy's JIT already compiles the general decoder's loop well and measured
slower with the regex (bench/bench_tuple.py), so there the table never learns.
"""

from __future__ import annotations

import sys
import threading
from typing import Callable, Dict, List, Tuple

from ._tuple_shapes import EMPTY_DISPATCH, Dispatch, Shape, build, shape_of

MAX_SHAPES = 32
_WINDOW = 2048  # misses in a period
_EVAL_HITS = 4096  # hits that end an evaluation early
_FIRST_EVERY = 8  # at first one miss in eight is examined
# Fully backed off, one miss in 1024 is examined (examining costs a few microseconds, so
# about 4 ns a miss), and a shape is learned after 64 sightings among those: about 65,000
# misses of one shape.
_MOST_NEEDED = 64
_MOST_EVERY = 1024
_MAX_PENDING = 4096
_NEVER = 1 << 62


Publisher = Callable[[Dispatch, int], None]


def _ignore(dispatch: Dispatch, countdown: int) -> None:
    pass


class ShapeTable:
    """The learned shapes and the dispatch built from them. `dispatch` is replaced whole, and
    each of its entries is a (regex, converters) pair, so readers on other threads always see
    consistent pairs. Every change is also handed to the subscriber (`found._tuple`), which
    keeps the dispatch and the countdown in its globals: cheaper to read than attributes."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._needed = 2  # sightings (among examined misses) before a shape is learned
        self._every = _FIRST_EVERY  # examine one miss in this many
        self._publish: Publisher = _ignore
        self.reset()

    def subscribe(self, publish: Publisher) -> None:
        """Hand every new dispatch and countdown to `publish`, starting with the current ones."""
        self._publish = publish
        publish(self.dispatch, self.countdown)

    def _set(self, dispatch: Dispatch) -> None:
        self.dispatch = dispatch
        self._publish(dispatch, self.countdown)

    def reset(self) -> None:
        """Forget every shape and start an evaluation (tests use it to start afresh)."""
        with self._lock:
            self._shapes: List[Shape] = []
            self._known: Dict[Tuple[str, ...], int] = {}
            self._pending: Dict[Tuple[str, ...], int] = {}
            self._plain: Dispatch = EMPTY_DISPATCH
            self._counting: Dispatch = EMPTY_DISPATCH
            self.countdown = self._every if self.enabled else _NEVER
            self._misses = 0
            self._mark = 0  # misses when the period began
            self._evaluating = True
            self._hits = 0  # while evaluating
            self._set(EMPTY_DISPATCH)

    def learn(self, key: bytes, pos: int) -> int:
        """Called on a sampled miss: account for the misses, examine this key's shape; return
        the number of misses until the next call."""
        self._learn(key, pos)
        return self.countdown

    def _learn(self, key: bytes, pos: int) -> None:
        self.countdown = self._every if self.enabled else _NEVER
        self._misses += self._every
        if self._misses - self._mark >= _WINDOW:
            if self._evaluating:
                self._judge()
            else:
                self._evaluate()
        if not self.enabled or len(self._shapes) >= MAX_SHAPES:
            return
        shape = shape_of(key, pos)
        if shape is None or shape[0] in self._known:
            return
        seen = self._pending.get(shape[0], 0) + 1
        if seen < self._needed:
            if len(self._pending) >= _MAX_PENDING:
                self._pending.clear()
            self._pending[shape[0]] = seen
            return
        with self._lock:
            if shape[0] in self._known or len(self._shapes) >= MAX_SHAPES:
                return
            self._pending.pop(shape[0], None)
            self._known[shape[0]] = len(self._shapes)
            self._shapes.append(shape)
            self._plain, self._counting = build(self._shapes, self._tick)
            self._set(self._counting if self._evaluating else self._plain)

    def _tick(self) -> None:
        self._hits += 1
        if self._hits >= _EVAL_HITS:
            self._judge()

    def _evaluate(self) -> None:
        self._evaluating = True
        self._hits = 0
        self._mark = self._misses
        self._set(self._counting)

    def _judge(self) -> None:
        if 2 * self._hits < self._misses - self._mark:
            self._needed = min(4 * self._needed, _MOST_NEEDED)
            self._every = min(4 * self._every, _MOST_EVERY)
            self.reset()
            return
        self._needed = max(self._needed // 4, 2)
        self._every = max(self._every // 4, min(self._every, _FIRST_EVERY))
        self._evaluating = False
        self._mark = self._misses
        self._set(self._plain)

    def shapes(self) -> List[str]:
        """The regex text of each learned shape, oldest first."""
        return ["".join(shape[0]) for shape in self._shapes]

    @property
    def evaluating(self) -> bool:
        """Whether hits are being counted (for tests)."""
        return self._evaluating


TABLE = ShapeTable(enabled=sys.implementation.name == "cpython")
