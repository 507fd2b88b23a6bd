"""select, where, count and query on a small fixed graph."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

import found
from found.ext import nstore
from found.ext.nstore import _query, _sizes, var

FACTS = [
    ("alice", "knows", "bob"),
    ("bob", "knows", "carol"),
    ("carol", "knows", "carol"),
    ("alice", "knows", "alice"),
    ("dave", "knows", "alice"),
    ("alice", "age", 30),
    ("bob", "age", 25),
    ("carol", "age", 30),
    ("x", 1, True),
    ("x", 1, 1),
    ("x", 1.0, 1),
]


async def loaded(db) -> nstore.NStore:
    store = nstore.make("graph", ("test-select", uuid.uuid4()), 3)

    async def fill(tx):
        for fact in FACTS:
            await nstore.add(tx, store, *fact)

    await found.transactional(db, fill)
    return store


async def run(db, func, *args, **kwargs):
    async def body(tx):
        return await func(tx, *args, **kwargs)

    return await found.transactional(db, body)


async def collect(tx, agen):
    return [b async for b in agen]


def key(bindings):
    return sorted(tuple(sorted((k, repr(v)) for k, v in b.items())) for b in bindings)


def record_counts(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Make the planner keep its counts in the returned dict (cleared at each new plan), so a
    test can see what it counted."""
    measured: dict = {}
    real = _sizes.Sizes

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            measured.clear()
            self.known = measured

    monkeypatch.setattr(_query, "Sizes", Recording)
    return measured


async def test_select_patterns(db) -> None:
    store = await loaded(db)

    async def scenario(tx):
        people = await collect(tx, nstore.select(tx, store, "alice", "knows", var("who")))
        assert key(people) == key([{"who": "alice"}, {"who": "bob"}])
        ages = await collect(tx, nstore.select(tx, store, var("who"), "age", 30))
        assert key(ages) == key([{"who": "alice"}, {"who": "carol"}])
        exact = await collect(tx, nstore.select(tx, store, "bob", "age", 25))
        assert exact == [{}]
        assert await collect(tx, nstore.select(tx, store, "bob", "age", 26)) == []
        everything = await collect(tx, nstore.select(tx, store, var("s"), var("p"), var("o")))
        assert len(everything) == len(FACTS)
        seeded = await collect(
            tx, nstore.select(tx, store, var("s"), "age", var("a"), seed={"s": "bob", "z": 1})
        )
        assert seeded == [{"s": "bob", "z": 1, "a": 25}]

    await run(db, scenario)


async def test_repeated_variable_means_equality(db) -> None:
    """0.13 bug 7: `(?x, "knows", ?x)` matched every `knows` fact, the last binding winning."""
    store = await loaded(db)

    async def scenario(tx):
        selves = await collect(tx, nstore.select(tx, store, var("x"), "knows", var("x")))
        assert key(selves) == key([{"x": "alice"}, {"x": "carol"}])
        assert await nstore.count(tx, store, var("x"), "knows", var("x")) == 2
        # tuple-layer equality: 1, 1.0 and True are three different values
        same = await collect(tx, nstore.select(tx, store, "x", var("v"), var("v")))
        assert same == [{"v": 1}]
        assert type(same[0]["v"]) is int
        # across patterns too: a cycle of length two
        pairs = await collect(
            tx,
            nstore.query(
                tx,
                store,
                (var("a"), "knows", var("b")),
                (var("b"), "knows", var("a")),
                ordered=True,
            ),
        )
        assert key(pairs) == key([{"a": "alice", "b": "alice"}, {"a": "carol", "b": "carol"}])

    await run(db, scenario)


async def test_where_and_query(db) -> None:
    store = await loaded(db)
    expected = key(
        [
            {"x": "alice", "y": "alice"},
            {"x": "bob", "y": "carol"},
            {"x": "carol", "y": "carol"},
            {"x": "dave", "y": "alice"},
        ]
    )

    async def scenario(tx):
        seeds = nstore.select(tx, store, var("x"), "knows", var("y"))
        joined = await collect(tx, nstore.where(tx, store, seeds, var("y"), "age", 30))
        assert key(joined) == expected
        for ordered in (True, False):
            out = await collect(
                tx,
                nstore.query(
                    tx,
                    store,
                    (var("x"), "knows", var("y")),
                    (var("y"), "age", 30),
                    ordered=ordered,
                ),
            )
            assert key(out) == expected

    await run(db, scenario)


