"""nstore (embedded engine, durable) vs rdflib's in-memory graph and pyoxigraph, same run.

Run: ``python bench/bench_nstore.py [--n TRIPLES] [--repeat R]`` (default 1,000,000 triples).

The data set is synthetic and fixed by a seed: `n / 5` people, each with a type (one of ten
classes), a name, an age (0-99), one `knows` and one `likes` link to random people. Every
engine loads the same triples, then answers the same fixed patterns and joins. For each
query, each engine first finds how many runs make a round last about 50 ms (one run for a
slow query, hundreds for a fast one; found by doubling, untimed); then the engines take turns,
a round each, `--repeat` times, so a neighbour's burst on this shared machine slows all of
them alike; the best round's time per run is kept, by the wall clock and by the process's
CPU time (all threads: a durable load's waits for the disk show only on the wall clock).
The result counts are checked equal across engines. After the loads, `gc.freeze()` takes the
loaded objects out of the cyclic collector's walks, for every engine alike.

- nstore: `nstore.load` into the embedded engine on disk (every commit durable), queries with
  `nstore.query` (its planner picks the join order), each repetition in one transaction, so
  the time includes starting it and the planner's counting reads;
- rdflib: `Graph()` (memory store), `graph.add` per triple; patterns with `graph.triples`, and
  joins as nested loops written by hand in the selective order (its best case);
- pyoxigraph (when installed): in-memory `Store`, `bulk_extend`; patterns with
  `quads_for_pattern`, joins in SPARQL.

The two references keep everything in RAM and write nothing to disk; nstore pays for
durability and for going through FoundationDB's transaction semantics. Ratios > 1 mean nstore
is faster.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import tempfile
import time
from typing import Any, Callable, Optional

import found
from found.ext import nstore
from found.ext.nstore import var

NS = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def triples(n: int, seed: int = 42) -> list[tuple[str, str, Any]]:
    rng = random.Random(seed)
    people = max(n // 5, 1)
    out = []
    for i in range(people):
        s = f"p{i}"
        out.append((s, "type", f"C{i % 10}"))
        out.append((s, "name", f"name {i}"))
        out.append((s, "age", rng.randrange(100)))
        out.append((s, "knows", f"p{rng.randrange(people)}"))
        out.append((s, "likes", f"p{rng.randrange(people)}"))
    return out


# (name, patterns in the order written, SPARQL, the selective order rdflib's loops use)
QUERIES: list[tuple[str, list[tuple[Any, Any, Any]], str, list[int]]] = [
    ("p7 ?p ?o", [("p7", "?p", "?o")], "SELECT * WHERE { ex:p7 ?p ?o }", [0]),
    ("?s age 42", [("?s", "age", 42)], "SELECT * WHERE { ?s ex:age 42 }", [0]),
    ("?s type C3", [("?s", "type", "C3")], "SELECT * WHERE { ?s ex:type ex:C3 }", [0]),
    (
        "?a knows ?b . ?b age 42",
        [("?a", "knows", "?b"), ("?b", "age", 42)],
        "SELECT * WHERE { ?a ex:knows ?b . ?b ex:age 42 }",
        [1, 0],
    ),
    (
        "?s type C1 . ?s age 30 . ?s likes ?f",
        [("?s", "type", "C1"), ("?s", "age", 30), ("?s", "likes", "?f")],
        "SELECT * WHERE { ?s ex:type ex:C1 . ?s ex:age 30 . ?s ex:likes ?f }",
        [1, 0, 2],
    ),
    (
        "p1 knows ?b . ?b knows ?c . ?c name ?n",
        [("p1", "knows", "?b"), ("?b", "knows", "?c"), ("?c", "name", "?n")],
        "SELECT * WHERE { ex:p1 ex:knows ?b . ?b ex:knows ?c . ?c ex:name ?n }",
        [0, 1, 2],
    ),
]


#: A timed round repeats a query until it has run at least this long (short queries: many runs).
ROUND_SECONDS = 0.05

Timing = tuple[float, float]  # (wall ms, process-CPU ms) per run


def clocks() -> tuple[float, float]:
    """(wall, process CPU) seconds now."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> Timing:
    """(wall ms, process-CPU ms) since `start`."""
    wall, cpu = clocks()
    return (wall - start[0]) * 1000, (cpu - start[1]) * 1000


