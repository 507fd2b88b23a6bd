"""`run.py --official-harness` preparation: the scratch copy of a FoundationDB tree gets the
generated modules, the PyPy guard, the randint fix and found's two testers; without a tree
the command refuses to run. (Apple's harness itself needs a real 7.3 tree: see README.md.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bindingtester.harness.official import FOUND_TESTERS, PYTHONAPI_GUARD, prepare_tree

HERE = Path(__file__).resolve().parent.parent


def fake_tree(root: Path) -> Path:
    tester = root / "bindings" / "bindingtester"
    (tester / "tests").mkdir(parents=True)
    (tester / "bindingtester.py").write_text("# harness\n", encoding="utf-8")
    (tester / "known_testers.py").write_text("testers = {}\n", encoding="utf-8")
    (tester / "tests" / "test_util.py").write_text("x = random.randint(1, 1e3)\n", "utf-8")
    fdb = root / "bindings" / "python" / "fdb"
    fdb.mkdir(parents=True)
    (fdb / "impl.py").write_text(PYTHONAPI_GUARD[0] + "\n    pass\n", encoding="utf-8")
    return root


def test_prepare_tree_registers_found_and_completes_the_binding(tmp_path: Path) -> None:
    source = fake_tree(tmp_path / "tree")
    script = prepare_tree(source, tmp_path / "scratch")
    copy = tmp_path / "scratch" / "bindings"
    assert script == copy / "bindingtester" / "bindingtester.py"
    known = (copy / "bindingtester" / "known_testers.py").read_text(encoding="utf-8")
    for name, tester in FOUND_TESTERS.items():
        line = next(x for x in known.splitlines() if x.startswith(f"testers[{name!r}]"))
        assert f"{sys.executable} {HERE / tester}" in line
        assert "2040, 730, 730" in line and "types=ALL_TYPES" in line
        assert "tenants_enabled=False" in line
    assert (copy / "python" / "fdb" / "fdboptions.py").exists()
    assert (copy / "python" / "fdb" / "apiversion.py").exists()
    impl = (copy / "python" / "fdb" / "impl.py").read_text(encoding="utf-8")
    assert PYTHONAPI_GUARD[1] in impl
    util = (copy / "bindingtester" / "tests" / "test_util.py").read_text(encoding="utf-8")
    assert "randint(1, 1000)" in util
    assert (source / "bindings" / "bindingtester" / "known_testers.py").read_text(
        encoding="utf-8"
    ) == "testers = {}\n"


def test_official_harness_needs_a_source_tree(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "FDB_SOURCE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--official-harness"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2
    assert "FDB_SOURCE_DIR" in done.stderr
