"""Pattern matching: one range scan per pattern, and nested-loop joins over pages.

A pattern has one entry per column: a value, or a `Variable`. The values pick the index whose
ordering puts their positions first, so the scan reads exactly the tuples that agree on them.
A variable that occurs more than once means equality: the rows where its positions hold
different values (as the tuple layer sees them: `1`, `1.0` and `True` differ) are skipped.

Internally results travel as pages (lists of bindings dicts): a scan reads a page per
`found.get_range`, a join extends a whole page before handing it on, and only the public
async generators (`select`, `where`, `query`) yield one dict at a time.
"""

from __future__ import annotations

import asyncio
import operator
from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from typing import Any, Callable, Optional

import found

from ._store import NStore, NStoreException, Variable
from ._template import PROBE_PAGE, Bindings, Template, _pack_one, key_pages, read_all

__all__ = ["Bindings", "Join", "Scan", "Template", "count", "scan", "select", "where"]


class Scan:
    """The range and whole-key decoding recipe of one pattern (for `scan` and `count`)."""

    __slots__ = ("begin", "end", "groups", "index", "n", "reorder", "skip")

    def __init__(self, store: NStore, pattern: Sequence[Any]) -> None:
        if len(pattern) != store.n:
            raise NStoreException(f"{store.name}: expected {store.n} items, got {len(pattern)}")
        bound = frozenset(i for i, x in enumerate(pattern) if not isinstance(x, Variable))
        number = self.index = store.index_for(bound)
        order = store.indices[number]
        subspace = store.subspace(number)
        self.begin = subspace + found.pack(tuple(pattern[i] for i in order[: len(bound)]))
        self.end = self.begin + b"\xff"  # 0xff is never a type code: covers every extension
        self.skip = len(subspace)
        self.n = store.n
        inverse = [order.index(i) for i in range(store.n)]
        # one column has only the identity order, so itemgetter always gets 2+ positions
        self.reorder: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
            tuple if order == tuple(range(store.n)) else operator.itemgetter(*inverse)
        )
        positions: dict[str, list[int]] = {}
        for i, x in enumerate(pattern):
            if isinstance(x, Variable):
                positions.setdefault(x.name, []).append(i)
        self.groups = [p for p in positions.values() if len(p) > 1]

    def decode(self, key: bytes) -> tuple[bytes, Optional[tuple[Any, ...]]]:
        """(order key, items in column order), or items None when a repeated variable differs.

        The order key is the key without its index prefix: two stores of the same width
        scanned with patterns binding the same positions yield comparable order keys.
        """
        rest = key[self.skip :]
        items = self.reorder(found.unpack(rest))
        for group in self.groups:
            first = found.pack((items[group[0]],))
            if any(found.pack((items[i],)) != first for i in group[1:]):
                return rest, None
        return rest, items


def substitute(pattern: Sequence[Any], bindings: Optional[Mapping[str, Any]]) -> list[Any]:
    """`pattern` with every variable that `bindings` knows replaced by its value."""
    if not bindings:
        return list(pattern)
    return [
        bindings[x.name] if isinstance(x, Variable) and x.name in bindings else x for x in pattern
    ]


async def scan(
    tx: Any, store: NStore, *pattern: Any, after: Optional[bytes] = None
) -> AsyncIterator[tuple[bytes, tuple[Any, ...]]]:
    """Yield `(order_key, items)` for every tuple matching `pattern`, in index order.

    A lower-level form of `select` for layers that merge several stores scanned in step.
    With `after` (an order key this scan yielded), resume just after that tuple.
    """
    plan = Scan(store, pattern)
    begin = plan.begin
    if after is not None:
        begin = max(begin, store.subspace(plan.index) + after + b"\x00")
    async for pairs in key_pages(tx, begin, plan.end):
        for key, _ in pairs:
            order_key, items = plan.decode(key)
            if items is not None:
                yield order_key, items


