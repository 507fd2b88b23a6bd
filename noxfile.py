"""Every workflow of the found monorepo, driven by the one package list below.

    nox -t ci            what CI runs: lint, types, build, editable, tests and the binding
                         tester on every interpreter, the browser test, the docs build
    nox -s tests         the test suites on every interpreter this machine has (wheels)
    nox -s serve         the vnstore web app (`found-vnstore`) on the default database
    nox -s bindingtester | docs | bench

Packages are tested as users get them: each run builds every wheel once, into one folder, and
the sessions install the distributions by name from it (third-party dependencies from the
package index). Interpreters: CPython 3.9-3.13 (pyenv shims are made to work by setting
PYENV_VERSION) and PyPy 3.9 (Debian's `pypy3.9` / `pypy3`); every one found is used.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
# The one package list: distribution name -> folder. Every session derives from it.
PACKAGES = (
    "found-core",
    "found-nstore",
    "found-bstore",
    "found-eavstore",
    "found-pstore",
    "found-vnstore",
    "found-server",
)
PYPROJECTS = {
    name: nox.project.load_toml(ROOT / "packages" / name / "pyproject.toml") for name in PACKAGES
}
BUILD_REQUIRES = sorted({r for p in PYPROJECTS.values() for r in p["build-system"]["requires"]})
TEST_REQUIREMENTS = str(ROOT / "requirements-test.txt")
RUFF = "ruff==0.17.6"
MYPY = "mypy==2.4.1"
TYPED_PATHS = ["packages/found-core/src/found"]
CPYTHON_VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
PYPY_VERSION = "3.9"

nox.options.default_venv_backend = "virtualenv"
nox.options.error_on_missing_interpreters = True


def _run_quiet(*cmd: str) -> str | None:
    """stdout of `cmd`, or None when it cannot run or fails."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def _enable_pyenv() -> None:
    """Put the newest pyenv CPython of each supported minor version in PYENV_VERSION, so that
    the `python3.X` shims work; the version already selected stays first."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return
    chosen = [v for v in os.environ.get("PYENV_VERSION", "").split(":") if v]
    if not chosen:
        current = _run_quiet(pyenv, "version-name")
        chosen = current.split(":") if current else []
    installed = (_run_quiet(pyenv, "versions", "--bare") or "").split()
    for minor in CPYTHON_VERSIONS:
        matches = [v for v in installed if re.fullmatch(re.escape(minor) + r"\.\d+", v)]
        if matches and not any(re.fullmatch(re.escape(minor) + r"\.\d+", v) for v in chosen):
            chosen.append(max(matches, key=lambda v: [int(x) for x in v.split(".")]))
    if chosen:
        os.environ["PYENV_VERSION"] = ":".join(chosen)


def _is(command: str, implementation: str, version: str) -> bool:
    """Whether `command` runs and is that Python implementation at that minor version."""
    if shutil.which(command) is None:
        return False
    probe = "import platform; print(platform.python_implementation(), platform.python_version())"
    out = _run_quiet(command, "-c", probe)
    pattern = rf"{implementation} {re.escape(version)}\.\d+.*"
    return out is not None and re.fullmatch(pattern, out) is not None


def _interpreters() -> list[str]:
    """The supported interpreters this machine has, as nox `python=` values."""
    _enable_pyenv()
    found = [v for v in CPYTHON_VERSIONS if _is(f"python{v}", "CPython", v)]
    for command in (f"pypy{PYPY_VERSION}", "pypy3"):
        if _is(command, "PyPy", PYPY_VERSION):
            found.append(command)
            break
    return found


INTERPRETERS = _interpreters()
_wheelhouse: list[Path] = []  # filled once per nox run by `_wheels`


def _pin(name: str) -> str:
    """`name[every extra]==version` as a pip requirement, from the package's pyproject."""
    project = PYPROJECTS[name]["project"]
    names = sorted(project.get("optional-dependencies", {}))
    return f"{name}{'[' + ','.join(names) + ']' if names else ''}=={project['version']}"


def _wheels(session: nox.Session) -> Path:
    """Build every package's wheel once per nox run, into one temporary folder."""
    if not _wheelhouse:
        folder = Path(tempfile.mkdtemp(prefix="found-wheels-"))
        atexit.register(shutil.rmtree, folder, True)
        session.install(*BUILD_REQUIRES)
        folders = [str(ROOT / "packages" / name) for name in PACKAGES]
        session.run(
            "python", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
            "--wheel-dir", str(folder), *folders,
        )  # fmt: skip
        _wheelhouse.append(folder)
    return _wheelhouse[0]


def _install_found(session: nox.Session, *requirements: str) -> None:
    """Install found distributions by name from this run's wheels (replacing any older copy)."""
    folder = _wheels(session)
    session.run("python", "-m", "pip", "uninstall", "-y", "-q", *PACKAGES, silent=True)
    only_wheels = ",".join(PACKAGES)
    session.install("--find-links", str(folder), "--only-binary", only_wheels, *requirements)


@nox.session(tags=["ci"])
def lint(session: nox.Session) -> None:
    """ruff: lint rules and formatting, configured in the root pyproject.toml."""
    session.install(RUFF)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(tags=["ci"])
def types(session: nox.Session) -> None:
    """mypy over found's public API (configured in the root pyproject.toml)."""
    session.install(MYPY, *PYPROJECTS["found-core"]["project"]["dependencies"])
    session.run("mypy", *TYPED_PATHS, *session.posargs)


