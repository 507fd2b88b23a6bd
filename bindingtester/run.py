"""found's binding-test harness (what `nox -s bindingtester` runs).

For each seed, a random program following Apple's `api` test is generated and run by
tester_aio on the embedded engine, tester_pthread on the embedded engine and tester_aio on the
cffi driver over the libfdb_c-compatible test library; their logged stacks and final
workspaces must be identical, their versionstamps valid, and no error 1007/1009/1021 may
appear. Then a hand-written scripted program runs on each with its expected answers.

    python bindingtester/run.py [--seeds N] [--seed S] [--ops N] [--no-scripted]
    python bindingtester/run.py --official-harness   # Apple's harness, FDB_SOURCE_DIR set

Exit status: 0 when everything passed, 1 otherwise (2 on a bad command line).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bindingtester.harness.session import TESTERS, Session


def parse(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    parser.add_argument("--ops", type=int, default=300, help="random ops per program (300)")
    parser.add_argument("--no-scripted", action="store_true", help="skip the scripted program")
    parser.add_argument(
        "--concurrent", type=int, default=1, help="5-thread programs to run (default 1)"
    )
    parser.add_argument(
        "--testers",
        default=",".join(t.name for t in TESTERS),
        help="comma-separated subset of: " + ", ".join(t.name for t in TESTERS),
    )
    parser.add_argument("--workdir", type=Path, help="keep the databases in this folder")
    parser.add_argument("--official-harness", action="store_true", help="run Apple's harness")
    parser.add_argument(
        "--cluster-file", help="with --official-harness: a real cluster (else the test library)"
    )
    parser.add_argument("--verbose", "-v", action="store_true")
    return parser.parse_args(argv)


async def run_own(args: argparse.Namespace) -> int:
    chosen = [t for t in TESTERS if t.name in args.testers.split(",")]
    if not chosen:
        print(f"no tester matches {args.testers!r}", file=sys.stderr)
        return 2
    session = Session(chosen, args.workdir)
    started = time.monotonic()
    try:
        for seed in range(args.seed, args.seed + args.seeds):
            await session.run_seed(seed, args.ops)
        for seed in range(args.seed, args.seed + args.concurrent):
            await session.run_concurrent(seed, args.ops)
        if not args.no_scripted:
            from bindingtester.harness.scripted import run_scripted

            await run_scripted(session)
    finally:
        session.close()
    elapsed = time.monotonic() - started
    verdict = "passed" if not session.failures else f"{len(session.failures)} problems"
    print(
        f"bindingtester: {args.seeds} seeds x {len(chosen)} testers"
        f" + {args.concurrent} concurrent{'' if args.no_scripted else ' + scripted'}"
        f" on {sys.implementation.name} "
        f"{sys.version.split()[0]} in {elapsed:.1f} s: {verdict}"
    )
    return 0 if not session.failures else 1


def main(argv: Optional[List[str]] = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    if args.official_harness:
        from bindingtester.harness.official import run_official

        return run_official(args)
    return asyncio.run(run_own(args))


if __name__ == "__main__":
    sys.exit(main())
