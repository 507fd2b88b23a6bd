"""Run every benchmark and publish the results in the documentation site.

Run: ``python bench/report.py [--full] [--only NAME ...] [--out docs/benchmarks]``.

Each ``bench/bench_*.py`` runs in a child process with the interpreter running this script,
quick settings by default (``--full``: each script's own defaults, much longer). Their printed
tables are copied verbatim into ``results.md``, preceded by the machine they ran on (CPU,
cores, memory, load, Python, SQLite) and the exact command of each run. The ratio columns
(each benchmark compares found with the alternative in the same run) are also drawn as one
PNG bar chart per benchmark, on a log scale around 1.0. A benchmark that fails (a missing
optional dependency, no C compiler for the driver benchmark) is reported as failed with the
end of its error output; the others still run. Needs matplotlib.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NUMBER = re.compile(r"^-?[\d,]*\.?\d+(?:e[-+]?\d+)?x?$|^nan$")
TRAILING_NOTE = re.compile(r"\s+\([^()]*\)\s*$")


@dataclass
class Bench:
    """One benchmark script: how to run it quickly, and which trailing columns are ratios."""

    script: str
    title: str
    quick: List[str]
    #: (column counted from the end: -1 is the last, caption of the ratio)
    ratios: List[Tuple[int, str]]
    rows: List[Tuple[str, List[float]]] = field(default_factory=list)


BENCHES = [
    Bench("bench_tuple.py", "Tuple layer: found vs fdb.tuple", ["--count", "300", "--repeat", "15"],
          [(-1, "fdb.tuple time / found time (above 1: found is faster)")]),
    Bench("bench_storage.py", "Storage engine vs raw sqlite3", ["--keys", "20000", "--repeat", "3"],
          [(-1, "raw sqlite3 speed / engine speed (above 1: sqlite3 is faster)")]),
    Bench("bench_engine.py", "found (embedded, public API) vs sqlite3 vs aiosqlite",
          ["--keys", "5000", "--repeat", "3", "--scale", "0.5"],
          [(-2, "sqlite3 speed / found speed (above 1: sqlite3 is faster)"),
           (-1, "found speed / aiosqlite speed (above 1: found is faster)")]),
    Bench("bench_driver.py", "cffi driver vs the official binding", ["--repeat", "5"],
          [(-1, "found speed / official speed (above 1: found is faster)")]),
    Bench("bench_bstore.py", "bstore vs content-addressed files",
          ["--scale", "0.3", "--repeat", "1"],
          [(-1, "files speed / bstore speed (above 1: files are faster)")]),
    Bench("bench_nstore.py", "nstore vs rdflib and pyoxigraph", ["--n", "100000", "--repeat", "3"],
          [(-2, "rdflib time / nstore time (above 1: nstore is faster)"),
           (-1, "pyoxigraph time / nstore time (above 1: nstore is faster)")]),
    Bench("bench_pstore.py", "pstore vs SQLite FTS5", ["--limit", "3000", "--repeat", "3"],
          [(-1, "how many times faster FTS5 is than pstore")]),
    Bench("bench_server.py", "vnstore web server: compressed vs identity responses",
          ["--requests", "150", "--concurrency", "8", "--seconds", "5"],
          [(-1, "req/s with this encoding / req/s uncompressed (above 1: faster)")]),
]  # fmt: skip


def benches() -> List[Bench]:
    """The known benchmarks, then any other bench/bench_*.py (default arguments, and its last
    column drawn as the ratio), so that a new benchmark is never silently left out."""
    known = {bench.script for bench in BENCHES}
    extra = [
        Bench(path.name, path.stem, [], [(-1, "last column of the table")])
        for path in sorted(HERE.glob("bench_*.py"))
        if path.name not in known
    ]
    return [*BENCHES, *extra]


def parse_rows(output: str) -> List[Tuple[str, List[float]]]:
    """Table rows of a benchmark's output: a text label followed by two or more numbers."""
    rows = []
    for line in output.splitlines():
        tokens = TRAILING_NOTE.sub("", line).split()
        numbers: List[float] = []
        while tokens and NUMBER.match(tokens[-1]):
            numbers.insert(0, float(tokens.pop().rstrip("x").replace(",", "")))
        if len(numbers) >= 2 and tokens:
            rows.append((" ".join(tokens), numbers))
    return rows


