"""Run one program on one tester and collect what it left: insert the program (after clearing
the whole user keyspace, as Apple's harness does), start the tester as a subprocess, then read
`("tester_output", ...)` back and check the versionstamps.

A tester is a script (`tester_aio.py` or `tester_pthread.py`) and a backend: `embedded`
(the tester opens `embedded:<dir>`) or `capi` (a cluster file naming the same directory, which
the tester opens through found's cffi driver over the libfdb_c-compatible test library). The
harness itself always reads and writes the directory through found's embedded engine.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Optional, Tuple

import found

from .program import write_program
from .space import Space

__all__ = ["Outcome", "TesterSpec", "has_permissible_errors", "run_program"]

HERE = Path(__file__).resolve().parent.parent
ROOT = HERE.parent
OUTPUT = Space(("tester_output",))
UNSET = b"\xff" * 10
#: Apple's global error filter: values holding one of these errors make a comparison moot.
PERMISSIBLE = re.compile(rb"\x01+ERROR\x00\xff*\x01(1007|1009|1021)\x00")

Pairs = List[Tuple[bytes, bytes]]


@dataclass(frozen=True)
class TesterSpec:
    """Which tester script on which backend."""

    __test__ = False  # not a pytest test class, despite its name

    name: str
    script: str
    backend: str

    def command(self, prefix: str, directory: Path) -> List[str]:
        if self.backend == "embedded":
            where = "embedded:" + str(directory)
        elif self.backend == "capi":
            if str(ROOT) not in sys.path:
                sys.path.insert(0, str(ROOT))
            from bindingtester.shim import cluster_file_for

            where = cluster_file_for(directory)
        else:
            raise ValueError(f"unknown backend {self.backend!r}")
        return [sys.executable, str(HERE / self.script), prefix, "730", where]


@dataclass
class Outcome:
    """What one tester left behind."""

    tester: str
    returncode: int
    output: str
    spaces: dict = field(default_factory=dict)
    validation: List[str] = field(default_factory=list)


async def _clear_all(db: found.Database) -> None:
    async def clear(tx: found.Transaction) -> None:
        found.clear(tx, b"", b"\xff")

    await found.transactional(db, clear)


async def read_space(db: found.Database, space: Space) -> Pairs:
    """Every pair in `space`, read in pages of a thousand."""
    span = space.range()
    begin, rows = span.start, []
    while True:

        async def page(tx: found.Transaction, begin: bytes = begin) -> Pairs:
            return await found.get_range(tx, begin, span.stop, limit=1000)

        batch = await found.transactional(db, page)
        rows.extend(batch)
        if len(batch) < 1000:
            return rows
        begin = batch[-1][0] + b"\x00"


async def check_versionstamps(db: found.Database, api: Any) -> List[str]:
    """Apple's `validate`: every stamped value, stamped value 2 and stamped key written by one
    transaction carry the same versionstamp."""
    errors = []
    values = await read_space(db, api.vs_values)
    for key, value in values:
        id_ = api.vs_values.unpack(key)[0]
        body = value[10:].replace(UNSET, value[:10], 1)

        async def lookup(tx: found.Transaction, body: bytes = body, id_: bytes = id_) -> tuple:
            k1 = await found.get(tx, api.vs_keys.key() + body)
            k2 = await found.get(tx, api.vs_values_2.pack((id_,)))
            return k1, k2

        stamped_key, value_2 = await found.transactional(db, lookup)
        if stamped_key != id_:
            errors.append(f"versionstamped key for {id_!r}: {stamped_key!r}")
        if value_2 != body:
            errors.append(f"versionstamped value 2 for {id_!r}: {value_2!r} != {body!r}")
    return errors


async def run_program(
    spec: TesterSpec,
    directory: Path,
    threads: dict,
    spaces: List[Tuple[str, Space]],
    api: Optional[Any] = None,
    timeout: float = 600.0,
) -> Outcome:
    """Insert `threads` (prefix -> instructions), run `spec`'s tester on the main prefix (the
    first), read `spaces` back; `api` (an ApiProgram) enables the versionstamp check."""
    directory.mkdir(parents=True, exist_ok=True)
    db = await found.open(directory=str(directory))
    try:
        await _clear_all(db)
        for prefix, program in threads.items():
            await write_program(db, prefix, list(program))
    finally:
        await db.close()
    main = next(iter(threads)).decode("ascii")
    outcome = await _execute(spec, spec.command(main, directory), timeout)
    db = await found.open(directory=str(directory))
    try:
        for name, space in spaces:
            outcome.spaces[name] = await read_space(db, space)
        if api is not None:
            outcome.validation = await check_versionstamps(db, api)
    finally:
        await db.close()
    return outcome


async def _execute(spec: TesterSpec, command: List[str], timeout: float) -> Outcome:
    """Run the tester process (asynchronously, so several testers can run at once)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        text = output.decode("utf-8", "replace")
        return Outcome(spec.name, -1, f"timed out after {timeout} s\n{text}")
    return Outcome(spec.name, process.returncode or 0, output.decode("utf-8", "replace"))


def has_permissible_errors(pairs: Pairs) -> bool:
    """True when a value holds error 1007, 1009 or 1021 (Apple's global error filter)."""
    return any(PERMISSIBLE.search(value) for _, value in pairs)
