"""The harness on the current interpreter: two seeds on the three testers plus the scripted
program must pass; the command line and the testers' exit statuses behave as documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import found
from bindingtester.harness.api_program import ApiProgram
from bindingtester.harness.runner import TesterSpec, run_program
from bindingtester.harness.scripted import run_scripted
from bindingtester.harness.session import TESTERS, Session

HERE = Path(__file__).resolve().parent.parent


async def test_two_seeds_and_scripted_pass_on_every_tester(tmp_path: Path) -> None:
    lines: list = []
    session = Session(TESTERS, tmp_path, echo=lines.append)
    for seed in (1, 2):
        await session.run_seed(seed, 80)
    await run_scripted(session)
    assert session.failures == [], "\n".join(lines)
    assert len([line for line in lines if line.startswith("scripted on")]) == len(TESTERS)


async def test_concurrent_programs_finish_on_every_tester(tmp_path: Path) -> None:
    lines: list = []
    session = Session(TESTERS, tmp_path, echo=lines.append)
    problems = await session.run_concurrent(3, 40, threads=3)
    assert problems == [], "\n".join(lines)
    assert "3 threads" in lines[0]


async def test_a_harness_error_is_a_reported_failure_not_a_crash(tmp_path: Path) -> None:
    lines: list = []
    broken = TesterSpec("broken", "tester_aio.py", "no-such-backend")
    session = Session([TESTERS[1], broken], tmp_path, echo=lines.append)
    problems = await session.run_seed(1, 20)
    assert len(problems) == 1, problems
    assert problems[0].startswith("broken exited -2")
    assert "the harness failed" in problems[0] and "no-such-backend" in problems[0]
    assert "FAILED (1 problems)" in lines[0]


def test_a_seed_gives_one_program_and_seeds_differ() -> None:
    first = list(ApiProgram(7, 50).generate())
    assert first == list(ApiProgram(7, 50).generate())
    assert first != list(ApiProgram(8, 50).generate())
    names = {inst[0] for inst in first}
    assert {"NEW_TRANSACTION", "COMMIT", "WAIT_FUTURE", "LOG_STACK"} <= names


def test_command_line_runs_and_reports(tmp_path: Path) -> None:
    options = ["--seeds", "1", "--ops", "20", "--testers", "pthread/embedded", "--no-scripted"]
    options += ["--concurrent", "0"]
    done = subprocess.run(
        [sys.executable, str(HERE / "run.py"), *options, "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 seeds x 1 testers" in done.stdout and "passed" in done.stdout


def test_tester_refuses_other_api_versions() -> None:
    for script in ("tester_aio.py", "tester_pthread.py"):
        done = subprocess.run(
            [sys.executable, str(HERE / script), "test_spec", "720", "embedded:/nonexistent"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2
        assert "730" in done.stderr


async def test_tester_exits_non_zero_on_a_non_foundationdb_failure(tmp_path: Path) -> None:
    for spec in TESTERS[:2]:
        program = [("NEW_TRANSACTION",), ("PUSH", b"x"), ("NO_SUCH_OP",)]
        outcome = await run_program(spec, tmp_path / spec.script, {b"test_spec": program}, [])
        assert outcome.returncode == 1, outcome.output
        assert "NO_SUCH_OP" in outcome.output


async def test_errors_are_pushed_not_raised(tmp_path: Path) -> None:
    out = (b"out",)
    program = [
        ("NEW_TRANSACTION",),
        ("CANCEL",),
        ("PUSH", b"k"),
        ("GET",),
        ("PUSH", 2000),
        ("ON_ERROR",),
        ("PUSH", found.pack(out)),
        ("LOG_STACK",),
    ]
    spec = TesterSpec("aio/embedded", "tester_aio.py", "embedded")
    from bindingtester.harness.space import Space

    outcome = await run_program(spec, tmp_path, {b"test_spec": program}, [("out", Space(out))])
    assert outcome.returncode == 0, outcome.output
    logged = [found.unpack(v)[0] for _, v in outcome.spaces["out"]]
    assert logged == [found.pack((b"ERROR", b"1025")), found.pack((b"ERROR", b"1025"))]
    keys = [Space(out).unpack(k) for k, _ in outcome.spaces["out"]]
    assert keys == [(0, 3), (1, 5)]
