"""Views of the change history: list, create, detail, add, remove, apply.

Every POST goes through `_post` (CSRF check then form read); every store error becomes a 4xx
page: unknown change 404, applied change or conflict 409, anything else the store refuses 400.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import found
from found.ext import vnstore

from .encoding import EncodingError, fromstring
from .http import HTTPError, Request, Response, redirect
from .pages import State, load_change, page_number, render, version
from .security import FIELD

#: Longest change description accepted.
MAX_DESCRIPTION = 2000


def detail_url(changeid: uuid.UUID) -> str:
    return f"/history/u/{changeid.hex}/"


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn what the store or the database refuses into 4xx pages."""
    try:
        yield
    except vnstore.ChangeNotFound as exc:
        raise HTTPError(404, str(exc)) from None
    except vnstore.ChangeConflict as exc:
        raise HTTPError(
            409,
            f"This change cannot be applied: change {exc.other.hex}, applied since this one "
            f"read it, changed the tuple {exc.items!r}. Build a new change on the new state.",
        ) from None
    except vnstore.ChangeApplied:
        raise HTTPError(409, "This change is already applied: it cannot change any more.") from None
    except vnstore.VNStoreException as exc:
        raise HTTPError(400, str(exc)) from None
    except found.FoundException as exc:
        if exc.code in (2101, 2102, 2103):  # transaction, key or value too large
            raise HTTPError(413, f"The database refused the write: {exc}") from None
        raise


async def _post(request: Request) -> State:
    state = State(request)
    await request.read_form(state.config.max_body)
    state.csrf.check(request)
    return state


async def history(request: Request) -> Response:
    """GET /history/: every change, newest first, a page at a time."""
    state = State(request)
    page = page_number(request)
    size = state.config.page_size
    # One change more than a page tells whether an older page exists.
    changes = await found.transactional(
        state.db,
        vnstore.change_list,
        state.store,
        newest_first=True,
        offset=(page - 1) * size,
        limit=size + 1,
    )
    rows, more = changes[:size], len(changes) > size
    return render(
        request,
        "history.html",
        changes=rows,
        page=page,
        more=more,
        version=version,
    )


async def change_form(request: Request) -> Response:
    """GET /history/change/: the new-change form."""
    return render(request, "change_new.html")


async def change_create(request: Request) -> Response:
    """POST /history/change/: create a change with its description, go to its page."""
    state = await _post(request)
    description = request.field("description").strip()
    if not description:
        raise HTTPError(400, "Describe the change: the description is empty.")
    if len(description) > MAX_DESCRIPTION:
        raise HTTPError(400, f"The description is longer than {MAX_DESCRIPTION} characters.")

    async def create(tr: Any) -> uuid.UUID:
        changeid = await vnstore.change_create(tr, state.store)
        await vnstore.change_message(tr, state.store, changeid, description)
        return changeid

    return redirect(detail_url(await found.transactional(state.db, create)))


async def detail(request: Request) -> Response:
    """GET /history/u/{hex}/: a change, what it adds and removes, and what can be done."""
    state = State(request)
    change = await load_change(request, request.params["hex"])
    page = page_number(request)
    with store_errors():
        ops = await found.transactional(
            state.db, vnstore.change_changes, state.store, change["uid"]
        )
    size = state.config.page_size
    return render(
        request,
        "change.html",
        change=change,
        ops=ops[(page - 1) * size : page * size],
        total=len(ops),
        page=page,
        more=len(ops) > page * size,
        version=version,
    )


def _items(request: Request, state: State) -> tuple[Any, ...]:
    """The tuple of the add/remove form: one field per column, each decoded."""
    expected = set(state.config.columns) | {FIELD}
    unknown = sorted(set(request.form) - expected)
    if unknown:
        raise HTTPError(
            400,
            f"Unknown fields {', '.join(unknown)}: a tuple has exactly the columns "
            f"{', '.join(state.config.columns)}.",
        )
    items = []
    for column in state.config.columns:
        values = request.form.get(column)
        if values is None:
            raise HTTPError(400, f"The column {column!r} is missing: a tuple needs all columns.")
        if len(values) != 1:
            raise HTTPError(400, f"The column {column!r} is given {len(values)} times.")
        try:
            items.append(fromstring(values[0]))
        except EncodingError as exc:
            raise HTTPError(400, f"Column {column!r}: {exc}") from None
    return tuple(items)


async def tuple_form(request: Request) -> Response:
    """GET /history/u/{hex}/add/ and /remove/: the form of one tuple."""
    change = await load_change(request, request.params["hex"])
    if change["significance"] is not None:
        raise HTTPError(409, "This change is already applied: it cannot change any more.")
    return render(request, "tuple_form.html", change=change, action=request.params["action"])


async def tuple_post(request: Request) -> Response:
    """POST /history/u/{hex}/add/ and /remove/: add or remove one tuple in the change."""
    state = await _post(request)
    change = await load_change(request, request.params["hex"])
    items = _items(request, state)
    changeid = change["uid"]
    write = vnstore.add if request.params["action"] == "add" else vnstore.remove

    async def apply_write(tr: Any) -> bool:
        vnstore.change_continue(tr, state.store, changeid)
        return bool(await write(tr, state.store, *items))

    with store_errors():
        done = await found.transactional(state.db, apply_write)
    if not done:
        raise HTTPError(400, f"The tuple {items!r} is not in the store: nothing to remove.")
    return redirect(detail_url(changeid))


async def apply_form(request: Request) -> Response:
    """GET /history/u/{hex}/apply/: confirmation page."""
    state = State(request)
    change = await load_change(request, request.params["hex"])
    if change["significance"] is not None:
        raise HTTPError(409, "This change is already applied.")
    ops = await found.transactional(state.db, vnstore.change_changes, state.store, change["uid"])
    size = state.config.page_size
    return render(request, "apply.html", change=change, ops=ops[:size], total=len(ops))


async def apply_post(request: Request) -> Response:
    """POST /history/u/{hex}/apply/: apply the change (409 if applied or in conflict)."""
    state = await _post(request)
    change = await load_change(request, request.params["hex"])
    if change["significance"] is not None:
        raise HTTPError(409, "This change is already applied: applying it twice does nothing.")
    with store_errors():
        await found.transactional(state.db, vnstore.change_apply, state.store, change["uid"])
    return redirect(detail_url(change["uid"]))
