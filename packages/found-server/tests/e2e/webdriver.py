"""A minimal W3C WebDriver client over the standard library, for driving headless Chromium
through Debian's chromedriver (no selenium needed)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any, Optional

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
#: What chromedriver answers about an element of a page the browser has left.
_GONE = ("stale element reference", "does not belong to the document", "no such element")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1100,820",
]


class WebDriverError(RuntimeError):
    """The driver answered a command with an error."""


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float) -> None:
    """Poll `url` until it answers (any HTTP status) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.1)


class Browser:
    """One chromedriver process and one headless Chromium session."""

    def __init__(self, chromium: str = "/usr/bin/chromium", driver: str = "") -> None:
        driver = driver or shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="found-e2e-profile-")
        self.process = subprocess.Popen(
            [driver, f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.session: Optional[str] = None
        try:
            wait_for_http(self.base + "/status", 30)
            options = {
                "binary": chromium,
                "args": [*CHROMIUM_FLAGS, f"--user-data-dir={self.profile}"],
            }
            capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
            self.session = self._call("POST", "/session", {"capabilities": capabilities})[
                "sessionId"
            ]
        except BaseException:
            self.close()
            raise

    def _call(self, method: str, path: str, body: Optional[dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as exc:
            raise WebDriverError(exc.read().decode("utf-8", "replace")[:2000]) from None

    def command(self, method: str, path: str, body: Optional[dict[str, Any]] = None) -> Any:
        """A command of the current session."""
        return self._call(method, f"/session/{self.session}{path}", body)

    def get(self, url: str) -> None:
        self.command("POST", "/url", {"url": url})

    @property
    def url(self) -> str:
        return str(self.command("GET", "/url"))

    @property
    def source(self) -> str:
        return str(self.command("GET", "/source"))

    def find(self, css: str) -> str:
        """The id of the first element matching `css`, waiting up to 10 s for it."""
        deadline = time.monotonic() + 10
        while True:
            try:
                found = self.command("POST", "/element", {"using": "css selector", "value": css})
                return str(found[ELEMENT])
            except WebDriverError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def type(self, css: str, text: str) -> None:
        self.command("POST", f"/element/{self.find(css)}/value", {"text": text})

    def click(self, css: str) -> None:
        self.command("POST", f"/element/{self.find(css)}/click", {})

    def submit(self, css: str) -> None:
        """Click `css` and wait up to 10 s until the browser has left the current page (its
        root element is gone: chromedriver says "stale element reference", or, while the
        new document replaces it, that the node does not belong to the document), so later
        lookups cannot land on the old page."""
        old_root = self.find("html")
        self.click(css)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.command("GET", f"/element/{old_root}/name")
            except WebDriverError as exc:
                if any(sign in str(exc) for sign in _GONE):
                    return
                raise
            if time.monotonic() > deadline:
                raise WebDriverError(f"the page did not change within 10 s of clicking {css}")
            time.sleep(0.05)

    def text(self, css: str) -> str:
        return str(self.command("GET", f"/element/{self.find(css)}/text"))

    def screenshot(self, path: str) -> None:
        with open(path, "wb") as file:
            file.write(base64.b64decode(self.command("GET", "/screenshot")))

    def close(self) -> None:
        """End the session, the driver, and remove the profile."""
        try:
            if self.session is not None:
                self._call("DELETE", f"/session/{self.session}")
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)
            shutil.rmtree(self.profile, ignore_errors=True)
            if os.path.exists(self.profile):
                raise RuntimeError(f"could not remove {self.profile}")