def machine() -> List[str]:
    """What the numbers were measured on, as markdown list items."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(next(ln for ln in info if ln.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {memory}",
        f"- load average when the run started: {load} (the machine is shared)",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}",
    ]


def run(bench: Bench, full: bool, timeout: float) -> Tuple[str, str, Optional[str], float]:
    """Run one benchmark: (command shown, stdout, error text or None, seconds)."""
    args = [] if full else bench.quick
    command = [sys.executable, str(HERE / bench.script), *args]
    shown = " ".join(["python", f"bench/{bench.script}", *args])
    print(f"running {shown}", flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return shown, "", f"timed out after {timeout:.0f} s", time.perf_counter() - started
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-1500:]
        return shown, done.stdout, f"exit status {done.returncode}:\n{tail}", seconds
    return shown, done.stdout, None, seconds


def plot(bench: Bench, path: Path) -> bool:
    """One horizontal bar chart of the ratio columns; False when there is nothing to draw."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    from matplotlib import pyplot

    if not bench.rows:
        return False
    labels = [label for label, _ in bench.rows]
    figure, axes = pyplot.subplots(figsize=(8, 0.45 * len(labels) * len(bench.ratios) + 2.0))
    height = 0.8 / len(bench.ratios)
    columns = [
        [nums[column] if len(nums) >= -column else float("nan") for _, nums in bench.rows]
        for column, _ in bench.ratios
    ]
    positive = [v for values in columns for v in values if v > 0]
    if not positive:
        pyplot.close(figure)
        return False
    # Printed ratios are rounded to 0.01: a 0.00 is drawn as a short bar labelled "<0.01x".
    floor = min(min(positive), 0.01) / 2
    for number, ((_, caption), values) in enumerate(zip(bench.ratios, columns)):
        places = [i + number * height for i in range(len(labels))]
        shown = [v if v > 0 else floor for v in values]
        bars = axes.barh(places, shown, height=height, label=caption)
        texts = [f"{v:g}x" if v > 0 else "<0.01x" if v == 0 else "" for v in values]
        axes.bar_label(bars, labels=texts, fontsize=7, padding=2)
    axes.set_yticks([i + height * (len(bench.ratios) - 1) / 2 for i in range(len(labels))])
    axes.set_yticklabels(labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("log")
    zeros = any(v == 0 for values in columns for v in values)
    low = min(floor if zeros else min(positive), 1.0) / 1.5
    high = max(max(positive), 1.0) * 2.5
    axes.set_xlim(low, high)
    ticker = matplotlib.ticker
    axes.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:g}x"))
    axes.xaxis.set_minor_formatter(ticker.NullFormatter())
    axes.axvline(1.0, color="black", linewidth=0.8)
    axes.set_xlabel("ratio, log scale (the line is 1x: both sides equal)", fontsize=8)
    axes.set_title(bench.title, fontsize=10)
    axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true", help="each benchmark's own defaults")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="e.g. tuple nstore")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks"))
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per benchmark")
    args = parser.parse_args()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SystemExit("bench/report.py needs matplotlib: pip install matplotlib") from None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [b for b in benches() if not args.only or b.script[6:-3] in args.only]
    lines = ["# Benchmark results", "", "Measured on:", "", *machine(), ""]
    lines += [
        "Generated by `python bench/report.py` "
        + ("with each benchmark's default sizes." if args.full else "with its quick settings.")
        + " Every table compares found with the alternative in the same run: read the ratios,"
        " not the absolute numbers, which move with the load of this shared machine.",
        "",
    ]
    for bench in chosen:
        shown, output, failure, seconds = run(bench, args.full, args.timeout)
        bench.rows = parse_rows(output)
        lines += [f"## {bench.title}", "", f"`{shown}` ({seconds:.0f} s)", ""]
        lines += [f"- ratio: {caption}" for _, caption in bench.ratios] + [""]
        if output.strip():
            lines += ["```text", output.rstrip(), "```", ""]
        if failure is not None:
            lines += ["Failed on this machine:", "", "```text", failure, "```", ""]
        image = f"{bench.script[:-3]}.png"
        if failure is None and plot(bench, out / image):
            lines += [f"![{bench.title}]({image})", ""]
        else:
            (out / image).unlink(missing_ok=True)  # no stale chart from an earlier run
    (out / "results.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out / 'results.md'}")


if __name__ == "__main__":
    main()
