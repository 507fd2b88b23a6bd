"""Checks of what the build produces and of what an install of it pulls in (used by noxfile.py).

Two commands, run by the `build` nox session with the interpreter that runs nox (it has
`packaging`, a dependency of nox):

`files <folder> <dist>...`
    Every wheel and sdist of the listed distributions is in `<folder>`, and each wheel holds only
    what its distribution owns: found-core the regular package `found/` (with the shared
    `found/ext/__init__.py` and `py.typed`), a layer only `found/ext/<name>/`, found-server only
    `found_server/`. A layer shipping `found/__init__.py` would overwrite found-core's on
    install, so this is checked, not assumed.

`install <report.json> <folder> <expected-found-dists> <requirement>...`
    Reads the JSON report of `pip install --report` into a fresh environment and checks that the
    found distributions installed are exactly the expected ones, all from `<folder>`, and that
    every distribution installed is required, directly or not, by the requested requirements
    (nothing extra came along, nothing required is missing).
"""

from __future__ import annotations

import json
import sys
import tarfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def _wheel_prefixes(dist: str) -> tuple[str, ...]:
    """The top-level paths a wheel of `dist` may contain besides its `.dist-info`."""
    if dist == "found-core":
        return ("found/",)
    if dist == "found-server":
        return ("found_server/",)
    return (f"found/ext/{dist.split('-', 1)[1]}/",)


def check_files(folder: Path, dists: list[str]) -> list[str]:
    """Return the problems found in the wheels and sdists of `dists` inside `folder`."""
    problems: list[str] = []
    for dist in dists:
        stem = dist.replace("-", "_")
        wheels = sorted(folder.glob(f"{stem}-*.whl"))
        sdists = sorted(folder.glob(f"{stem}-*.tar.gz"))
        if len(wheels) != 1 or len(sdists) != 1:
            problems.append(f"{dist}: expected one wheel and one sdist, got {wheels + sdists}")
            continue
        names = zipfile.ZipFile(wheels[0]).namelist()
        allowed = _wheel_prefixes(dist)
        for name in names:
            if name.split("/", 1)[0].endswith(".dist-info"):
                continue
            if not name.startswith(allowed):
                problems.append(f"{wheels[0].name}: {name} is outside {allowed}")
            if dist != "found-core" and name in ("found/__init__.py", "found/ext/__init__.py"):
                problems.append(f"{wheels[0].name}: ships {name}, which belongs to found-core")
        required = [f"{allowed[0]}__init__.py", f"{allowed[0]}py.typed"]
        if dist == "found-core":
            required.append("found/ext/__init__.py")
        problems += [f"{wheels[0].name}: {r} is missing" for r in required if r not in names]
        with tarfile.open(sdists[0]) as tar:
            members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
        for needed in ("pyproject.toml", "README.md", "LICENSE", "PKG-INFO"):
            if needed not in members:
                problems.append(f"{sdists[0].name}: {needed} is missing")
        if not any(m.startswith("src/") for m in members):
            problems.append(f"{sdists[0].name}: no src/ folder")
    return problems


def check_install(report: dict, folder: Path, expected: set[str], wanted: list[str]) -> list[str]:
    """Return the problems found in a `pip install --report` report (see the module docstring)."""
    env = report["environment"]
    items = {canonicalize_name(i["metadata"]["name"]): i for i in report["install"]}
    problems: list[str] = []
    found = {name for name in items if name.startswith("found-")}
    if found != expected:
        problems.append(f"found distributions installed: {sorted(found)}, want {sorted(expected)}")
    for name in sorted(found):
        url = items[name]["download_info"]["url"]
        if not url.startswith(folder.resolve().as_uri()):
            problems.append(f"{name} came from {url}, not from {folder}")
    needed: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(w) for w in wanted]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        needed.add(name)
        if name not in items:
            problems.append(f"{req} is required but was not installed by this command")
            continue
        for line in items[name]["metadata"].get("requires_dist") or []:
            dep = Requirement(line)
            extras = ["", *sorted(req.extras)]
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in extras):
                todo.append(dep)
    for name in sorted(set(items) - needed):
        problems.append(f"{name} was installed but nothing requested requires it")
    return problems


def main(argv: list[str]) -> int:
    """Run one command (see the module docstring); print the problems, return 1 if any."""
    if len(argv) >= 2 and argv[0] == "files":
        problems = check_files(Path(argv[1]), argv[2:])
    elif len(argv) >= 5 and argv[0] == "install":
        report = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        expected = {canonicalize_name(d) for d in argv[3].split(",")}
        problems = check_install(report, Path(argv[2]), expected, argv[4:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_dist {argv[0]}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
