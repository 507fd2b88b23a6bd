"""bench/report.py reads the benchmarks' printed tables (it writes docs/benchmarks/)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load_report() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "found_bench_report", ROOT / "bench" / "report.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


report = _load_report()

OUTPUT = """\
CPython 3.11.7, keys=5000, best of 2 interleaved rounds; transactions per second
workload                       found   sqlite3  aiosqlite  sqlite3/found  found/aiosqlite
10 point reads / tx            5,098    28,731        551          5.64x            9.24x
64 concurrent writers          1,231       328         29          0.27x           42.69x
triples: 100,000  repeat: 3
?s type C1 . ?s age 30 . ?s likes ?f (23)      39.83       1.84         2.57           0.05
query latency (ms, mean)           0.993       0.137          7.24   (pstore time / FTS5 time)
top-10 agreement over 26 queries: overlap@10 100.00%, same first hit 100.00%
load                                          19022       5237          nan           0.28
"""


def test_parse_rows_reads_labels_and_numbers() -> None:
    rows = dict(report.parse_rows(OUTPUT))
    assert rows["10 point reads / tx"] == [5098.0, 28731.0, 551.0, 5.64, 9.24]
    assert rows["64 concurrent writers"][-2:] == [0.27, 42.69]
    assert rows["?s type C1 . ?s age 30 . ?s likes ?f (23)"][-1] == 0.05
    assert rows["query latency (ms, mean)"] == [0.993, 0.137, 7.24]
    assert rows["load"][0] == 19022.0
    # headers, version lines and prose are not rows
    assert not any(label.startswith(("workload", "CPython", "triples", "top-10")) for label in rows)


def test_every_benchmark_script_is_run() -> None:
    scripts = {bench.script for bench in report.benches()}
    assert scripts == {path.name for path in (ROOT / "bench").glob("bench_*.py")}
    for bench in report.benches():
        assert bench.ratios and all(column < 0 for column, _ in bench.ratios)


def test_machine_description() -> None:
    text = "\n".join(report.machine())
    assert "CPU:" in text and "Python:" in text and "SQLite" in text
