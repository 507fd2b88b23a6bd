"""Tuple layer speed: found vs fdb.tuple (PyPI `foundationdb` 7.3), same inputs, same run.

Run: ``python bench/bench_tuple.py [--count N] [--repeat R]``. Prints, per workload, the best
per-operation time of each implementation and the ratio fdb.tuple / found (above 1: found is
faster). found's unpack learns key shapes (`found._tuple_shapes`) as it goes, over the whole
run, like a long-lived process; "random shapes" shows the cost when shapes rarely repeat.
Both implementations take turns inside each repeat so machine noise hits both alike; many
short runs, keeping the best, make the figures steadier on a shared machine.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
import uuid
from typing import Any, Callable, Dict, List, Tuple

import fdb.tuple as fdb_tuple

import found._tuple as found_tuple


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randint(3, 12)))


def _keys(rng: random.Random) -> Tuple[Any, ...]:
    return (_word(rng), rng.randint(0, 10**6), _word(rng))


def _nested(rng: random.Random) -> Tuple[Any, ...]:
    return ("idx", (_word(rng), rng.randint(-1000, 1000), None), (rng.randint(0, 99), (True,)))


def _uuids(rng: random.Random) -> Tuple[Any, ...]:
    return (uuid.UUID(int=rng.getrandbits(128)), _word(rng), uuid.UUID(int=rng.getrandbits(128)))


def _nul_bytes(rng: random.Random) -> Tuple[Any, ...]:
    blob = bytes(rng.choice((0, 0, 1, 65, 255)) for _ in range(rng.randint(4, 24)))
    return (b"blob", blob, rng.randint(0, 255))


def _big_ints(rng: random.Random) -> Tuple[Any, ...]:
    return (rng.getrandbits(100), -rng.getrandbits(80), rng.randint(-(2**63), 2**63), 1.5)


SHAPES: Dict[str, Callable[[random.Random], Tuple[Any, ...]]] = {
    "str+int keys": _keys,
    "nested": _nested,
    "uuid": _uuids,
    "bytes with NUL": _nul_bytes,
    "big ints": _big_ints,
}


def _any_element(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(9 if depth < 2 else 8)
    if kind == 0:
        return _word(rng)
    if kind == 1:
        return rng.randint(-(2 ** rng.randrange(1, 70)), 2 ** rng.randrange(1, 70))
    if kind == 2:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 8)))
    if kind == 3:
        return None
    if kind == 4:
        return uuid.UUID(int=rng.getrandbits(128))
    if kind == 5:
        return rng.random()
    if kind == 6:
        return rng.random() < 0.5
    if kind == 7:
        return -rng.getrandbits(rng.randrange(1, 40))
    return tuple(_any_element(rng, depth + 1) for _ in range(rng.randint(0, 3)))


def _any_shape(rng: random.Random) -> Tuple[Any, ...]:
    """Random types and lengths: shapes mostly differ, the worst case for found's shape table."""
    return tuple(_any_element(rng, 0) for _ in range(rng.randint(1, 6)))


def _prefixed(rng: random.Random) -> Tuple[Any, ...]:
    """An nstore-like index key: a subspace, an index number, then three ids or strings."""
    return ("app", "nstore", 2, _word(rng), rng.randint(0, 2**40), _word(rng))


# Added after the first five; kept out of "mixed" so that workload stays as it was.
MORE_SHAPES: Dict[str, Callable[[random.Random], Tuple[Any, ...]]] = {
    "prefixed index": _prefixed,
    "random shapes": _any_shape,
}


def _workloads(count: int) -> Dict[str, List[Tuple[Any, ...]]]:
    rng = random.Random(20261122)
    loads = {name: [make(rng) for _ in range(count)] for name, make in SHAPES.items()}
    mixed = [t for items in loads.values() for t in items]
    rng.shuffle(mixed)
    loads["mixed (all above)"] = mixed
    more = random.Random(20261123)
    loads.update({name: [make(more) for _ in range(count)] for name, make in MORE_SHAPES.items()})
    return loads


def _run(fn: Callable[[Any], Any], items: List[Any], out: List[float]) -> None:
    start = time.perf_counter()
    for item in items:
        fn(item)
    out.append(time.perf_counter() - start)


def _measure(
    ours: Callable[[Any], Any], theirs: Callable[[Any], Any], items: List[Any], repeat: int
) -> Tuple[float, float]:
    """Best per-item seconds for each implementation, alternating runs."""
    ours_times: List[float] = []
    theirs_times: List[float] = []
    for _ in range(repeat):
        _run(ours, items, ours_times)
        _run(theirs, items, theirs_times)
    return min(ours_times) / len(items), min(theirs_times) / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="tuples per workload")
    parser.add_argument("--repeat", type=int, default=40, help="timed runs, best kept")
    args = parser.parse_args()
    loads = _workloads(args.count)
    impl = f"{platform.python_implementation()} {platform.python_version()}"
    print(
        f"tuple layer: found vs fdb.tuple on {impl}; {args.count} tuples per workload, "
        f"best of {args.repeat}"
    )
    header = f"{'workload':<20} {'op':<7} {'found µs':>9} {'fdb µs':>9} {'fdb/found':>10}"
    print(header)
    print("-" * len(header))
    for name, items in loads.items():
        packed = [fdb_tuple.pack(t) for t in items]
        if [found_tuple.pack(t) for t in items] != packed:
            raise SystemExit(f"{name}: found.pack and fdb.tuple.pack disagree")
        if [found_tuple.pack(found_tuple.unpack(k)) for k in packed] != packed:
            raise SystemExit(f"{name}: found.unpack does not round-trip fdb.tuple keys")
        ours, theirs = _measure(found_tuple.pack, fdb_tuple.pack, items, args.repeat)
        print(
            f"{name:<20} {'pack':<7} {ours * 1e6:>9.2f} {theirs * 1e6:>9.2f} {theirs / ours:>9.2f}x"
        )
        ours, theirs = _measure(found_tuple.unpack, fdb_tuple.unpack, packed, args.repeat)
        print(
            f"{name:<20} {'unpack':<7} {ours * 1e6:>9.2f} {theirs * 1e6:>9.2f} "
            f"{theirs / ours:>9.2f}x"
        )


if __name__ == "__main__":
    main()
