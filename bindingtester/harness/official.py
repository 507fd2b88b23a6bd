"""Apple's harness (`bindings/bindingtester/bindingtester.py` of a FoundationDB 7.3 source tree)
driving found's testers: `run.py --official-harness`, with `FDB_SOURCE_DIR` set.

Steps (README.md, "Apple's harness", lists the same as shell commands):

1. Copy `<tree>/bindings/bindingtester` and `<tree>/bindings/python` to a scratch folder (the
   tree itself is never modified).
2. Make the copy runnable on this interpreter: add the two generated modules the source tree
   lacks (`fdb/fdboptions.py`, `fdb/apiversion.py`) from the pip-installed `foundationdb`
   (PyPI 7.3.79 is byte-identical to the tree otherwise); on PyPy, guard `ctypes.pythonapi`
   in `fdb/impl.py`; replace the float `randint` bounds of old `tests/test_util.py`.
3. Register found's testers by appending to the copy's `known_testers.py`:
   `found_aio` and `found_pthread`, this interpreter running `tester_aio.py` /
   `tester_pthread.py`, 2040-bit ints, API 730 only, every tuple type, threads, no tenants.
4. Choose the database: `--cluster-file PATH` (a real cluster you may wipe; the harness
   clears everything), else the libfdb_c-compatible test library on a scratch embedded
   database (`LD_LIBRARY_PATH` = its folder, a `found-embedded:` cluster file).
5. Run, for each found tester: `scripted`; `api --compare python` (TESTER1 = found, TESTER2 =
   Apple's Python tester) for each seed; `api --concurrency 5`; `directory --compare python`.
   A run fails on a non-zero exit or when the harness disregarded results because of
   permissible non-deterministic errors (1007/1009/1021).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

__all__ = ["prepare_tree", "run_official"]

HERE = Path(__file__).resolve().parent.parent
ROOT = HERE.parent
FOUND_TESTERS = {"found_aio": "tester_aio.py", "found_pthread": "tester_pthread.py"}
DISREGARDED = "permissible non-deterministic errors"
PYTHONAPI_GUARD = (
    'if hasattr(ctypes.pythonapi, "Py_IncRef"):',
    'if hasattr(ctypes, "pythonapi") and hasattr(ctypes.pythonapi, "Py_IncRef"):',
)


def prepare_tree(source: Path, scratch: Path) -> Path:
    """Steps 1-3; returns the copy's `bindingtester.py`."""
    bindings = scratch / "bindings"
    for part in ("bindingtester", "python"):
        shutil.copytree(source / "bindings" / part, bindings / part, dirs_exist_ok=True)
    import fdb  # the pip-installed official binding (requirements-test.txt pins 7.3.79)

    installed = Path(fdb.__file__).resolve().parent
    target = bindings / "python" / "fdb"
    for generated in ("fdboptions.py", "apiversion.py"):
        if not (target / generated).exists():
            shutil.copy2(installed / generated, target / generated)
    impl = target / "impl.py"
    impl.write_text(impl.read_text(encoding="utf-8").replace(*PYTHONAPI_GUARD), encoding="utf-8")
    util = bindings / "bindingtester" / "tests" / "test_util.py"
    if util.exists():
        text = util.read_text(encoding="utf-8").replace("1e3", "1000").replace("1e8", "10**8")
        util.write_text(text, encoding="utf-8")
    known = bindings / "bindingtester" / "known_testers.py"
    lines = ["", "# found's testers (added by found's bindingtester/harness/official.py)"]
    for name, script in FOUND_TESTERS.items():
        parts = [sys.executable, str(HERE / script)]
        if any(" " in part for part in parts):
            raise ValueError(f"Apple's harness splits commands on spaces: {parts!r}")
        command = " ".join(parts)
        lines.append(
            f"testers[{name!r}] = Tester({name!r}, {command!r}, 2040, 730, 730, "
            "threads_enabled=True, types=ALL_TYPES, tenants_enabled=False)"
        )
    with open(known, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return bindings / "bindingtester" / "bindingtester.py"


def environment(scratch: Path, cluster_file: Optional[str]) -> tuple:
    """Step 4, plus `python` on PATH being this interpreter; returns (env, cluster file)."""
    env = dict(os.environ)
    shims = scratch / "bin"
    shims.mkdir(exist_ok=True)
    for name in ("python", "python3"):
        link = shims / name
        if not link.exists():
            link.symlink_to(sys.executable)
    env["PATH"] = os.pathsep.join([str(shims), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if cluster_file is None:
        sys.path.insert(0, str(ROOT))
        from bindingtester.shim import build_library, cluster_file_for

        library = build_library()
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            filter(None, [str(library.parent), env.get("LD_LIBRARY_PATH")])
        )
        cluster_file = cluster_file_for(scratch / "db")
    return env, cluster_file


def commands(script: Path, args: argparse.Namespace, cluster_file: str) -> List[List[str]]:
    """Step 5: every harness invocation, in order (the tester first, then the options)."""
    common = ["--api-version", "730", "--cluster-file", cluster_file]
    ops = ["--num-ops", str(args.ops)]
    runs: List[List[str]] = []
    for tester in FOUND_TESTERS:
        runs.append([tester, "--test-name", "scripted"])
        for seed in range(args.seed, args.seed + args.seeds):
            runs.append(
                [tester, "--test-name", "api", *ops, "--seed", str(seed), "--compare", "python"]
            )
        runs.append([tester, "--test-name", "api", *ops, "--concurrency", "5"])
        runs.append([tester, "--test-name", "directory", *ops, "--compare", "python"])
    return [[sys.executable, str(script), *run, *common] for run in runs]


def run_official(args: argparse.Namespace) -> int:
    """Steps 1-5; exit status 0 when every run passed."""
    source = os.environ.get("FDB_SOURCE_DIR")
    if (
        not source
        or not (Path(source) / "bindings" / "bindingtester" / "bindingtester.py").exists()
    ):
        print(
            "--official-harness needs FDB_SOURCE_DIR = a FoundationDB 7.3 source tree",
            file=sys.stderr,
        )
        return 2
    scratch = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="found-apple-"))
    script = prepare_tree(Path(source), scratch)
    env, cluster_file = environment(scratch, getattr(args, "cluster_file", None))
    failures = 0
    for command in commands(script, args, cluster_file):
        print("$", " ".join(command[1:]), flush=True)
        done = subprocess.run(
            command, env=env, cwd=str(script.parent.parent), capture_output=True, text=True
        )
        output = done.stdout + done.stderr
        print(output.strip().splitlines()[-1] if output.strip() else "(no output)")
        if done.returncode != 0 or DISREGARDED in output:
            failures += 1
            print(output[-4000:])
    print(f"Apple's harness: {failures} failed run(s)")
    return 0 if failures == 0 else 1