async def test_query_is_an_async_generator(db) -> None:
    """`query` is used with `async for` directly, and yields before reading everything."""
    store = await loaded(db)

    async def scenario(tx):
        out = nstore.query(tx, store, (var("s"), var("p"), var("o")))
        assert hasattr(out, "__anext__")
        first = await out.__anext__()
        await out.aclose()
        return first

    first = await run(db, scenario)
    assert set(first) == {"s", "p", "o"}


async def test_planner_puts_the_selective_pattern_first(db) -> None:
    store = await loaded(db)
    broad = (var("x"), "knows", var("y"))
    narrow = (var("y"), "age", 25)

    async def scenario(tx):
        assert await nstore.plan(tx, store, [broad, narrow]) == [narrow, broad]
        assert await nstore.plan(tx, store, [narrow, broad]) == [narrow, broad]
        # ties on the estimate keep the caller's order; then the most bound positions win
        other = ("x", 1.0, var("z"))
        order = await nstore.plan(tx, store, [broad, other, narrow])
        assert order == [other, narrow, broad]
        # once `y` is known, the pattern sharing it comes before a disconnected one
        wide = ("x", 1, var("z"))
        linked = (var("y"), "knows", "alice")
        order = await nstore.plan(tx, store, [wide, linked, narrow])
        assert order == [narrow, linked, wide]

    await run(db, scenario)


async def test_count(db) -> None:
    store = await loaded(db)

    async def scenario(tx):
        assert await nstore.count(tx, store, var("s"), var("p"), var("o")) == len(FACTS)
        assert await nstore.count(tx, store, var("s"), "knows", var("o")) == 5
        assert await nstore.count(tx, store, "x", var("p"), var("o")) == 3
        assert await nstore.count(tx, store, "nobody", var("p"), var("o")) == 0

    await run(db, scenario)


async def test_pagination(db) -> None:
    """0.13 had no cursor: `limit` and `after=` the last bindings read a pattern in pages."""
    store = nstore.make("pages", ("test-pages", uuid.uuid4()), 3)

    async def fill(tx):
        for i in range(7):
            await nstore.add(tx, store, "x", "p", i)
            await nstore.add(tx, store, "y", i, i)

    await found.transactional(db, fill)

    async def pages(tx, *pattern):
        out, last = [], None
        while True:
            page = [b async for b in nstore.select(tx, store, *pattern, after=last, limit=3)]
            if not page:
                return out
            assert len(page) <= 3
            out.append(page)
            last = page[-1]

    async def scenario(tx):
        got = await pages(tx, "x", "p", var("v"))
        assert [[b["v"] for b in page] for page in got] == [[0, 1, 2], [3, 4, 5], [6]]
        everything = [b async for b in nstore.select(tx, store, var("s"), var("p"), var("o"))]
        paged = await pages(tx, var("s"), var("p"), var("o"))
        assert [b for page in paged for b in page] == everything
        repeated = await pages(tx, "y", var("v"), var("v"))
        assert [b["v"] for page in repeated for b in page] == list(range(7))
        with pytest.raises(nstore.NStoreException):
            await found.all(nstore.select(tx, store, "x", var("a"), var("b"), after={"a": "p"}))
        with pytest.raises(ValueError):
            await found.all(nstore.select(tx, store, "x", "p", var("v"), limit=-1))

    await found.transactional(db, scenario)


async def test_limit_counts_matches_not_rows(db) -> None:
    """With a repeated variable some rows do not match: `limit` counts the matches."""
    store = nstore.make("limits", ("test-limits", uuid.uuid4()), 3)

    async def scenario(tx):
        for i in range(6):
            await nstore.add(tx, store, "z", i, i if i % 2 else i + 100)
        pattern = ("z", var("v"), var("v"))
        out = []
        for limit in (1, 2, 0):
            out.append([b["v"] async for b in nstore.select(tx, store, *pattern, limit=limit)])
        return out

    assert await found.transactional(db, scenario) == [[1], [1, 3], [1, 3, 5]]


async def test_select_reads_are_serializable(db) -> None:
    """Two transactions read a pattern then write into it: the later commit conflicts and its
    retry sees the first one's tuple (no lost update)."""
    store = nstore.make("serial", ("test-serial", uuid.uuid4()), 2)
    first_done = asyncio.Event()
    attempts = []

    async def claim(tx, who, wait):
        attempts.append(who)
        taken = await nstore.count(tx, store, "slot", var("n"))
        if wait and attempts.count(who) == 1:
            await first_done.wait()  # let the other transaction commit in between
        await nstore.add(tx, store, "slot", taken)
        return taken

    async def fast():
        out = await found.transactional(db, claim, "fast", False)
        first_done.set()
        return out

    slow, quick = await asyncio.gather(found.transactional(db, claim, "slow", True), fast())
    assert (quick, slow) == (0, 1)
    assert attempts.count("slow") == 2  # the first attempt was not committed (1020, retried)

    async def everything(tx):
        return [b["n"] async for b in nstore.select(tx, store, "slot", var("n"))]

    assert await found.transactional(db, everything) == [0, 1]


