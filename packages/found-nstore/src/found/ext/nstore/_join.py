"""Nested-loop joins: extending pages of bindings by the matches of one more pattern.

A `Join` is one stage of a query. Each binding of a page fills the variables the pattern
shares with the stages before it, and one read finds its matches: a range read of the keys
that extend the filled-in prefix (`Template.begin`), or a point read when no column is left
free. The stage takes a whole page (a list) and returns the extended page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Optional

import found

from ._codec import pack_one
from ._store import NStore
from ._template import PROBE_PAGE, Bindings, Template, read_all

__all__ = ["CONCURRENT_PROBES", "Join"]

_EXACT = int(found.STREAMING_MODE_EXACT)  # a plain int: found's fast path for byte keys

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
    a string is packed and decoded straight, as `_codec.pack_one` and `lasts` do). The last
    match of a binding extends the join's own dict instead of a copy."""
    head, known, name = template.head, template.tail[0], template.free[0][1]
    string_head = head + b"\x02"
    get_range, unpack = found.get_range, found.unpack
    for bindings in page:
        value = bindings[known]
        if type(value) is str and "\x00" not in value and value.isascii():
            prefix = string_head + value.encode() + b"\x00"
        else:
            prefix = head + pack_one(value)
        pairs = await get_range(tx, prefix, prefix + b"\xff", PROBE_PAGE, False, _EXACT)
        if not pairs:
            continue
        if len(pairs) == PROBE_PAGE:  # a full first page: `read_all` reads on
            pairs = await read_all(tx, prefix)
        skip = len(prefix)
        for key, _ in pairs:
            if key[skip] == 0x02 and key.find(b"\x00", skip + 1) == len(key) - 1:
                try:
                    value = key[skip + 1 : -1].decode()
                except UnicodeDecodeError:
                    value = unpack(key, skip)[0]  # raises, naming the offset
            else:
                value = unpack(key, skip)[0]
            if key is pairs[-1][0]:  # the last match: the join's own dict
                bindings[name] = value
                out.append(bindings)
            else:
                extended = bindings.copy()
                extended[name] = value
                out.append(extended)


class Join:
    """One nested-loop stage of a query: extends pages of bindings, all of which give values
    to exactly the variables `known` of `pattern`, by the matches of `pattern` (one probe
    per binding).

    On an embedded database (`Database.kind == "embedded"`), whose reads complete without
    waiting, the probes of a page run one after the other, which costs least there; on any
    other (a cluster, whose reads wait on the network) they run concurrently,
    `CONCURRENT_PROBES` at a time. The results are the same either way.
    """

    __slots__ = ("template",)

    def __init__(
        self,
        store: NStore,
        pattern: Sequence[Any],
        known: frozenset[str],
        names: Optional[tuple] = None,
    ) -> None:
        self.template = Template(store, pattern, known, names)

    async def extend(self, tx: Any, page: list[Bindings]) -> list[Bindings]:
        """The extensions of every binding of `page` (which the join may pass on as they
        are: they belong to it), in the page's order."""
        out: list[Bindings] = []
        if tx.db.kind == "embedded":
            await _one_by_one(tx, self.template, page, out)
        else:
            await _gather(tx, self.template.probe, page, out)
        return out