def known_names(pattern: Sequence[Any], bindings: Optional[Mapping[str, Any]]) -> frozenset[str]:
    """The variables of `pattern` that `bindings` gives values to."""
    if not bindings:
        return frozenset()
    return frozenset(x.name for x in pattern if isinstance(x, Variable) and x.name in bindings)


async def select(
    tx: Any,
    store: NStore,
    *pattern: Any,
    seed: Optional[Mapping[str, Any]] = None,
    after: Optional[Mapping[str, Any]] = None,
    limit: int = 0,
) -> AsyncIterator[Bindings]:
    """Yield one dict per tuple matching `pattern`: `seed` plus each variable's value.

    Variables already bound in `seed` act as values. Results come in index order, so they
    can be read in pages: `limit` stops after that many results (0: no limit), and
    `after=` the last bindings of the previous page resumes just after it.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be an int >= 0, not {limit!r}")
    template = Template(store, pattern, known_names(pattern, seed))
    base = dict(seed) if seed else {}
    begin = start = template.begin(base)
    if after is not None:
        last = substitute(pattern, {**base, **after})
        if any(isinstance(x, Variable) for x in last):
            raise NStoreException(f"{store.name}: `after` must bind every variable")
        cursor = found.pack(tuple(last[i] for i in template.order))
        start = max(begin, template.subspace + cursor + b"\x00")
    # A repeated variable skips rows, so `limit` cannot bound the rows read, only the matches
    rows = limit if not template.checks else 0
    left = limit
    async for page in template.pages(tx, base, begin, start, rows):
        if limit:
            if len(page) >= left:
                page = page[:left]
            left -= len(page)
        for bindings in page:
            yield bindings
        if limit and left <= 0:
            return


_EXACT = found.STREAMING_MODE_EXACT

#: Probes of one page issued at once, when the backend answers reads asynchronously.
CONCURRENT_PROBES = 64


async def _gather(tx: Any, probe: Any, page: list[Bindings], out: list[Bindings]) -> None:
    """Probe every binding of `page` concurrently, CONCURRENT_PROBES at a time, into `out`
    (in the page's order); on an error the probes still running are cancelled."""
    for start in range(0, len(page), CONCURRENT_PROBES):
        tasks = [
            asyncio.ensure_future(probe(tx, bindings))
            for bindings in page[start : start + CONCURRENT_PROBES]
        ]
        try:
            for matches in await asyncio.gather(*tasks):
                out.extend(matches)
        except BaseException:
            for task in tasks:
                task.cancel()
            raise


async def _one_by_one(
    tx: Any, template: Template, page: list[Bindings], out: list[Bindings]
) -> None:
    """`Template.probe` of every binding of `page` in turn, into `out`, inlined: the page's
    dicts belong to the join, so one that a point read confirms passes on as it is."""
    begin = template.begin
    if not template.free:
        get = found.get
        for bindings in page:
            if await get(tx, begin(bindings)) is not None:
                out.append(bindings)
        return
    if len(template.tail) == 1 and len(template.free) == 1 and not template.checks:
        await _one_known_one_free(tx, template, page, out)
        return
    bind, get_range = template.bind, found.get_range
    for bindings in page:
        prefix = begin(bindings)
        pairs = await get_range(tx, prefix, prefix + b"\xff", limit=PROBE_PAGE, mode=_EXACT)
        if pairs:
            if len(pairs) == PROBE_PAGE:  # a full first page: `read_all` reads on
                pairs = await read_all(tx, prefix)
            out.extend(bind(bindings, pairs, len(prefix)))


async def _one_known_one_free(
    tx: Any, template: Template, page: list[Bindings], out: list[Bindings]
) -> None:
    """`_one_by_one` for the commonest probe, inlined further: one known variable after the
    values of the prefix, one free column (`Template.begin` and `bind` without the calls;
    a string is packed and decoded straight, as `_pack_one` and `_lasts` do). The last
    match of a binding extends the join's own dict instead of a copy."""
    head, known, name = template.head, template.tail[0], template.free[0][1]
    get_range, unpack = found.get_range, found.unpack
    for bindings in page:
        value = bindings[known]
        if type(value) is str and "\x00" not in value and value.isascii():
            prefix = head + b"\x02" + value.encode() + b"\x00"
        else:
            prefix = head + _pack_one(value)
        pairs = await get_range(tx, prefix, prefix + b"\xff", limit=PROBE_PAGE, mode=_EXACT)
        if not pairs:
            continue
        if len(pairs) == PROBE_PAGE:  # a full first page: `read_all` reads on
            pairs = await read_all(tx, prefix)
        skip = len(prefix)
        last = len(pairs) - 1
        for i, (key, _) in enumerate(pairs):
            if key[skip] == 0x02 and key.find(b"\x00", skip + 1) == len(key) - 1:
                try:
                    value = key[skip + 1 : -1].decode()
                except UnicodeDecodeError:
                    value = unpack(key, skip)[0]  # raises, naming the offset
            else:
                value = unpack(key, skip)[0]
            extended = bindings if i == last else bindings.copy()
            extended[name] = value
            out.append(extended)


class Join:
    """One nested-loop stage of a query: extends pages of bindings, all of which give values
    to exactly the variables `known` of `pattern`, by the matches of `pattern` (one probe
    per binding).

    The first probe of a page tells how the backend answers: once a read has suspended (a
    cluster, the C API), the other probes of each page run concurrently; while reads
    complete at once (the embedded engine, whose reads never wait), one after the other,
    which costs less there. The results are the same either way.
    """

    __slots__ = ("concurrent", "template")

    def __init__(self, store: NStore, pattern: Sequence[Any], known: frozenset[str]) -> None:
        self.template = Template(store, pattern, known)
        self.concurrent = False

    async def extend(self, tx: Any, page: list[Bindings]) -> list[Bindings]:
        """The extensions of every binding of `page` (which the join may pass on as they
        are: they belong to it), in the page's order."""
        out: list[Bindings] = []
        if not page:
            return out
        template, rest = self.template, page
        if not self.concurrent:
            suspended: list[bool] = []
            marker = asyncio.get_running_loop().call_soon(suspended.append, True)
            out.extend(await template.probe(tx, page[0]))
            marker.cancel()
            self.concurrent, rest = bool(suspended), page[1:]
        if self.concurrent:
            await _gather(tx, template.probe, rest, out)
        else:
            await _one_by_one(tx, template, rest, out)
        return out


async def where(
    tx: Any, store: NStore, iterator: AsyncIterable[Mapping[str, Any]], *pattern: Any
) -> AsyncIterator[Bindings]:
    """For each bindings dict from `iterator`, yield its extensions that match `pattern`.

    This is a nested-loop join: each incoming binding fills the variables it knows, and the
    rest of the pattern is matched with one range scan, read whole (the matches of one
    binding are usually few), or a point read when no column is left free. The scan recipe
    is built once per set of known variables.
    """
    if len(pattern) != store.n:
        raise NStoreException(f"{store.name}: expected {store.n} items, got {len(pattern)}")
    templates: dict[frozenset[str], Template] = {}
    async for bindings in iterator:
        known = known_names(pattern, bindings)
        template = templates.get(known)
        if template is None:
            template = templates[known] = Template(store, pattern, known)
        for out in await template.probe(tx, dict(bindings)):
            yield out


async def count(tx: Any, store: NStore, *pattern: Any) -> int:
    """The exact number of tuples in `store` that match `pattern` (one range scan)."""
    plan = Scan(store, pattern)
    total = 0
    async for pairs in key_pages(tx, plan.begin, plan.end):
        if plan.groups:
            total += sum(1 for key, _ in pairs if plan.decode(key)[1] is not None)
        else:
            total += len(pairs)
    return total