async def test_planner_beyond_the_counting_limit(db, backend_name, monkeypatch) -> None:
    """Patterns with more matches than the planner counts are told apart by their estimated
    size (or, without an estimate, by their number of values), not by the caller's order."""
    monkeypatch.setattr(_sizes, "PLAN_LIMIT", 10)
    store = nstore.make("big", ("test-big", uuid.uuid4()), 3)
    facts = [(i, "knows", i + 1) for i in range(60)] + [(i, "age", 1) for i in range(20)]
    facts += [(i, "type", "T") for i in range(60)]
    await nstore.load(db, store, facts)
    broad = (var("a"), "knows", var("b"))
    narrow = (var("b"), "age", 1)
    typed = (var("b"), "type", "T")

    async def scenario(tx, patterns):
        return await nstore.plan(tx, store, patterns)

    # 1 value against 2 values: decided without any size estimate
    assert await found.transactional(db, scenario, [broad, narrow]) == [narrow, broad]
    # 2 values each, both past the counting limit: the estimated sizes decide
    order = await found.transactional(db, scenario, [typed, narrow])
    if backend_name == "cluster":  # a cluster may not estimate ranges this small (0 bytes)
        assert order in ([narrow, typed], [typed, narrow])
    else:
        assert order == [narrow, typed]


async def test_planner_stops_counting_past_the_smallest(db, monkeypatch) -> None:
    """Counts past the smallest so far stop early, yet the plan is the one full counts give."""
    store = nstore.make("bounded", ("test-bounded", uuid.uuid4()), 3)
    facts = [(i, "likes", "x") for i in range(300)] + [(i, "age", 7) for i in range(100)]
    facts += [(i, "knows", i + 1) for i in range(500)]
    await nstore.load(db, store, facts)
    likes = (var("a"), "likes", "x")
    age = (var("a"), "age", 7)
    knows = (var("a"), "knows", var("b"))

    async def scenario(tx, patterns):
        return await nstore.plan(tx, store, patterns)

    measured = record_counts(monkeypatch)
    for patterns in ([likes, age, knows], [knows, likes, age], [age, knows, likes]):
        order = await found.transactional(db, scenario, patterns)
        assert order == [age, likes, knows]
        assert measured[(patterns.index(age), _sizes.COUNT_MORE)] == 100
        # knows (one value: counted last) stopped one key past the smallest, never in full
        assert (patterns.index(knows), _sizes.COUNT_MORE) not in measured
    assert (2, _sizes.COUNT_MORE) not in measured  # [age, knows, likes]: likes was cut too


async def test_planner_counts_on_past_the_limit(db, monkeypatch) -> None:
    """Tied past PLAN_LIMIT, patterns are counted on in turns until one ends (no estimate);
    past FAR_LIMIT the estimate decides."""
    monkeypatch.setattr(_sizes, "PLAN_LIMIT", 10)
    monkeypatch.setattr(_sizes, "FAR_LIMIT", 120)
    store = nstore.make("far", ("test-far", uuid.uuid4()), 3)
    facts = [(i, "type", "T") for i in range(100)] + [(i, "age", 1) for i in range(40)]
    facts += [(i, "kind", "K") for i in range(300)] + [(i, "size", 9) for i in range(200)]
    await nstore.load(db, store, facts)
    typed, aged = (var("a"), "type", "T"), (var("a"), "age", 1)
    kind, size = (var("a"), "kind", "K"), (var("a"), "size", 9)
    estimates = []
    real = found.estimated_size_bytes

    async def estimate(tx, begin, end):
        estimates.append(begin)
        return await real(tx, begin, end)

    monkeypatch.setattr(found, "estimated_size_bytes", estimate)

    async def scenario(tx, patterns):
        return await nstore.plan(tx, store, patterns)

    for patterns in ([typed, aged], [aged, typed]):
        assert await found.transactional(db, scenario, patterns) == [aged, typed]
    assert estimates == []
    order = await found.transactional(db, scenario, [kind, size])
    assert len(estimates) == 2  # both past FAR_LIMIT: left to the estimate
    assert order in ([size, kind], [kind, size])  # a cluster may not estimate this small


