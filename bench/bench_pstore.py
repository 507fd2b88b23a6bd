"""pstore vs SQLite FTS5 (bm25) on the docstrings of the Python standard library, same run.

Run: ``python bench/bench_pstore.py [--limit N] [--repeat R] [--batch B]``.

The corpus is every docstring of the importable public standard library (modules, classes,
functions, methods), gathered with `pkgutil` and `inspect`. Both engines index the same
documents with equivalent tokenizers (pstore's `tokenize`; FTS5's ``unicode61``), in
transactions of `--batch` documents, each commit durable (the embedded engine syncs its
commits; SQLite runs in WAL mode with ``synchronous=FULL``). Then both answer the same fixed
query set (AND of the terms, best 10 by BM25) `--repeat` times each. Printed: indexing rate,
median query latency, the ratios, and how far the two top-10 lists agree (overlap@10, same
first hit). BM25 variants differ slightly: FTS5 uses ``log((N - n + 0.5) / (n + 0.5))`` and
pstore Lucene's always-positive ``log(1 + (N - n + 0.5) / (n + 0.5))``, so rankings can part
on terms found in more than half of the documents.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import inspect
import io
import os
import pkgutil
import platform
import sqlite3
import statistics
import sys
import sysconfig
import tempfile
import time
import warnings
from typing import Dict, List, Tuple

import found
from found.ext import pstore

SKIP = {
    "antigravity", "this", "idlelib", "turtledemo", "turtle", "tkinter", "test", "lib2to3",
    "ensurepip", "pydoc_data", "xxlimited", "xxsubtype", "xxlimited_35",
}  # fmt: skip

QUERIES = [
    "socket timeout", "file descriptor", "unicode string", "thread lock", "parse url",
    "json encoder", "regular expression", "temporary file", "event loop", "context manager",
    "default value", "hash", "compressed data", "http header", "xml element", "time zone",
    "random number", "subprocess", "iterator", "return the number of bytes", "deprecated",
    "raise valueerror", "abstract base class", "coroutine", "encoding errors", "path",
    "mime type", "signal handler", "decimal", "tar archive",
]  # fmt: skip


def _module_names() -> List[str]:
    names = getattr(sys, "stdlib_module_names", None)
    if names is None:  # Python 3.9
        stdlib = sysconfig.get_paths()["stdlib"]
        names = {m.name for m in pkgutil.iter_modules([stdlib])} | set(sys.builtin_module_names)
    out = []
    for name in sorted(names):
        if name.startswith("_") or name in SKIP:
            continue
        out.append(name)
        with contextlib.suppress(Exception):
            module = _quiet_import(name)
            path = getattr(module, "__path__", None)
            if path is not None:
                for sub in pkgutil.walk_packages(path, name + ".", onerror=lambda _: None):
                    parts = sub.name.split(".")
                    if not any(p.startswith("_") or p in SKIP or p == "tests" for p in parts):
                        out.append(sub.name)
    return out


def _quiet_import(name: str):
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return importlib.import_module(name)


def _own_doc(obj) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some module attributes warn when touched
        doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else ""


def gather_corpus() -> Dict[str, str]:
    """Dotted name -> docstring, for every documented public object of the stdlib."""
    corpus: Dict[str, str] = {}
    for name in _module_names():
        try:
            module = _quiet_import(name)
        except BaseException:  # some modules exit or fail on this platform: skip them
            continue
        if _own_doc(module):
            corpus[name] = _own_doc(module)
        for attr, obj in sorted(vars(module).items()):
            if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                continue
            if not (inspect.isclass(obj) or inspect.isroutine(obj)):
                continue
            if _own_doc(obj):
                corpus[f"{name}.{attr}"] = _own_doc(obj)
            if inspect.isclass(obj):
                for member, value in sorted(vars(obj).items()):
                    if member.startswith("_") and member != "__init__":
                        continue
                    target = (
                        value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
                    )
                    if (inspect.isroutine(target) or isinstance(target, property)) and _own_doc(
                        target
                    ):
                        corpus[f"{name}.{attr}.{member}"] = _own_doc(target)
    return corpus


async def pstore_run(docs: List[str], queries, batch: int, repeat: int, directory: str):
    db = await found.open(directory=os.path.join(directory, "found"))
    store = pstore.make("stdlib", ("bench", "pstore"))
    counters = [pstore.tokenize(text) for text in docs]

    async def load(tx, start):
        for i in range(start, min(start + batch, len(docs))):
            await pstore.index(tx, store, i, counters[i])

    began = time.perf_counter()
    for start in range(0, len(docs), batch):
        await found.transactional(db, load, start)
    indexing = time.perf_counter() - began
    results, latencies = [], []
    for terms in queries:
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            hits = await found.transactional(db, pstore.search, store, terms, 10)
            times.append(time.perf_counter() - began)
        results.append([docuid for docuid, _ in hits])
        latencies.append(statistics.median(times))
    await db.close()
    return indexing, latencies, results


def fts5_run(docs: List[str], queries, batch: int, repeat: int, directory: str):
    connection = sqlite3.connect(os.path.join(directory, "fts5.sqlite3"), isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 0')"
    )
    began = time.perf_counter()
    for start in range(0, len(docs), batch):
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO docs(rowid, body) VALUES (?, ?)",
            ((i, docs[i]) for i in range(start, min(start + batch, len(docs)))),
        )
        connection.execute("COMMIT")
    indexing = time.perf_counter() - began
    sql = "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs), rowid LIMIT 10"
    results, latencies = [], []
    for terms in queries:
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            rows = connection.execute(sql, (match,)).fetchall()
            times.append(time.perf_counter() - began)
        results.append([row[0] for row in rows])
        latencies.append(statistics.median(times))
    connection.close()
    return indexing, latencies, results


def agreement(ours: List[List[int]], theirs: List[List[int]]) -> Tuple[float, float, int]:
    """Mean overlap@10, share of equal first hits, over queries with a result on either side."""
    overlaps, firsts = [], []
    for a, b in zip(ours, theirs):
        if not a and not b:
            continue
        overlaps.append(len(set(a) & set(b)) / max(len(a), len(b)))
        firsts.append(bool(a and b and a[0] == b[0]))
    count = len(overlaps)
    return (sum(overlaps) / count if count else 1.0), (sum(firsts) / count if count else 1.0), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="index only the first N docs")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--batch", type=int, default=100, help="documents per transaction")
    args, _ = parser.parse_known_args()
    corpus = gather_corpus()
    names = sorted(corpus)
    if args.limit:
        names = names[: args.limit]
    docs = [corpus[name] for name in names]
    queries = [list(pstore.tokenize(q)) for q in QUERIES]
    tokens = sum(sum(pstore.tokenize(d).values()) for d in docs)
    print(f"python {platform.python_implementation()} {platform.python_version()}, "
          f"sqlite {sqlite3.sqlite_version}")  # fmt: skip
    print(f"corpus: {len(docs)} stdlib docstrings, {tokens} tokens; {len(queries)} queries, "
          f"batch {args.batch}, repeat {args.repeat}")  # fmt: skip
    with tempfile.TemporaryDirectory() as directory:
        p_index, p_lat, p_res = asyncio.run(
            pstore_run(docs, queries, args.batch, args.repeat, directory)
        )
        f_index, f_lat, f_res = fts5_run(docs, queries, args.batch, args.repeat, directory)
    p_rate, f_rate = len(docs) / p_index, len(docs) / f_index
    p_ms, f_ms = statistics.mean(p_lat) * 1e3, statistics.mean(f_lat) * 1e3
    print(f"{'':28}{'pstore':>12}{'FTS5':>12}{'FTS5/pstore':>14}")
    print(f"{'indexing (docs/s)':28}{p_rate:12.0f}{f_rate:12.0f}{f_rate / p_rate:14.2f}")
    print(f"{'query latency (ms, mean)':28}{p_ms:12.3f}{f_ms:12.3f}{p_ms / f_ms:14.2f}"
          "   (pstore time / FTS5 time)")  # fmt: skip
    overlap, first, counted = agreement(p_res, f_res)
    print(f"top-10 agreement over {counted} queries: overlap@10 {overlap:.2%}, "
          f"same first hit {first:.2%}")  # fmt: skip


if __name__ == "__main__":
    main()
