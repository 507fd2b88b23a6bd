"""Conjunctive queries: several patterns joined on their shared variables.

Unless the caller passes `ordered=True`, `query` picks the order of the patterns itself, once,
before reading any result. The size of a pattern is the number of tuples matching its values
(its variables free), measured lazily, each measure only for the patterns still tied:

- COUNT: its matches counted up to `FIRST_COUNT` (32) keys;
- COUNT_MORE: counted up to `PLAN_LIMIT` (1,000) keys, for those that reached 32, in turns
  (most values first in each), each turn twice as far as the last; once one range ends, the
  others stop one key past its count (they cannot be the smallest any more);
- COUNT_FAR: for those that reached 1,000, counted on in turns (pages doubling from 1,000
  keys, each resuming where the last stopped) until one ends; the others then stop one key
  past it. A pattern that passes `FAR_LIMIT` (16,000) keys stays tied for:
- ESTIMATE: `found.estimated_size_bytes` of its range over the average size of the keys
  counted (the embedded engine samples the range, exact below 1,024 keys; a cluster may
  answer 0 below a few megabytes, which leaves the tie).

The order:

1. the first pattern has the smallest COUNT, then COUNT_MORE, then the most values, then the
   smallest COUNT_FAR, then ESTIMATE; but the COUNTs are taken most values first, and a
   pattern with at most one match (or no variable at all, uncounted) is taken at once, the
   others left uncounted (the join then reads no more than counting them would);
2. each next pattern is, among those sharing a variable with the patterns already placed (all
   of them when none does), the one with the most positions bound by values or by variables
   already placed, then the smallest COUNT, COUNT_MORE, COUNT_FAR, ESTIMATE;
3. remaining ties go to the caller's order.

Planning reads at most `FAR_LIMIT` keys per pattern, in the caller's transaction, so those
reads are read conflicts too; the query starts from the first pattern's rows that counting
read, and reads only the rest of its range. With a single pattern, or with
`ordered=True`, nothing is measured and the patterns run in the caller's order: the first
one is scanned, every other one joins (a nested loop: one range read per binding, a point
read when the binding leaves no column free; see `_join.Join`). Results pass between the
stages as pages (lists); only the final generator yields them one by one. What all this owes
to the patterns' shapes alone (not to their values or sizes) is computed once per store and
shape (`_chain.Chain`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Optional

import found

from . import _template
from ._chain import Chain, chain_of
from ._join import Join
from ._sizes import COUNT, COUNT_FAR, COUNT_MORE, ESTIMATE, Sizes
from ._store import NStore
from ._template import NONE_KNOWN, Bindings, Pairs, Template

_EXACT = int(found.STREAMING_MODE_EXACT)  # a plain int: found's fast path for byte keys


async def plan(tx: Any, store: NStore, patterns: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """The patterns in the order `query` runs them (see the module docstring)."""
    if len(patterns) < 2:
        chain_of(store, patterns)  # the widths
        return list(patterns)
    order = (await _plan(tx, store, patterns, chain_of(store, patterns)))[0]
    return [patterns[i] for i in order]


async def _plan(
    tx: Any, store: NStore, patterns: Sequence[Sequence[Any]], chain: Chain
) -> tuple[list[int], Optional[Pairs], bool, Optional[Template]]:
    """The order `plan` gives (as indexes into `patterns`), the first pattern's rows that
    counting read (from its range's start; None when it was not counted), whether they are
    all of its rows, and its scan recipe when counting built it."""
    names = chain.names
    sizes = Sizes(tx, store, patterns, chain.keys)
    first = None
    # most values first: a pattern with at most one match starts the query uncontested (the
    # join then reads no more than counting the others would), so they are not counted; a
    # pattern without variables has at most one match, so it is not counted either
    for i in chain.by_values:
        if not names[i] or await sizes.size(i, COUNT) <= 1:
            first = i
            break
    if first is None:
        every = list(range(len(patterns)))
        most = {i: -chain.values[i] for i in every}
        first = await sizes.pick(
            [dict.fromkeys(every, 0), COUNT, COUNT_MORE, most, COUNT_FAR, ESTIMATE]
        )
    order = chain.order_after(first)  # bound positions decide every step: nothing to measure
    if order is None:
        order = [first]
        remaining = [i for i in range(len(patterns)) if i != first]
        known = set(names[first])
        while remaining:
            ranks = chain.ranks(remaining, known)
            chosen = await sizes.pick([ranks, COUNT, COUNT_MORE, COUNT_FAR, ESTIMATE])
            order.append(chosen)
            remaining.remove(chosen)
            known.update(names[chosen])
    template = sizes.templates.get(first)
    if first in sizes.rows:
        return order, sizes.rows[first], True, template
    return order, sizes.seen.get(first), False, template


async def _through(tx: Any, joins: list[Join], page: list[Bindings]) -> list[Bindings]:
    """`page` extended by every join in turn."""
    for stage in joins:
        if not page:
            break
        page = await stage.extend(tx, page)
    return page


async def query(
    tx: Any, store: NStore, pattern: Sequence[Any], *patterns: Sequence[Any], ordered: bool = False
) -> AsyncIterator[Bindings]:
    """Yield every bindings dict that satisfies `pattern` and all `patterns` at once.

    Use it directly with `async for`. The join order is chosen by estimated selectivity
    unless `ordered=True` (then it is the order given); results stream as they are found.
    """
    patterns = (pattern, *patterns)
    chain = chain_of(store, patterns)  # every pattern's width, before the first read
    rows: Optional[Pairs] = None
    complete = False
    first: Optional[Template] = None
    keys = chain.keys
    if not patterns[1:]:  # a single pattern: a scan, no join
        first = Template(store, pattern, NONE_KNOWN, keys[0])
        joins: list[Join] = []
    else:
        if not ordered:
            order, rows, complete, first = await _plan(tx, store, patterns, chain)
        else:
            order = list(range(len(patterns)))
        if first is None:
            first = Template(store, patterns[order[0]], NONE_KNOWN, keys[order[0]])
        joins = [Join(store, patterns[i], known, keys[i]) for i, known in chain.steps(order)]
    begin = first.head  # no variable is known: every value is in the head
    if rows is None:  # the planner read none of the first pattern's rows: one read now
        if not first.free:
            rows = [(begin, b"")] if await found.get(tx, begin) is not None else []
            complete = True
        else:
            end = begin + b"\xff"
            rows = await found.get_range(tx, begin, end, _template.FIRST_PAGE, False, _EXACT)
            complete = len(rows) < _template.FIRST_PAGE
    page = first.bind({}, rows, len(begin))
    if joins:
        page = await _through(tx, joins, page)
    for bindings in page:
        yield bindings
    if not complete:  # the rest of the first pattern's range, in growing pages
        start = rows[-1][0] + b"\x00" if rows else begin
        async for page in first.pages(tx, {}, begin, start, 0, 2 * _template.FIRST_PAGE):
            for bindings in await _through(tx, joins, page):
                yield bindings
