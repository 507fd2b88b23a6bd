"""found's driver against the official binding (PyPI `foundationdb` 7.3.79), same library.

Each seeded program (gets, selectors, paged range reads in every streaming mode, atomic ops,
versionstamps, explicit conflict ranges, read/write races) runs in-process through found's cffi
driver and in a subprocess through the official ctypes binding, which loads the test library
from LD_LIBRARY_PATH; each on a fresh database. The logs must be equal.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from bindingtester.shim import cluster_file_for
from found import FoundException

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("found_capi_diff_program", HERE / "diff_program.py")
assert _spec is not None and _spec.loader is not None
program_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = program_module
_spec.loader.exec_module(program_module)

SEEDS = [11, 22, 33, 44]
STEPS = 60


class DriverAdapter:
    """found's driver: `CapiTransaction` calls, one C call each."""

    Error = FoundException

    def __init__(self, db: Any) -> None:
        self.db = db

    def new_tr(self) -> Any:
        return self.db.create_transaction()

    def set(self, tr, k, v):
        tr.set(k, v)

    def clear(self, tr, k):
        tr.clear(k)

    def clear_range(self, tr, a, b):
        tr.clear_range(a, b)

    def atomic(self, tr, op, k, p):
        tr.atomic_op(k, p, op)

    def add_conflict_range(self, tr, a, b, kind):
        tr.add_conflict_range(a, b, kind)

    async def get(self, tr, k, snapshot):
        return await tr.get(k, snapshot)

    async def get_key(self, tr, k, or_equal, offset, snapshot):
        return await tr.get_key(k, or_equal, offset, snapshot)

    async def page(self, tr, bk, bo, boff, ek, eo, eoff, limit, mode, iteration, snapshot,
                   reverse):  # fmt: skip
        return await tr.get_range(bk, bo, boff, ek, eo, eoff, limit, 0, mode, iteration,
                                  snapshot, reverse)  # fmt: skip

    async def approx(self, tr):
        return await tr.get_approximate_size()

    def versionstamp(self, tr):
        return tr.get_versionstamp()

    async def stamp_result(self, future):
        return await future

    async def commit(self, tr):
        await tr.commit()

    def committed_version(self, tr):
        return tr.get_committed_version()

    def destroy(self, tr):
        tr.destroy()


def test_programs_are_varied() -> None:
    kinds = {op[0] for step in program_module.generate(SEEDS[0], STEPS) if step[0] == "tx"
             for op in step[1]}  # fmt: skip
    assert kinds >= {"set", "get", "get_key", "range", "atomic", "clear", "approx"}


@pytest.mark.parametrize("seed", SEEDS)
async def test_driver_agrees_with_the_official_binding(
    seed: int, backend, run_python, library_folder: str, tmp_path: Path
) -> None:
    program = program_module.generate(seed, STEPS)
    ours = await program_module.execute(program, DriverAdapter(backend))
    cluster_file = cluster_file_for(tmp_path / "official")
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['diff_program', '{seed}', '{STEPS}', {cluster_file!r}]\n"
        f"runpy.run_path({str(HERE / 'diff_program.py')!r}, run_name='__main__')\n"
    )
    done = run_python(code, {"LD_LIBRARY_PATH": library_folder})
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = json.loads(done.stdout)
    assert len(ours) == len(theirs)
    for index, (mine, official) in enumerate(zip(ours, theirs)):
        assert mine == official, f"entry {index} differs"
    commits = [e for e in ours if e[0] == "commit"]
    assert any(e[1] == "ok" for e in commits) and any(e[0] == "stamp" for e in ours)