class Runner:
    """One engine's query: a function (or coroutine function) of no arguments returning the
    result count, timed in rounds of `calls` runs."""

    def __init__(self, func: Callable[[], Any], is_async: bool) -> None:
        self.func, self.is_async = func, is_async
        self.calls, self.count = 1, None
        self.rounds: list[Timing] = []

    async def round(self, calls: int) -> Timing:
        """Run `calls` times; (wall ms, CPU ms) per run."""
        func, start = self.func, clocks()
        if self.is_async:
            for _ in range(calls):
                self.count = await func()
        else:
            for _ in range(calls):
                self.count = func()
        wall, cpu = since(start)
        return wall / calls, cpu / calls

    async def calibrate(self) -> None:
        """One untimed run, then double the runs per round until one lasts ROUND_SECONDS."""
        await self.round(1)
        while (await self.round(self.calls))[0] * self.calls < ROUND_SECONDS * 1000:
            self.calls *= 2

    def best(self) -> Timing:
        return min(t[0] for t in self.rounds), min(t[1] for t in self.rounds)


async def interleaved(runners: list[Runner], repeat: int) -> None:
    """Calibrate each runner, then time them a round each in turn, `repeat` times."""
    for runner in runners:
        await runner.calibrate()
    for _ in range(repeat):
        for runner in runners:
            runner.rounds.append(await runner.round(runner.calls))


async def load_nstore(data: list, directory: str) -> tuple[Any, Any, dict[str, Any]]:
    """(db, store, results with the load's timing and transaction count)."""
    db = await found.open(directory=directory)
    store = nstore.make("bench", ("bench",), 3)
    start = clocks()
    done = await nstore.load(db, store, data)
    return db, store, {"load": since(start), "transactions": done.transactions}


def nstore_queries(db: Any, store: Any) -> dict[str, Runner]:
    """Each query as one `found.transactional` (so the time includes starting it and the
    planner's counting reads)."""
    runners = {}
    for name, patterns, _, _ in QUERIES:
        real = [tuple(var(x[1:]) if str(x).startswith("?") else x for x in p) for p in patterns]

        async def count(tx: Any, real: list = real) -> int:
            return sum([1 async for _ in nstore.query(tx, store, *real)])

        runners[name] = Runner(lambda count=count: found.transactional(db, count), True)
    return runners


def load_rdflib(data: list) -> tuple[dict[str, Runner], Timing]:
    """rdflib's runners (joins as nested loops in the selective order) and its load time."""
    from rdflib import Graph, Literal, URIRef

    def term(x: Any) -> Any:
        if isinstance(x, int) or (isinstance(x, str) and x.startswith("name ")):
            return Literal(x)
        return URIRef(NS + x)

    graph = Graph()
    start = clocks()
    for s, p, o in data:
        graph.add((term(s), term(p), term(o)))
    loaded = since(start)

    def solve(patterns: list, bindings: dict) -> Any:
        if not patterns:
            yield bindings
            return
        first, rest = patterns[0], patterns[1:]
        concrete = [bindings.get(x) if str(x).startswith("?") else term(x) for x in first]
        for triple in graph.triples(tuple(concrete)):
            extended = dict(bindings)
            for slot, value in zip(first, triple):
                if str(slot).startswith("?"):
                    extended[slot] = value
            yield from solve(rest, extended)

    runners = {}
    for name, patterns, _, best in QUERIES:
        ordered = [patterns[i] for i in best]
        runners[name] = Runner(lambda p=ordered: sum(1 for _ in solve(p, {})), False)
    return runners, loaded


