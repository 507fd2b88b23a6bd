"""Seeded random operation programs, run by found's driver and by the official binding.

Used by `test_differential.py`: the same program runs in-process through found's cffi driver and
in a subprocess through the official `fdb` binding (7.3, ctypes), both over the test library on
fresh databases; the logs must be identical. Stamps and versions differ between two databases,
so versionstamps are logged as their order of appearance and commit versions only by sign.

As a script: `python diff_program.py SEED STEPS CLUSTER_FILE` runs the official binding and
prints the log as JSON.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from typing import Any

KEYS = [b"d%02d" % i for i in range(12)]
ATOMIC_OPS = [2, 6, 7, 8, 9, 12, 13, 16, 17, 20]  # ADD ... COMPARE_AND_CLEAR
MODES = [-2, -1, 0, 1, 2, 3, 4]
VS_KEY, VS_VALUE = 14, 15
ZERO_STAMP = b"\x00" * 10


def _key(rng: random.Random) -> bytes:
    return rng.choice(KEYS) if rng.random() < 0.9 else rng.choice([b"", b"d", b"e", b"d05\x00"])


def _selector(rng: random.Random) -> tuple[bytes, bool, int]:
    return _key(rng), rng.random() < 0.5, rng.randint(-2, 3)


def _op(rng: random.Random) -> tuple:
    kind = rng.choices(
        ["set", "clear", "clear_range", "get", "get_key", "range", "atomic", "vs", "conflict",
         "approx"],
        [6, 2, 1, 5, 3, 4, 4, 1, 1, 1],
    )[0]  # fmt: skip
    if kind == "set":
        size = rng.randint(0, 6) if rng.random() < 0.6 else rng.randint(60, 120)
        return ("set", _key(rng), rng.randbytes(size))  # long values make SMALL pages split
    if kind == "clear":
        return ("clear", _key(rng))
    if kind == "clear_range":
        a, b = sorted((_key(rng), _key(rng)))
        return ("clear_range", a, b)
    if kind == "get":
        return ("get", _key(rng), rng.random() < 0.3)
    if kind == "get_key":
        return ("get_key", *_selector(rng), rng.random() < 0.3)
    if kind == "range":
        mode = rng.choice(MODES)
        limit = rng.choice([0, 1, 2, 3, 5, 20])
        if mode == 0 and limit == 0 and rng.random() < 0.7:
            limit = 4  # EXACT without limits is 2210: keep it, but rarer
        if rng.random() < 0.4:  # the whole keyspace: long enough to need several pages
            begin, end = (b"", False, 1), (b"\xff", False, 1)
        else:
            begin, end = _selector(rng), _selector(rng)
        return ("range", begin, end, limit, mode, rng.random() < 0.3, rng.random() < 0.3)
    if kind == "atomic":
        param = rng.randbytes(rng.choice([0, 1, 2, 4, 8]))
        return ("atomic", rng.choice(ATOMIC_OPS), _key(rng), param)
    if kind == "vs":
        if rng.random() < 0.5:
            key = b"vk" + ZERO_STAMP + (2).to_bytes(4, "little")
            return ("atomic", VS_KEY, key, rng.randbytes(3))
        return ("atomic", VS_VALUE, _key(rng), b"v" + ZERO_STAMP + (1).to_bytes(4, "little"))
    if kind == "conflict":
        a, b = sorted((_key(rng), _key(rng)))
        return ("conflict_range", a, b, rng.randint(0, 1))
    return ("approx",)


def generate(seed: int, steps: int) -> list[tuple]:
    """`steps` program steps: ("tx", ops) transactions and ("race", key, snapshot) conflicts."""
    rng = random.Random(seed)
    program: list[tuple] = []
    for _ in range(steps):
        if rng.random() < 0.15:
            program.append(("race", _key(rng), rng.random() < 0.4))
        else:
            program.append(("tx", [_op(rng) for _ in range(rng.randint(1, 8))]))
    return program


class Log:
    """The result log; versionstamps become their order of appearance."""

    def __init__(self) -> None:
        self.entries: list[Any] = []
        self.stamps: list[bytes] = []

    def text(self, data: bytes | None) -> str | None:
        """Printable text, or "x:" and hex; known versionstamps replaced by "<VSn>"."""
        if data is None:
            return None
        for i, stamp in enumerate(self.stamps):
            data = data.replace(stamp, b"<VS%d>" % i)
        if all(32 <= c < 127 for c in data):
            return data.decode()
        return "x:" + data.hex()

    def add(self, *entry: Any) -> None:
        self.entries.append(list(entry))


async def _read_range(adapter: Any, tr: Any, op: tuple) -> list:
    """Page through a range read as the official binding's iterator does; log every page."""
    _, (bk, bo, boff), (ek, eo, eoff), limit, mode, snapshot, reverse = op
    pages = []
    iteration = 1
    while True:
        pairs, more = await adapter.page(tr, bk, bo, boff, ek, eo, eoff, limit, mode, iteration,
                                         snapshot, reverse)  # fmt: skip
        pages.append((pairs, more))
        if not pairs or not more or limit == len(pairs):
            return pages
        if limit > 0:
            limit -= len(pairs)
        iteration += 1
        if reverse:
            ek, eo, eoff = pairs[-1][0], False, 1
        else:
            bk, bo, boff = pairs[-1][0], True, 1


