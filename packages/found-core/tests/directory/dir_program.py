"""Seeded directory-layer programs for the differential tests (test_differential.py).

`generate(seed, steps)` makes a list of operations (JSON-able dicts) over a small tree of
names, with layers, partitions, moves and removals, and a value written into each directory
it opens. `run_official(cluster_file, seed, ops)` runs them with the official binding, one
transaction each, with `random` seeded by `seed` (the prefix allocator draws from it), and
returns the log of results; `walk_official` and `dump_official` describe the database after.
The same program run by found must give the same log, tree and bytes.

As a script: `python dir_program.py CLUSTER_FILE REQUEST_JSON_FILE` prints JSON with `log`
(when the request has `ops`), `tree` and `dump`.
"""

from __future__ import annotations

import ctypes
import json
import random
import sys
import types
from typing import Any

NAMES = ["a", "b", "c"]
LAYERS = [None, "", "4c", "706172746974696f6e"]  # hex: none, b"", b"L", b"partition"
OPS = [
    "create_or_open",
    "create",
    "open",
    "move",
    "remove",
    "remove_if_exists",
    "list",
    "exists",
    "write",
]
WEIGHTS = [8, 4, 2, 5, 2, 1, 3, 2, 4]


def _path(rng: random.Random, seen: list, empty_ok: bool = False) -> list:
    """Mostly a path used before (or its parent), so that operations meet existing
    directories; otherwise a fresh one of depth 1-3."""
    if seen and rng.random() < 0.7:
        path = list(rng.choice(seen))
        return path[:-1] if len(path) > 1 and rng.random() < 0.2 else path
    depth = rng.choice([0, 1, 1, 2, 2, 3] if empty_ok else [1, 1, 2, 2, 3])
    return [rng.choice(NAMES) for _ in range(depth)]


def generate(seed: int, steps: int) -> list:
    """A list of `steps` operations from `seed`."""
    rng = random.Random(seed)
    ops = []
    seen: list = []
    for _ in range(steps):
        op = rng.choices(OPS, WEIGHTS)[0]
        entry: dict = {"op": op, "path": _path(rng, seen, empty_ok=op in ("list", "exists"))}
        if op in ("create_or_open", "create", "open"):
            entry["layer"] = rng.choice(LAYERS) if op != "open" or rng.random() < 0.3 else None
            seen.append(entry["path"])
        if op == "move":
            parent = list(rng.choice(seen))[:-1] if seen else []
            entry["to"] = [*parent, rng.choice([*NAMES, "d", "e"])]
            seen.append(entry["to"])
        if op == "write":
            entry["value"] = rng.randbytes(3).hex()
        ops.append(entry)
    return ops


def describe(kind: str, path: Any, prefix: bytes, layer: bytes) -> list:
    return [kind, list(path), prefix.hex(), layer.hex()]


def error_entry(exc: BaseException) -> list:
    return ["error", "ValueError" if isinstance(exc, ValueError) else "Exception", str(exc)]


def _official_step(fdb: Any, db: Any, entry: dict) -> Any:
    d = fdb.directory
    op, path = entry["op"], tuple(entry["path"])
    layer = bytes.fromhex(entry["layer"]) if entry.get("layer") is not None else None
    if op in ("create_or_open", "create", "open"):
        made = getattr(d, op)(db, path, layer)
        return describe(type(made).__name__, made.get_path(), made.rawPrefix, made.get_layer())
    if op == "move":
        made = d.move(db, path, tuple(entry["to"]))
        return describe(type(made).__name__, made.get_path(), made.rawPrefix, made.get_layer())
    if op in ("remove", "remove_if_exists", "exists"):
        return getattr(d, op)(db, path)
    if op == "list":
        return d.list(db, path)

    @fdb.transactional
    def write(tr: Any) -> list:
        space = d.open(tr, path)
        key = space.pack(("v",))
        tr[key] = bytes.fromhex(entry["value"])
        return [key.hex()]

    return write(db)


def run_official(fdb: Any, db: Any, seed: int, ops: list) -> list:
    random.seed(seed)
    log = []
    for entry in ops:
        try:
            log.append(["ok", _official_step(fdb, db, entry)])
        except fdb.FDBError:
            raise
        except Exception as exc:
            log.append(error_entry(exc))
    return log


def walk_official(fdb: Any, db: Any) -> list:
    """Every directory: [path, kind, prefix hex, layer hex], depth first in list order."""
    out: list = []

    def visit(path: tuple) -> None:
        for name in fdb.directory.list(db, path):
            child = fdb.directory.open(db, (*path, name))
            out.append(
                describe(type(child).__name__, child.get_path(), child.rawPrefix, child.get_layer())
            )
            visit((*path, name))

    visit(())
    return out


def dump_official(db: Any) -> list:
    return [[k.hex(), v.hex()] for k, v in db.get_range(b"", b"\xff")]


def main() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_SixMetaPathImporter"]
    if not hasattr(ctypes, "pythonapi"):
        # PyPy: an empty `pythonapi` selects the binding's own way of pinning callbacks.
        ctypes.pythonapi = types.SimpleNamespace()  # type: ignore[attr-defined]
    import fdb

    fdb.api_version(730)
    db = fdb.open(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as handle:
        request = json.load(handle)
    result: dict = {}
    if "ops" in request:
        result["log"] = run_official(fdb, db, request["seed"], request["ops"])
    result["tree"] = walk_official(fdb, db)
    result["dump"] = dump_official(db)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
