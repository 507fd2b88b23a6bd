"""nstore (embedded engine, durable) vs rdflib's in-memory graph and pyoxigraph, same run.

Run: ``python bench/bench_nstore.py [--n TRIPLES] [--repeat R]`` (default 1,000,000 triples).

The data set is synthetic and fixed by a seed: `n / 5` people, each with a type (one of ten
classes), a name, an age (0-99), one `knows` and one `likes` link to random people. Every
engine loads the same triples, then answers the same fixed patterns and joins; each query runs
once untimed, then in `--repeat` rounds of as many runs as make a round last about 50 ms (one
run for a slow query, hundreds for a fast one; found by doubling, untimed), and the median
round's time per run is kept, by the wall clock and by the process's CPU time (all threads:
on a shared machine the wall clock also measures the neighbours; a durable load's waits
for the disk show only on the wall clock). The result counts are checked equal across
engines.

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
import random
import statistics
import tempfile
import time
from typing import Any, Callable, Optional

import found
from found.ext import nstore
from found.ext.nstore import var

NS = "http://example.org/"


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


def _rounds(times: list[tuple[float, float]], calls: int) -> tuple[float, float]:
    """(median wall ms, median process-CPU ms) per call over the timed rounds."""
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    return wall * 1000 / calls, cpu * 1000 / calls


def median_ms(func: Callable[[], Any], repeat: int) -> tuple[tuple[float, float], Any]:
    """((median wall ms, median process-CPU ms) per call over `repeat` rounds, the last
    result). One untimed call first; then the calls per round double until a round lasts
    ROUND_SECONDS (those rounds are warm-up, untimed), so a query of microseconds is not
    timed by one clock reading."""
    out, calls = func(), 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            out = func()
        if time.perf_counter() - start >= ROUND_SECONDS:
            break
        calls *= 2
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            out = func()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return _rounds(times, calls), out


async def amedian_ms(func: Callable[[], Any], repeat: int) -> tuple[tuple[float, float], Any]:
    """`median_ms` for a coroutine function."""
    out, calls = await func(), 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            out = await func()
        if time.perf_counter() - start >= ROUND_SECONDS:
            break
        calls *= 2
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            out = await func()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return _rounds(times, calls), out


def clocks() -> tuple[float, float]:
    """(wall, process CPU) seconds now, for timing a load."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall ms, process-CPU ms) since `start`."""
    wall, cpu = clocks()
    return (wall - start[0]) * 1000, (cpu - start[1]) * 1000


# -- nstore ----------------------------------------------------------------------------------


async def run_nstore(data: list, repeat: int, directory: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    db = await found.open(directory=directory)
    try:
        store = nstore.make("bench", ("bench",), 3)
        start = clocks()
        done = await nstore.load(db, store, data)
        results["load"] = since(start)
        results["transactions"] = done.transactions
        for name, patterns, _, _ in QUERIES:
            real = [tuple(var(x[1:]) if str(x).startswith("?") else x for x in p) for p in patterns]

            async def count(tx: Any, real: list = real) -> int:
                return sum([1 async for _ in nstore.query(tx, store, *real)])

            results[name] = await amedian_ms(lambda: found.transactional(db, count), repeat)
    finally:
        await db.close()
    return results


# -- rdflib ------------------------------------------------------------------------------------


def run_rdflib(data: list, repeat: int) -> dict[str, Any]:
    from rdflib import Graph, Literal, URIRef

    def term(x: Any, predicate: bool = False) -> Any:
        if isinstance(x, int) or (isinstance(x, str) and x.startswith("name ")):
            return Literal(x)
        return URIRef(NS + x)

    results: dict[str, Any] = {}
    graph = Graph()
    start = clocks()
    for s, p, o in data:
        graph.add((term(s), term(p), term(o)))
    results["load"] = since(start)

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

    for name, patterns, _, best in QUERIES:
        ordered = [patterns[i] for i in best]
        results[name] = median_ms(lambda p=ordered: sum(1 for _ in solve(p, {})), repeat)
    return results


# -- pyoxigraph --------------------------------------------------------------------------------


def run_oxigraph(data: list, repeat: int) -> Optional[dict[str, Any]]:
    try:
        import pyoxigraph as ox
    except ImportError:
        return None

    def term(x: Any) -> Any:
        if isinstance(x, int) or (isinstance(x, str) and x.startswith("name ")):
            return (
                ox.Literal(
                    str(x), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                )
                if isinstance(x, int)
                else ox.Literal(x)
            )
        return ox.NamedNode(NS + x)

    results: dict[str, Any] = {}
    store = ox.Store()
    quads = [ox.Quad(term(s), term(p), term(o), ox.DefaultGraph()) for s, p, o in data]
    start = clocks()
    store.bulk_extend(quads)
    results["load"] = since(start)
    for name, patterns, sparql, _ in QUERIES:
        if len(patterns) == 1:
            concrete = [None if str(x).startswith("?") else term(x) for x in patterns[0]]

            def run(c: list = concrete) -> int:
                return sum(1 for _ in store.quads_for_pattern(c[0], c[1], c[2], None))

        else:

            def run(q: str = f"PREFIX ex: <{NS}> {sparql}") -> int:
                return sum(1 for _ in store.query(q))

        results[name] = median_ms(run, repeat)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of triples")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = triples(args.n)
    print(f"triples: {len(data):,}  repeat: {args.repeat}")
    with tempfile.TemporaryDirectory(prefix="bench-nstore-") as directory:
        ns = asyncio.run(run_nstore(data, args.repeat, directory))
    rd = run_rdflib(data, args.repeat)
    ox = run_oxigraph(data, args.repeat)
    print(f"nstore load in {ns['transactions']} transactions")
    for clock, label in ((0, "wall-clock"), (1, "process CPU (all threads)")):
        print(f"\n{label} ms, median round")
        header = f"{'':40} {'nstore':>10} {'rdflib':>10} {'oxigraph':>12}"
        print(header + f" {'rdflib/nstore':>14} {'oxi/nstore':>11}")
        nan = (float("nan"), float("nan"))
        a, b, c = ns["load"][clock], rd["load"][clock], (ox["load"] if ox else nan)[clock]
        print(f"{'load':40} {a:10.0f} {b:10.0f} {c:12.0f} {b / a:14.2f} {c / a:11.2f}")
        for name, _, _, _ in QUERIES:
            (ta, ca), (tb, cb) = ns[name], rd[name]
            tc, cc = ox[name] if ox else (nan, ca)
            if not ca == cb == cc:
                raise SystemExit(f"{name}: result counts differ: {ca} {cb} {cc}")
            a, b, c = ta[clock], tb[clock], tc[clock]
            line = f"{name + f' ({ca})':40} {a:10.3f} {b:10.3f} {c:12.3f}"
            print(line + f" {b / a:14.2f} {c / a:11.2f}")


if __name__ == "__main__":
    main()
