"""Read-only views: the index, navigate (pattern queries, optionally as of a past change),
and diff (what changed between two points of history)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import found
from found.ext import vnstore

from .encoding import EncodingError, fromstring
from .http import HTTPError, Request, Response
from .pages import State, applied_changes, applied_point, page_number, render, version

#: Diff pages stop after this many differences (the page says so).
MAX_DIFF = 1000


async def index(request: Request) -> Response:
    """GET /: what this server serves, and where to go."""
    state = State(request)
    changes = await found.transactional(state.db, vnstore.change_list, state.store)
    pending = sum(1 for c in changes if c["significance"] is None)
    return render(request, "index.html", total=len(changes), pending=pending)


def _pattern(request: Request, columns: tuple[str, ...]) -> tuple[list[Any], dict[str, str]]:
    """The query pattern from the navigate form: an empty field is a variable."""
    pattern: list[Any] = []
    texts: dict[str, str] = {}
    for column in columns:
        text = request.arg(column)
        texts[column] = text
        if text == "":
            pattern.append(vnstore.var(column))
            continue
        if text == "_":
            raise HTTPError(400, f"Column {column!r}: '_' makes a new uuid, it cannot match.")
        try:
            pattern.append(fromstring(text))
        except EncodingError as exc:
            raise HTTPError(400, f"Column {column!r}: {exc}") from None
    return pattern, texts


async def navigate(request: Request) -> Response:
    """GET /navigate/: the tuples matching the form's pattern, a page at a time, in the latest
    state or as of an applied change (`as_of`)."""
    state = State(request)
    columns = state.config.columns
    pattern, texts = _pattern(request, columns)
    as_of = await applied_point(request, "as_of")
    page = page_number(request)
    size = state.config.page_size
    skip = (page - 1) * size

    async def run(tx: Any) -> list[dict[str, Any]]:
        results = vnstore.query(tx, state.store, tuple(pattern), as_of=as_of)
        out = []
        position = 0
        async for bindings in results:
            position += 1
            if position > skip:
                out.append(bindings)
            if len(out) > size:
                break
        await results.aclose()
        return out

    try:
        found_rows = await found.transactional(state.db, run, snapshot=True)
    except (ValueError, TypeError) as exc:  # a value the tuple layer cannot encode
        raise HTTPError(400, f"The pattern cannot be searched: {exc}") from None
    rows = [
        tuple(b[c] if isinstance(p, vnstore.Variable) else p for c, p in zip(columns, pattern))
        for b in found_rows[:size]
    ]
    return render(
        request,
        "navigate.html",
        rows=rows,
        texts=texts,
        page=page,
        more=len(found_rows) > size,
        as_of=as_of,
        points=await applied_changes(request),
        version=version,
        query=_query_string,
    )


def _query_string(texts: dict[str, str], **extra: Any) -> str:
    """The query string of a navigate link: the pattern plus `extra` (empty ones dropped)."""
    fields = {k: v for k, v in {**texts, **extra}.items() if v not in ("", None)}
    return urlencode(fields)


async def diff(request: Request) -> Response:
    """GET /diff/?start=&end=: tuples that became alive or died between two applied changes
    (empty start: the empty store; empty end: the latest state)."""
    state = State(request)
    start = await applied_point(request, "start")
    end = await applied_point(request, "end")

    async def run(tx: Any) -> tuple[list[vnstore.Delta], bool]:
        out: list[vnstore.Delta] = []
        deltas = vnstore.diff(tx, state.store, start, end)
        try:
            async for delta in deltas:
                if len(out) == MAX_DIFF:
                    return out, True
                out.append(delta)
        finally:
            await deltas.aclose()  # type: ignore[attr-defined]
        return out, False

    try:
        deltas, cut = await found.transactional(state.db, run, snapshot=True)
    except vnstore.VNStoreException as exc:
        raise HTTPError(400, str(exc)) from None
    return render(
        request,
        "diff.html",
        deltas=deltas,
        cut=cut,
        limit=MAX_DIFF,
        start=start,
        end=end,
        points=await applied_changes(request),
        version=version,
    )