def load_oxigraph(data: list) -> Optional[tuple[dict[str, Runner], Timing]]:
    """pyoxigraph's runners (patterns by `quads_for_pattern`, joins in SPARQL) and its load
    time; None when it is not installed."""
    try:
        import pyoxigraph as ox
    except ImportError:
        return None

    def term(x: Any) -> Any:
        if isinstance(x, int):
            return ox.Literal(str(x), datatype=ox.NamedNode(XSD + "integer"))
        if isinstance(x, str) and x.startswith("name "):
            return ox.Literal(x)
        return ox.NamedNode(NS + x)

    store = ox.Store()
    quads = [ox.Quad(term(s), term(p), term(o), ox.DefaultGraph()) for s, p, o in data]
    start = clocks()
    store.bulk_extend(quads)
    loaded = since(start)
    runners = {}
    for name, patterns, sparql, _ in QUERIES:
        if len(patterns) == 1:
            concrete = [None if str(x).startswith("?") else term(x) for x in patterns[0]]

            def run(c: list = concrete) -> int:
                return sum(1 for _ in store.quads_for_pattern(c[0], c[1], c[2], None))

        else:

            def run(q: str = f"PREFIX ex: <{NS}> {sparql}") -> int:
                return sum(1 for _ in store.query(q))

        runners[name] = Runner(run, False)
    return runners, loaded


async def run_all(data: list, repeat: int, directory: str) -> dict[str, Any]:
    """Load every engine, then time the queries with the engines' rounds interleaved."""
    db, store, ns = await load_nstore(data, directory)
    try:
        rd, rd_load = load_rdflib(data)
        oxi = load_oxigraph(data)
        engines = [nstore_queries(db, store), rd] + ([oxi[0]] if oxi else [])
        # The loaded graphs (millions of objects) out of the cyclic collector's way: else a
        # full collection, which any engine's allocations may trigger, walks all of them.
        gc.collect()
        gc.freeze()
        for name, _, _, _ in QUERIES:
            await interleaved([engine[name] for engine in engines], repeat)
    finally:
        await db.close()
    nan = (float("nan"), float("nan"))
    return {
        "transactions": ns["transactions"],
        "load": (ns["load"], rd_load, oxi[1] if oxi else nan),
        "queries": {
            name: [engine[name] for engine in engines] + ([] if oxi else [None])
            for name, _, _, _ in QUERIES
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of triples")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    data = triples(args.n)
    print(f"triples: {len(data):,}  repeat: {args.repeat}")
    with tempfile.TemporaryDirectory(prefix="bench-nstore-") as directory:
        results = asyncio.run(run_all(data, args.repeat, directory))
    print(f"nstore load in {results['transactions']} transactions")
    nan = float("nan")
    for clock, label in ((0, "wall-clock"), (1, "process CPU (all threads)")):
        print(f"\n{label} ms, best round (interleaved)")
        header = f"{'':40} {'nstore':>10} {'rdflib':>10} {'oxigraph':>12}"
        print(header + f" {'rdflib/nstore':>14} {'oxi/nstore':>11}")
        a, b, c = (load[clock] for load in results["load"])
        print(f"{'load':40} {a:10.0f} {b:10.0f} {c:12.0f} {b / a:14.2f} {c / a:11.2f}")
        for name, _, _, _ in QUERIES:
            ns, rd, ox = results["queries"][name]
            counts = {ns.count, rd.count} | ({ox.count} if ox else set())
            if len(counts) != 1:
                raise SystemExit(f"{name}: result counts differ: {counts}")
            a, b = ns.best()[clock], rd.best()[clock]
            c = ox.best()[clock] if ox else nan
            line = f"{name + f' ({ns.count})':40} {a:10.3f} {b:10.3f} {c:12.3f}"
            print(line + f" {b / a:14.2f} {c / a:11.2f}")


if __name__ == "__main__":
    main()
