"""One harness session: random programs for a range of seeds, then the scripted program, each
run on every configured tester; a summary of failures."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, List, Optional, Sequence

from .api_program import ApiProgram
from .compare import compare_spaces
from .runner import Outcome, TesterSpec, has_permissible_errors, run_program

__all__ = ["TESTERS", "Session"]

#: The three runs every program gets: their logs and workspaces must be identical.
TESTERS = (
    TesterSpec("aio/embedded", "tester_aio.py", "embedded"),
    TesterSpec("pthread/embedded", "tester_pthread.py", "embedded"),
    TesterSpec("aio/capi", "tester_aio.py", "capi"),
)
PREFIX = b"test_spec"


def check_outcome(outcome: Outcome, asked_errors: bool = False) -> List[str]:
    """Problems visible in one tester's run alone."""
    problems = []
    if outcome.returncode != 0:
        tail = outcome.output.strip().splitlines()[-15:]
        problems.append(f"{outcome.tester} exited {outcome.returncode}:\n  " + "\n  ".join(tail))
    problems.extend(f"{outcome.tester}: {error}" for error in outcome.validation)
    if not asked_errors:
        for name, pairs in outcome.spaces.items():
            if has_permissible_errors(pairs):
                problems.append(
                    f"{outcome.tester}: {name} holds a non-deterministic error (1007, 1009 or "
                    "1021) the program did not ask for"
                )
    return problems


class Session:
    """Runs programs on `testers` in a work folder and collects problems per program."""

    def __init__(
        self,
        testers: Sequence[TesterSpec] = TESTERS,
        workdir: Optional[Path] = None,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.testers = list(testers)
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="found-bt-")
        self.workdir = Path(workdir) if workdir else Path(self._tmp.name)  # type: ignore[union-attr]
        self.echo = echo
        self.failures: List[str] = []

    #: Problems visible in one tester's run alone (see `check_outcome`).
    check_outcome = staticmethod(check_outcome)

    def folder(self, run: str, spec: TesterSpec) -> Path:
        """Where `spec` keeps its database for `run`."""
        return self.workdir / run / spec.name.replace("/", "-")

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    async def run_seed(self, seed: int, num_ops: int) -> List[str]:
        """Generate the program for `seed`, run it everywhere, compare."""
        started = time.monotonic()
        api = ApiProgram(seed, num_ops)
        program = api.generate()
        spaces = [("workspace", api.workspace), ("stack", api.stack_space)]
        outcomes = await asyncio.gather(
            *(
                self.run_guarded(spec, f"seed{seed}", {PREFIX: program}, spaces, api)
                for spec in self.testers
            )
        )
        problems: List[str] = []
        for outcome in outcomes:
            problems.extend(check_outcome(outcome))
        read = [o for o in outcomes if len(o.spaces) == len(spaces)]
        for name, _ in spaces:
            if len(read) > 1:
                problems.extend(compare_spaces(name, {o.tester: o.spaces[name] for o in read}))
        first = read[0].spaces if read else {"stack": [], "workspace": []}
        status = "ok" if not problems else f"FAILED ({len(problems)} problems)"
        self.echo(
            f"seed {seed}: {len(program)} instructions, {len(first['stack'])} logged items, "
            f"{len(first['workspace'])} workspace keys, "
            f"{time.monotonic() - started:.1f} s: {status}"
        )
        self.record(f"seed {seed}", problems)
        self.discard(f"seed{seed}", problems)
        return problems

    async def run_concurrent(self, seed: int, num_ops: int, threads: int = 5) -> List[str]:
        """Apple's `api --concurrency N`: N random programs as START_THREAD machines of one
        main program. Nothing is comparable; every tester must finish cleanly (no crash,
        deadlock or hang) and the versionstamps must validate."""
        started = time.monotonic()
        programs = {PREFIX: []}
        api = None
        for i in range(threads):
            name = b"thread_spec%d" % i
            api = ApiProgram(seed * 1000 + i, num_ops, max_keys=(50, 200), concurrent=True)
            programs[name] = list(api.generate())
            programs[PREFIX].extend([("PUSH", name), ("START_THREAD",)])
        outcomes = await asyncio.gather(
            *(
                self.run_guarded(spec, f"concurrent{seed}", programs, [], api)
                for spec in self.testers
            )
        )
        problems = [p for outcome in outcomes for p in check_outcome(outcome, asked_errors=True)]
        status = "ok" if not problems else f"FAILED ({len(problems)} problems)"
        total = sum(len(p) for p in programs.values())
        self.echo(
            f"concurrent seed {seed}: {threads} threads, {total} instructions, "
            f"{time.monotonic() - started:.1f} s: {status}"
        )
        self.record(f"concurrent seed {seed}", problems)
        self.discard(f"concurrent{seed}", problems)
        return problems

    async def run_guarded(
        self, spec: TesterSpec, run: str, threads: dict, spaces: list, api: object
    ) -> Outcome:
        """`run_program`, with an error of the harness itself (not of the tester) turned into a
        failed outcome that carries its traceback, so the other testers still finish and the
        summary shows what broke."""
        try:
            return await run_program(spec, self.folder(run, spec), threads, spaces, api)
        except Exception:
            return Outcome(spec.name, -2, "the harness failed:\n" + traceback.format_exc())

    def discard(self, run: str, problems: List[str]) -> None:
        """Delete a passing run's databases unless the user asked to keep them (--workdir);
        a failing run's stay for inspection until the session closes."""
        if not problems and self._tmp is not None:
            shutil.rmtree(self.workdir / run, ignore_errors=True)

    def record(self, what: str, problems: List[str]) -> None:
        for problem in problems:
            line = f"{what}: {problem}"
            self.failures.append(line)
            self.echo("  " + line)
