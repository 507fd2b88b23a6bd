"""End-to-end test in headless Chromium: the real `found-vnstore` command on a free loopback
port over a temporary embedded database; a browser creates a change, adds and removes tuples,
applies it, and finds the tuples through navigate.

Run it from the repository root (CI does, after installing Debian's `chromium` and
`chromium-driver`), with found-server installed in the interpreter running it:

    python packages/found-server/tests/e2e/browser_e2e.py [--screenshot-dir docs/img]

Exit status 0 when every check passes. It is a script, not a pytest module, so the ordinary
test runs (which have no browser) do not collect it.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webdriver import Browser, free_port, wait_for_http


def check(condition: bool, what: str) -> None:
    """Stop the scenario with a clear message when `condition` is false."""
    if not condition:
        raise SystemExit(f"e2e FAILED: {what}")
    print(f"ok: {what}")


def command() -> list[str]:
    """The installed `found-vnstore` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "found-vnstore"
    if not script.exists():
        raise SystemExit(f"e2e: {script} is missing: install found-server first")
    return [str(script)]


def scenario(browser: Browser, base: str, shots: Optional[Path]) -> None:
    """The user's path through the application."""
    browser.get(base + "/history/change/")
    browser.type("textarea[name=description]", "Add Ada Lovelace")
    browser.submit("button[type=submit]")
    browser.find("h1 code")
    match = re.search(r"/history/u/([0-9a-f]{32})/$", browser.url)
    if match is None:
        raise SystemExit(f"e2e FAILED: creating a change does not lead to its page: {browser.url}")
    print("ok: creating a change leads to its page")
    change = f"{base}/history/u/{match.group(1)}/"

    def edit(action: str, uid: str, key: str, value: str) -> None:
        browser.get(change + action + "/")
        browser.type("input[name=uid]", uid)
        browser.type("input[name=key]", key)
        browser.type("input[name=value]", value)
        browser.submit("button[type=submit]")
        browser.find("h1 code")
        check(browser.url == change, f"{action} ({uid}, {key}, {value}) returns to the change")

    edit("add", "#i1", "name", "Ada Lovelace")
    edit("add", "#i1", "born", "#i1815")
    edit("add", "#i2", "name", "<b>draft</b>")
    edit("remove", "#i2", "name", "<b>draft</b>")
    page = browser.source
    check("Ada Lovelace" in page and "#i1815" in page, "the change lists its additions")
    check("&lt;b&gt;draft" not in page and "<b>draft" not in page, "the removed tuple is gone")
    browser.get(base + "/navigate/?key=name")
    check("Ada Lovelace" not in browser.source, "a pending change is invisible to navigate")

    browser.get(change + "apply/")
    browser.submit("button[type=submit]")
    browser.find("h1 code")
    check("applied @" in browser.text("main"), "applying marks the change applied")
    if shots:
        browser.screenshot(str(shots / "vnstore-change.png"))

    browser.get(base + "/navigate/")
    browser.type("input[name=key]", "name")
    browser.submit("button[type=submit]")
    browser.find("table")
    check("Ada Lovelace" in browser.text("table"), "navigate finds the applied tuple by key")
    browser.get(base + "/navigate/?uid=%23i1")
    rows = browser.text("table")
    check("Ada Lovelace" in rows and "#i1815" in rows, "navigate finds both tuples by uid")
    check("draft" not in browser.source, "the removed tuple is not in the store")
    if shots:
        browser.screenshot(str(shots / "vnstore-navigate.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot-dir", type=Path, help="save PNG screenshots there")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="found-e2e-db-") as directory:
        database = "embedded:" + os.path.join(directory, "db")
        server = subprocess.Popen(
            [*command(), "--port", str(port), "--database", database, "--log-level", "warning"]
        )
        try:
            wait_for_http(base + "/", 60)
            browser = Browser()
            try:
                scenario(browser, base, args.screenshot_dir)
            finally:
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)  # uvicorn shuts down through the lifespan
            code = server.wait(timeout=60)
        check(code == 0, f"found-vnstore exits cleanly on SIGINT (status {code})")
    print("e2e: all checks passed")


if __name__ == "__main__":
    main()
