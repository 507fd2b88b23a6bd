"""The scan recipe of one pattern, and reading its matches a page (a list) at a time.

A `Template` is built once per pattern and set of known variables, and reused for every
incoming binding of a join: the values' packed bytes are computed once; a key is decoded by
unpacking only its tail after the scanned prefix, which holds exactly the free columns, in
index order. Reads go through `found.get_range` and come back as lists, so a page of rows
costs one call, and the bindings of a page are built in one loop: the layers above pass
lists of bindings along and only the public generators yield one dict at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Optional

import found
from found._tuple import unpack_keys  # a page of keys in one call (found-core, same project)

from ._codec import differ, lasts, pack_one
from ._store import NStore, NStoreException, Variable

Bindings = dict[str, Any]
Pairs = list[tuple[bytes, bytes]]

#: Rows of the first page of a scan; each further page doubles, up to MAX_PAGE.
FIRST_PAGE = 1_000
MAX_PAGE = 16_000
#: Rows of the first read of a join's probe (most probes match a few rows).
PROBE_PAGE = 256
_EXACT = int(found.STREAMING_MODE_EXACT)  # a plain int: found's fast path for byte keys


async def key_pages(
    tx: Any, begin: bytes, end: bytes, limit: int = 0, first: int = FIRST_PAGE
) -> AsyncIterator[Pairs]:
    """The pairs of `[begin, end)` in pages (lists), `first` rows then doubling up to
    MAX_PAGE, at most `limit` rows in all (0: no limit). Each page is one `get_range` of
    exactly the rows it returns, so a caller that stops early has read one page too many
    at most."""
    size = first
    while begin < end:
        want = min(size, limit) if limit else size
        pairs = await found.get_range(tx, begin, end, limit=want, mode=_EXACT)
        if pairs:
            yield pairs
        if len(pairs) < want:
            return
        if limit:
            limit -= want
            if limit <= 0:
                return
        begin = pairs[-1][0] + b"\x00"
        size = min(size * 2, MAX_PAGE)


async def read_all(tx: Any, begin: bytes) -> Pairs:
    """Every pair of the keys that extend `begin` (a join's probe: usually a few). One
    `get_range` of PROBE_PAGE rows at most in EXACT mode (the cheapest: no byte accounting),
    then pages on if it came back full."""
    end = begin + b"\xff"  # 0xff is never a type code: covers every extension
    pairs = await found.get_range(tx, begin, end, limit=PROBE_PAGE, mode=_EXACT)
    if len(pairs) == PROBE_PAGE:
        async for more in key_pages(tx, pairs[-1][0] + b"\x00", end, 0, 2 * PROBE_PAGE):
            pairs.extend(more)
    return pairs


#: The known variables of a pattern that starts a scan: none (one object, its hash cached).
NONE_KNOWN: frozenset[str] = frozenset()

#: Shapes remembered per store at most (then forgotten all at once): patterns are few.
MAX_SHAPES = 1_024


class _Shape:
    """What a pattern's scan recipe owes to its shape alone (which positions hold values, the
    variables' names, which of them are known), not to its values: computed once per shape
    and store (`Template` looks it up in `NStore.shapes`)."""

    __slots__ = ("checks", "free", "head", "names", "order", "subspace", "tail")

    def __init__(self, store: NStore, pattern: Sequence[Any], known: frozenset[str]) -> None:
        if len(pattern) != store.n:
            raise NStoreException(f"{store.name}: expected {store.n} items, got {len(pattern)}")
        bound = frozenset(
            i for i, x in enumerate(pattern) if not isinstance(x, Variable) or x.name in known
        )
        number = store.index_for(bound)
        order = self.order = store.indices[number]
        self.subspace = store.subspace(number)
        # the bound positions in index order: the values before the first known variable
        # (`head`, packed into one prefix per Template), then (position, name or None)
        positions = order[: len(bound)]
        head = 0
        while head < len(positions) and not isinstance(pattern[positions[head]], Variable):
            head += 1
        self.head = positions[:head]
        self.tail: list[tuple[int, Optional[str]]] = [
            (i, pattern[i].name if isinstance(pattern[i], Variable) else None)
            for i in positions[head:]
        ]
        #: the tail when it holds only variables' names (a Template shares it), else None
        self.names: Optional[tuple[Any, ...]] = (
            tuple([name for _, name in self.tail])
            if all(name is not None for _, name in self.tail)
            else None
        )
        self.free: list[tuple[int, str]] = []  # (position in the tail, name), first occurrences
        self.checks: list[tuple[int, int]] = []  # tail positions that must hold equal values
        first: dict[str, int] = {}
        for j, i in enumerate(order[len(bound) :]):
            name = pattern[i].name
            if name in first:
                self.checks.append((first[name], j))
            else:
                first[name] = j
                self.free.append((j, name))


def _shape(
    store: NStore, pattern: Sequence[Any], known: frozenset[str], names: Optional[tuple] = None
) -> _Shape:
    """The cached `_Shape` of `pattern` with the variables `known` given values; `names`,
    when given, is `pattern`'s shape key already (`_chain.shape_key`)."""
    if names is None:
        names = tuple([x.name if isinstance(x, Variable) else None for x in pattern])
    key = (names, known)
    shapes = store.shapes
    shape = shapes.get(key)
    if shape is None:
        shape = _Shape(store, pattern, known)
        if len(shapes) >= MAX_SHAPES:
            shapes.clear()
        shapes[key] = shape
    return shape


class Template:
    """The scan recipe of a pattern whose variables in `known` will be given values: its
    shape's (cached), and its values packed once."""

    __slots__ = ("checks", "free", "head", "order", "subspace", "tail")

    def __init__(
        self,
        store: NStore,
        pattern: Sequence[Any],
        known: frozenset[str],
        names: Optional[tuple] = None,
    ) -> None:
        shape = _shape(store, pattern, known, names)
        self.order, self.subspace = shape.order, shape.subspace
        self.free, self.checks = shape.free, shape.checks
        # the packed prefix before the first known variable, and the bound positions after
        # it in index order: packed value bytes, or the variable's name
        # without a list or a join for the commonest shapes: one value, or none, in the head;
        # a tail of variables only
        positions = shape.head
        if len(positions) == 1:
            self.head = shape.subspace + pack_one(pattern[positions[0]])
        elif positions:
            self.head = shape.subspace + b"".join([pack_one(pattern[i]) for i in positions])
        else:
            self.head = shape.subspace
        tail = shape.names
        if tail is None:
            tail = tuple([pack_one(pattern[i]) if name is None else name for i, name in shape.tail])
        self.tail: tuple[Any, ...] = tail

    def begin(self, bindings: Mapping[str, Any]) -> bytes:
        """The packed prefix shared by every row matching the pattern under `bindings`."""
        tail = self.tail
        if not tail:
            return self.head
        if len(tail) == 1:
            return self.head + pack_one(bindings[tail[0]])
        parts = [
            source if isinstance(source, bytes) else pack_one(bindings[source]) for source in tail
        ]
        return self.head + b"".join(parts)

    def bind(self, base: Bindings, pairs: Pairs, skip: int) -> list[Bindings]:
        """`base` extended by the free columns of each key of `pairs`, whose first `skip`
        bytes are the scanned prefix; rows where a repeated variable differs are left out."""
        free, checks = self.free, self.checks
        if checks:
            out = []
            for items in unpack_keys(pairs, skip):
                if not differ(items, checks):
                    bindings = base.copy()
                    for j, name in free:
                        bindings[name] = items[j]
                    out.append(bindings)
            return out
        if len(free) == 1:
            name = free[0][1]  # the only free column is the whole tail
            if not base:
                return [{name: value} for value in lasts(pairs, skip)]
            out = []
            for value in lasts(pairs, skip):
                bindings = base.copy()
                bindings[name] = value
                out.append(bindings)
            return out
        # no repeated variable: the tail holds exactly the free columns, in `free`'s order
        names = [name for _, name in free]
        if not base and len(names) == 2:  # a dict display: ~2.5k instructions less a row
            first, second = names
            return [{first: a, second: b} for a, b in unpack_keys(pairs, skip)]
        if not base:
            return [dict(zip(names, items)) for items in unpack_keys(pairs, skip)]
        out = []
        for items in unpack_keys(pairs, skip):
            bindings = base.copy()
            bindings.update(zip(names, items))
            out.append(bindings)
        return out

    async def probe(self, tx: Any, base: Bindings) -> list[Bindings]:
        """Every extension of `base` (which binds the template's known variables) that
        matches: a point read when no column is free, else a whole range read."""
        begin = self.begin(base)
        if not self.free:  # every column known: `begin` is the whole key
            return [base.copy()] if await found.get(tx, begin) is not None else []
        return self.bind(base, await read_all(tx, begin), len(begin))

    async def pages(
        self, tx: Any, base: Bindings, begin: bytes, start: bytes, limit: int, first: int = 0
    ) -> AsyncIterator[list[Bindings]]:
        """Pages of `base` extended by each row of `[start, begin + 0xff)` (`begin` <=
        `start`), at most `limit` rows read (0: no limit), the first page of `first` rows
        (0: FIRST_PAGE)."""
        if not self.free:
            if start == begin and await found.get(tx, begin) is not None:
                yield [base.copy()]
            return
        skip = len(begin)
        first = first or FIRST_PAGE
        if limit:
            first = min(limit, first)
        async for pairs in key_pages(tx, start, begin + b"\xff", limit, first):
            page = self.bind(base, pairs, skip)
            if page:
                yield page