async def test_join_probes_one_by_one_or_concurrently(db, backend_name, monkeypatch):
    """A join probes a page's bindings one by one on an embedded database (its reads never
    wait) and concurrently on any other (here the C API); the results are the same, also
    when reads do yield to the loop."""
    from found.ext.nstore import _join, _template

    store = nstore.make("probes", ("test-probes", uuid.uuid4()), 3)
    facts = [(i, "knows", i + 1) for i in range(150)] + [(i, "age", i % 3) for i in range(151)]
    await nstore.load(db, store, facts)
    patterns = [(var("a"), "knows", var("b")), (var("b"), "age", 1)]
    expected = [(i, i + 1) for i in range(150) if i % 3 == 0]
    gathered = []
    real_gather, real_get = _join._gather, found.get

    async def recording(tx, probe, page, out):
        gathered.append(len(page))
        await real_gather(tx, probe, page, out)

    async def scenario(tx):
        return [b async for b in nstore.query(tx, store, *patterns, ordered=True)]

    monkeypatch.setattr(_join, "_gather", recording)
    monkeypatch.setattr(_join, "CONCURRENT_PROBES", 16)
    got = await found.transactional(db, scenario)
    assert sorted((b["a"], b["b"]) for b in got) == expected
    assert sum(gathered) == (0 if backend_name == "embedded" else 150)

    async def yielding(*args, **kwargs):  # the second pattern is fully bound: point reads
        await asyncio.sleep(0)
        return await real_get(*args, **kwargs)

    monkeypatch.setattr(_template.found, "get", yielding)
    gathered.clear()
    got = await found.transactional(db, scenario)
    assert sorted((b["a"], b["b"]) for b in got) == expected
    assert sum(gathered) == (0 if backend_name == "embedded" else 150)


async def test_planner_starts_from_a_single_match_without_counting_the_rest(db, monkeypatch):
    """A pattern with at most one match (counted first among the most-bound) starts the query
    and the others are not counted; its row is not read twice."""
    store = nstore.make("single", ("test-single", uuid.uuid4()), 3)
    facts = [(i, "knows", i + 1) for i in range(100)] + [(i, "name", f"n{i}") for i in range(100)]
    await nstore.load(db, store, facts)
    path = [(var("b"), "knows", var("c")), (0, "knows", var("b")), (var("c"), "name", var("n"))]
    measured = record_counts(monkeypatch)

    async def scenario(tx):
        order = await nstore.plan(tx, store, path)
        rows = [b async for b in nstore.query(tx, store, *path)]
        return order, rows

    order, rows = await found.transactional(db, scenario)
    assert order == [path[1], path[0], path[2]]
    assert measured == {(1, _sizes.COUNT): 1}  # only the single match was counted
    assert rows == [{"b": 1, "c": 2, "n": "n2"}]


async def test_planner_takes_a_pattern_without_variables_first_uncounted(db, monkeypatch):
    store = nstore.make("ground", ("test-ground", uuid.uuid4()), 3)
    await nstore.load(db, store, [(i, "knows", i + 1) for i in range(50)])
    measured = record_counts(monkeypatch)

    async def scenario(tx, ground):
        patterns = [(var("a"), "knows", var("b")), ground]
        order = await nstore.plan(tx, store, patterns)
        return order, len([b async for b in nstore.query(tx, store, *patterns)])

    assert await found.transactional(db, scenario, (3, "knows", 4)) == (
        [(3, "knows", 4), (var("a"), "knows", var("b"))],
        50,
    )
    assert measured == {}
    assert (await found.transactional(db, scenario, (3, "knows", 5)))[1] == 0


async def test_query_resumes_after_the_rows_the_planner_counted(db, monkeypatch):
    """The first pattern's rows read while planning are not read again: the query goes on
    from the last of them; the results are those of the caller's order."""
    from found.ext.nstore import _template

    monkeypatch.setattr(_template, "FIRST_PAGE", 7)
    monkeypatch.setattr(_sizes, "PLAN_LIMIT", 40)  # both patterns counted in part only
    monkeypatch.setattr(_sizes, "FAR_LIMIT", 50)
    store = nstore.make("resume", ("test-resume", uuid.uuid4()), 3)
    facts = [(i, "type", "T") for i in range(0, 300, 2)] + [(i, "age", 1) for i in range(90)]
    facts += [(i, "type", "U") for i in range(1, 300, 2)]
    await nstore.load(db, store, facts)
    patterns = [(var("s"), "type", "T"), (var("s"), "age", 1)]
    starts = []
    real = found.get_range

    async def recording(tx, begin, end, *args, **kwargs):
        starts.append(begin)
        return await real(tx, begin, end, *args, **kwargs)

    async def scenario(tx, ordered):
        return [b async for b in nstore.query(tx, store, *patterns, ordered=ordered)]

    expected = await found.transactional(db, scenario, True)
    monkeypatch.setattr(found, "get_range", recording)
    got = await found.transactional(db, scenario, False)
    assert sorted(b["s"] for b in got) == sorted(b["s"] for b in expected)
    assert len(got) == 45
    assert len(starts) == len(set(starts))  # no range read twice from the same key


