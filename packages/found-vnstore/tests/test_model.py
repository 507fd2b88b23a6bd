"""vnstore against a brute-force model: random change histories, views, time travel, diff."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import found
from found.ext import vnstore
from found.ext.vnstore import var

# few distinct tuples, so that changes often touch the same ones (and conflict)
TUPLE = st.tuples(st.sampled_from(["a", "a", "b"]), st.just(1), st.sampled_from([1, True]))
# (operation, change slot, tuple): the tuple is ignored by apply and abort
KINDS = ["add", "add", "add", "remove", "remove", "apply", "apply", "abort"]
STEP = st.tuples(st.sampled_from(KINDS), st.integers(0, 2), TUPLE)
POSITION = st.one_of(st.sampled_from(["a", 1, True, 2]), st.sampled_from(["?x", "?y"]))
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def key(items):
    return found.pack(tuple(items))


class ModelChange:
    """What the implementation records for one pending change, by the documented rules."""

    def __init__(self) -> None:
        self.adds: dict[bytes, tuple] = {}
        self.removes: dict[bytes, tuple] = {}
        self.reads: dict[bytes, int] = {}  # tuple -> number of applied changes at first read

    def view(self, latest: dict[bytes, tuple]) -> dict[bytes, tuple]:
        out = {k: v for k, v in latest.items() if k not in self.removes}
        out.update(self.adds)
        return out


def matches(pattern, items) -> bool:
    seen = {}
    for slot, value in zip(pattern, items):
        if isinstance(slot, vnstore.Variable):
            if slot.name in seen and key((seen[slot.name],)) != key((value,)):
                return False
            seen[slot.name] = value
        elif key((slot,)) != key((value,)):
            return False
    return True


@SETTINGS
@given(steps=st.lists(STEP, min_size=4, max_size=16), raw=st.tuples(*[POSITION] * 3))
async def test_histories_match_the_model(db, h, steps, raw) -> None:
    store = h.fresh(("s", "p", "o"))
    latest: dict[bytes, tuple] = {}
    applied: list[tuple] = []  # (changeid, touched keys, snapshot after)
    slots: dict[int, tuple] = {}  # slot -> (changeid, ModelChange)

    async def open_slot(slot):
        if slot not in slots:
            slots[slot] = (await h.change(db, store, apply=False), ModelChange())
        return slots[slot]

    for step in steps:
        if step[0] in ("add", "remove"):
            _, slot, items = step
            changeid, model = await open_slot(slot)
            k = key(items)
            model.reads.setdefault(k, len(applied))
            visible = k in model.view(latest)

            async def write(tx, op=step[0], items=items, changeid=changeid):
                vnstore.change_continue(tx, store, changeid)
                return await getattr(vnstore, op)(tx, store, *items)

            result = await h.run(db, write)
            if step[0] == "add":
                assert result is True
                if not visible:
                    model.removes.pop(k, None)
                    if k not in latest:
                        model.adds[k] = items
            else:
                assert result is visible
                if visible:
                    model.adds.pop(k, None)
                    if k in latest:
                        model.removes[k] = items
        elif step[1] in slots:
            changeid, model = slots[step[1]]
            if step[0] == "abort":
                await h.run(db, vnstore.change_abort, store, changeid)
                del slots[step[1]]
                continue
            conflict = any(
                k in touched
                for k, moment in model.reads.items()
                for _, touched, _ in applied[moment:]
            )
            try:
                await h.run(db, vnstore.change_apply, store, changeid)
            except vnstore.ChangeConflict:
                assert conflict
                event("conflict")
                continue
            assert not conflict
            event("applied")
            for k, items in model.adds.items():
                latest[k] = items
            for k in model.removes:
                latest.pop(k, None)
            applied.append((changeid, {**model.adds, **model.removes}, dict(latest)))
            del slots[step[1]]

    assert await h.rows(db, store) == set(latest.values())
    for changeid, model in slots.values():
        assert await h.rows(db, store, changeid) == set(model.view(latest).values())
    for changeid, _, snapshot in applied:
        assert await h.rows(db, store, as_of=changeid) == set(snapshot.values())

    points = [(None, {})] + [(c, snap) for c, _, snap in applied] + [(None, latest)]
    for (start, before), (end, after) in zip(points, points[1:]):

        async def diff(tx, start=start, end=end):
            return [d async for d in vnstore.diff(tx, store, start, end)]

        got = await h.run(db, diff)
        expected = sorted(
            [(k, True) for k in after if k not in before]
            + [(k, False) for k in before if k not in after]
        )
        assert [(key(d.items), d.alive) for d in got] == expected

    pattern = tuple(var(x[1:]) if isinstance(x, str) and x.startswith("?") else x for x in raw)

    async def pick(tx, as_of=None):
        return [b async for b in vnstore.select(tx, store, *pattern, as_of=as_of)]

    got = await h.run(db, pick)
    assert len(got) == sum(1 for items in latest.values() if matches(pattern, items))
    for changeid, _, snapshot in applied:
        got = await h.run(db, pick, changeid)
        assert len(got) == sum(1 for items in snapshot.values() if matches(pattern, items))