async def execute(program: list[tuple], adapter: Any) -> list[Any]:
    """Run `program` through `adapter` (found's driver or the official binding)."""
    log = Log()
    for step in program:
        if step[0] == "race":
            await _race(adapter, log, step[1], step[2])
            continue
        tr = adapter.new_tr()
        stamp = None
        for op in step[1]:
            try:
                await _apply(adapter, tr, op, log)
            except adapter.Error as exc:
                log.add(op[0], "error", exc.code)
            if op[0] == "atomic" and op[1] in (VS_KEY, VS_VALUE) and stamp is None:
                stamp = adapter.versionstamp(tr)
        try:
            await adapter.commit(tr)
            version = adapter.committed_version(tr)
            log.add("commit", "ok", "read-only" if version == -1 else "written")
            if stamp is not None:
                log.stamps.append(await adapter.stamp_result(stamp))
                log.add("stamp", len(log.stamps) - 1)
        except adapter.Error as exc:
            log.add("commit", "error", exc.code)
        adapter.destroy(tr)
    return log.entries


async def _apply(adapter: Any, tr: Any, op: tuple, log: Log) -> None:
    kind = op[0]
    if kind == "set":
        adapter.set(tr, op[1], op[2])
    elif kind == "clear":
        adapter.clear(tr, op[1])
    elif kind == "clear_range":
        adapter.clear_range(tr, op[1], op[2])
    elif kind == "atomic":
        adapter.atomic(tr, op[1], op[2], op[3])
    elif kind == "conflict_range":
        adapter.add_conflict_range(tr, op[1], op[2], op[3])
    elif kind == "get":
        log.add("get", log.text(op[1]), log.text(await adapter.get(tr, op[1], op[2])))
    elif kind == "get_key":
        key = await adapter.get_key(tr, op[1], op[2], op[3], op[4])
        log.add("get_key", log.text(op[1]), op[2], op[3], log.text(key))
    elif kind == "range":
        pages = await _read_range(adapter, tr, op)
        log.add("range", [[[log.text(k), log.text(v)] for k, v in p] + [m] for p, m in pages])
    elif kind == "approx":
        log.add("approx", await adapter.approx(tr))


async def _race(adapter: Any, log: Log, key: bytes, snapshot: bool) -> None:
    """A read in one transaction, a write to that key committed by another, then a commit."""
    first = adapter.new_tr()
    second = adapter.new_tr()
    try:
        log.add("race-read", log.text(await adapter.get(first, key, snapshot)))
        adapter.set(second, key, b"raced")
        await adapter.commit(second)
        adapter.set(first, b"race-marker", key)
        await adapter.commit(first)
        log.add("race", "committed")
    except adapter.Error as exc:
        log.add("race", "error", exc.code)
    adapter.destroy(first)
    adapter.destroy(second)


class OfficialAdapter:
    """The official binding (`fdb`, ctypes) over whatever `libfdb_c.so` it loads."""

    def __init__(self, fdb: Any, db: Any) -> None:
        self.fdb = fdb
        self.db = db
        self.Error = fdb.FDBError

    def new_tr(self) -> Any:
        return self.db.create_transaction()

    def set(self, tr, k, v):
        tr.set(k, v)

    def clear(self, tr, k):
        tr.clear(k)

    def clear_range(self, tr, a, b):
        tr.clear_range(a, b)

    def atomic(self, tr, op, k, p):
        tr._atomic_operation(op, k, p)

    def add_conflict_range(self, tr, a, b, kind):
        (tr.add_write_conflict_range if kind else tr.add_read_conflict_range)(a, b)

    async def get(self, tr, k, snapshot):
        value = (tr.snapshot if snapshot else tr).get(k)
        return bytes(value.wait()) if value.present() else None

    async def get_key(self, tr, k, or_equal, offset, snapshot):
        selector = self.fdb.KeySelector(k, or_equal, offset)
        return bytes((tr.snapshot if snapshot else tr).get_key(selector).wait())

    async def page(self, tr, bk, bo, boff, ek, eo, eoff, limit, mode, iteration, snapshot,
                   reverse):  # fmt: skip
        reader = tr.snapshot if snapshot else tr
        begin = self.fdb.KeySelector(bk, bo, boff)
        end = self.fdb.KeySelector(ek, eo, eoff)
        kvs, _count, more = reader._get_range(begin, end, limit, mode, iteration, reverse).wait()
        return [(bytes(kv.key), bytes(kv.value)) for kv in kvs], bool(more)

    async def approx(self, tr):
        return tr.get_approximate_size().wait()

    def versionstamp(self, tr):
        return tr.get_versionstamp()

    async def stamp_result(self, future):
        return bytes(future.wait())

    async def commit(self, tr):
        tr.commit().wait()

    def committed_version(self, tr):
        return tr.get_committed_version()

    def destroy(self, tr):
        del tr


def official_binding() -> Any:
    """`fdb` at API 730. On PyPy, whose ctypes has no `pythonapi`, the binding's own fallback
    for pinning callbacks (a set) is selected by giving it an empty `pythonapi`."""
    import ctypes
    import types

    if not hasattr(ctypes, "pythonapi"):
        ctypes.pythonapi = types.SimpleNamespace()  # type: ignore[attr-defined]
    import fdb

    fdb.api_version(730)
    return fdb


def main() -> None:
    seed, steps, cluster_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    fdb = official_binding()
    db = fdb.open(cluster_file)
    entries = asyncio.run(execute(generate(seed, steps), OfficialAdapter(fdb, db)))
    print(json.dumps(entries))


if __name__ == "__main__":
    main()