@nox.session(tags=["ci"])
def build(session: nox.Session) -> None:
    """Wheel and sdist of every package into dist/, then install them as a user would, into
    fresh environments, and check exactly what came along."""
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.install("build", *BUILD_REQUIRES)
    for name in PACKAGES:
        folder = str(ROOT / "packages" / name)
        session.run("python", "-m", "build", "--no-isolation", "--outdir", str(dist), folder)
    session.run(sys.executable, ".ci/check_dist.py", "files", str(dist), *PACKAGES, external=True)

    server = ["found-core", "found-nstore", "found-vnstore", "found-server"]
    python = _fresh_install(session, dist, "server", server, "found-vnstore[server]")
    session.run(str(python.parent / "found-vnstore"), "--help", external=True)
    names = "server, main, fromstring, tostring"
    session.run(str(python), "-c", f"from found.ext.vnstore.server import {names}", external=True)

    python = _fresh_install(session, dist, "core", ["found-core"], "found-core")
    session.run(str(python), "-c", _CORE_ALONE, external=True)


_CORE_ALONE = """
import importlib.util, pkgutil, found.ext
layers = [m.name for m in pkgutil.iter_modules(found.ext.__path__) if m.ispkg]
web = [n for n in ("found_server", "jinja2", "uvicorn", "zstandard") if importlib.util.find_spec(n)]
if layers or web:
    raise SystemExit(f"found-core alone brought layers {layers} and web stack {web}")
print("found-core alone: no layer, no web stack")
"""


def _fresh_install(
    session: nox.Session, dist: Path, label: str, expected: list[str], requirement: str
) -> Path:
    """Install `requirement` from `dist` into a new venv; check the report; return its python."""
    venv = Path(session.create_tmp()) / f"fresh-{label}"
    shutil.rmtree(venv, ignore_errors=True)
    session.run("python", "-m", "venv", str(venv))
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    report = venv / "install-report.json"
    session.run(
        str(python), "-m", "pip", "install", "-q", "--find-links", str(dist),
        "--only-binary", ",".join(PACKAGES), "--report", str(report), requirement,
        external=True,
    )  # fmt: skip
    session.run(
        sys.executable, ".ci/check_dist.py", "install", str(report), str(dist),
        ",".join(expected), requirement, external=True,
    )  # fmt: skip
    return python


@nox.session(tags=["ci"])
def editable(session: nox.Session) -> None:
    """Editable installs of every package: `found.ext` must span the separate src folders."""
    session.install(*BUILD_REQUIRES, "-r", TEST_REQUIREMENTS)
    folders = [f"--editable={ROOT / 'packages' / name}" for name in PACKAGES]
    session.install("--no-build-isolation", *folders)
    session.run("python", "-m", "pytest", "packages/found-core/tests/test_packaging.py")


@nox.session(python=INTERPRETERS or False, tags=["ci"])
def tests(session: nox.Session) -> None:
    """Every test suite from the repo root, over the packages installed as wheels."""
    if not INTERPRETERS:
        wanted = ", ".join([f"python{v}" for v in CPYTHON_VERSIONS] + [f"pypy{PYPY_VERSION}"])
        session.error(f"no supported interpreter on this machine (looked for {wanted})")
    session.install("-r", TEST_REQUIREMENTS)
    _install_found(session, *[_pin(name) for name in PACKAGES])
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """The main job: the vnstore web app on the default database (embedded unless a cluster is
    configured). Arguments after `--` go to `found-vnstore`."""
    _install_found(session, _pin("found-vnstore"))
    session.run("found-vnstore", *session.posargs)


def _require(session: nox.Session, path: Path, what: str) -> None:
    """Stop the session with a clear message when a file another issue delivers is missing."""
    if not path.exists():
        session.error(f"{path.relative_to(ROOT)} does not exist yet: {what} has not landed")


@nox.session(python=INTERPRETERS or False, tags=["ci"])
def bindingtester(session: nox.Session) -> None:
    """The binding tester (bindingtester/run.py) on each interpreter: 3 seeds by default;
    arguments after `--` replace that (`-- --seeds 100`, `-- --official-harness`)."""
    script = ROOT / "bindingtester" / "run.py"
    _require(session, script, "the binding tester")
    session.install("-r", TEST_REQUIREMENTS)
    _install_found(session, *[_pin(name) for name in PACKAGES])
    session.run("python", str(script), *(session.posargs or ["--seeds", "3"]))


@nox.session(tags=["ci"])
def e2e(session: nox.Session) -> None:
    """The browser test: the real `found-vnstore` driven by headless Chromium (Debian's
    `chromium` and `chromium-driver`, which .ci/run installs)."""
    for program in ("chromium", "chromedriver"):
        if not shutil.which(program):
            session.error(f"{program} is not installed (apt-get install chromium chromium-driver)")
    _install_found(session, _pin("found-vnstore"))
    session.run("python", "packages/found-server/tests/e2e/browser_e2e.py", *session.posargs)


@nox.session(tags=["ci"])
def docs(session: nox.Session) -> None:
    """The documentation site: `mkdocs build --strict`, with mkdocs.yml at the root and the
    site's tools in docs/requirements.txt (plain mkdocs without it)."""
    _require(session, ROOT / "mkdocs.yml", "the documentation site")
    requirements = ROOT / "docs" / "requirements.txt"
    session.install(*(["-r", str(requirements)] if requirements.exists() else ["mkdocs"]))
    _install_found(session, *[_pin(name) for name in PACKAGES])
    session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Every bench/bench_*.py, each printing its ratios against the alternative."""
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if not scripts:
        session.error("bench/ has no bench_*.py yet: the benchmarks have not landed")
    session.install("-r", TEST_REQUIREMENTS)
    requirements = ROOT / "bench" / "requirements.txt"
    if requirements.exists():
        session.install("-r", str(requirements))
    _install_found(session, *[_pin(name) for name in PACKAGES])
    for script in scripts:
        session.run("python", str(script), *session.posargs)