async def test_planner_counts_tied_patterns_in_turns(db, monkeypatch):
    """Patterns with as many values are counted in turns of doubling length: the bigger one
    listed first is not read to PLAN_LIMIT, only about as far as the smaller one's count."""
    store = nstore.make("turns", ("test-turns", uuid.uuid4()), 3)
    facts = [(i, "type", "T") for i in range(600)] + [(i, "age", 1) for i in range(50)]
    await nstore.load(db, store, facts)
    typed, aged = (var("s"), "type", "T"), (var("s"), "age", 1)
    typed_range = store.subspace(store.index_for(frozenset({1, 2}))) + found.pack(("type", "T"))
    read = []
    real = found.get_range

    async def recording(tx, begin, end, *args, **kwargs):
        pairs = await real(tx, begin, end, *args, **kwargs)
        if begin.startswith(typed_range):
            read.extend(pairs)
        return pairs

    monkeypatch.setattr(found, "get_range", recording)
    measured = record_counts(monkeypatch)
    order = await found.transactional(db, lambda tx: nstore.plan(tx, store, [typed, aged]))
    assert order == [aged, typed]
    assert measured[(1, _sizes.COUNT_MORE)] == 50
    assert (0, _sizes.COUNT_MORE) not in measured
    assert len(read) == 2 * _sizes.FIRST_COUNT  # one turn: 64 rows, past the other's 50


async def test_queries_of_one_shape_share_their_static_plan(db, monkeypatch):
    """A chain's shape is analysed once per store: the same shape with other values reuses
    it (and still plans by its own counts); the cache is bounded; a wrong width is refused
    before any read, cached shape or not."""
    from found.ext.nstore import _chain

    store = nstore.make("shapes", ("test-shapes", uuid.uuid4()), 3)
    facts = [(i, "knows", i + 1) for i in range(40)] + [(i, "age", i % 4) for i in range(41)]
    await nstore.load(db, store, facts)

    async def scenario(tx, age):
        patterns = [(var("a"), "knows", var("b")), (var("b"), "age", age)]
        return [b async for b in nstore.query(tx, store, *patterns)]

    for age in range(4):
        got = await found.transactional(db, scenario, age)
        assert sorted((b["a"], b["b"]) for b in got) == [
            (i, i + 1) for i in range(40) if (i + 1) % 4 == age
        ]
    assert len(store.queries) == 1
    monkeypatch.setattr(_chain, "MAX_CHAINS", 1)

    async def other(tx):
        return [b async for b in nstore.query(tx, store, (var("x"), "age", 1), (var("x"), 1))]

    with pytest.raises(nstore.NStoreException):
        await found.transactional(db, other)
    assert len(store.queries) == 1  # a refused chain is not remembered
    assert len(await found.transactional(db, scenario, 1)) == 10

    async def single(tx):
        return [b async for b in nstore.query(tx, store, (var("x"), "age", 1))]

    assert len(await found.transactional(db, single)) == 10
    assert len(store.queries) == 1  # the bound: the older shape was forgotten


async def test_join_probe_matching_more_than_one_page(db, monkeypatch):
    """A probe whose matches fill its first read reads on: every match is joined, each in
    its own bindings dict ("a-leaf" comes first: its probe tells the join's mode, and the
    hub's goes through the inlined probe)."""
    from found.ext.nstore import _join

    monkeypatch.setattr(_join, "PROBE_PAGE", 8)
    store = nstore.make("fanout", ("test-fanout", uuid.uuid4()), 3)
    facts = [("hub", "type", "T"), ("a-leaf", "type", "T")]
    facts += [("hub", "knows", f"n{i:02}") for i in range(20)] + [("a-leaf", "knows", "x")]
    await nstore.load(db, store, facts)

    async def scenario(tx):
        patterns = [(var("s"), "type", "T"), (var("s"), "knows", var("o"))]
        return [b async for b in nstore.query(tx, store, *patterns, ordered=True)]

    got = await found.transactional(db, scenario)
    assert sorted((b["s"], b["o"]) for b in got) == sorted(
        [("hub", f"n{i:02}") for i in range(20)] + [("a-leaf", "x")]
    )
    assert len({id(b) for b in got}) == len(got)
