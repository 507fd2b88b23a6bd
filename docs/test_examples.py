"""Every ```python block of the documentation runs, and runs without an exception.

Each block of docs/**/*.md fenced as ```python is one test, named after its file and line.
A block is a complete program (imports, `async def main()`, `asyncio.run(main())`); it runs as
`__main__` in a fresh namespace, in a temporary working directory, with
`FOUND_DATABASE=embedded:<tmp>/db` so that `found.open()` opens a new embedded database. The
blocks are written to run unchanged on a FoundationDB cluster too (point FOUND_DATABASE at it),
but the test suite runs them on the embedded engine. Shell commands and output are fenced with
other languages (```console, ```text) and are not run.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import List, NamedTuple

import pytest

DOCS = Path(__file__).resolve().parent
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<info>[^\n`]*)$")


class Example(NamedTuple):
    """One ```python block: where it is and its source text."""

    path: Path
    line: int
    source: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(DOCS).as_posix()}:{self.line}"


def extract(path: Path) -> List[Example]:
    """The ```python blocks of one markdown file, dedented by their fence's indentation.

    An unclosed fence is an error: it would hide the rest of the page from this test."""
    out: List[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        number += 1
        if opening is None:
            continue
        indent, fence = opening["indent"], opening["fence"]
        language = (opening["info"].split() or [""])[0].lower()
        start, body = number, []
        while number < len(lines):
            closing = FENCE.match(lines[number])
            if closing and closing["fence"].startswith(fence) and not closing["info"].strip():
                break
            body.append(lines[number][len(indent) :] if lines[number].startswith(indent) else "")
            number += 1
        else:
            raise ValueError(f"{path}:{start}: code block never closed")
        number += 1
        if language in ("python", "py"):
            out.append(Example(path, start, "\n".join(body) + "\n"))
    return out


def examples() -> List[Example]:
    """Every python block of every page, in a stable order."""
    return [e for page in sorted(DOCS.rglob("*.md")) for e in extract(page)]


EXAMPLES = examples()


def test_the_docs_have_examples() -> None:
    # A renamed folder or a broken fence pattern must not turn this file into zero tests.
    assert len(EXAMPLES) >= 20, [e.name for e in EXAMPLES]


def test_extract_reads_fences(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n```python\nprint(1)\n```\n```console\n$ ls\n```\n"
        "- item\n\n    ```python\n    x = 2\n    ```\n",
        encoding="utf-8",
    )
    found = extract(page)
    assert [(e.line, e.source) for e in found] == [(2, "print(1)\n"), (10, "x = 2\n")]
    page.write_text("```python\nprint(1)\n", encoding="utf-8")
    with pytest.raises(ValueError, match="never closed"):
        extract(page)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_runs(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("FOUND_DATABASE", f"embedded:{tmp_path / 'db'}")
    monkeypatch.chdir(tmp_path)
    # Blank lines first, so that line numbers in a traceback point into the markdown file.
    code = compile("\n" * example.line + example.source, str(example.path), "exec")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        exec(code, {"__name__": "__main__", "__file__": str(example.path)})
    finally:  # an example may configure logging (basicConfig): undo it for the next tests
        for handler in set(root.handlers) - set(handlers):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    capsys.readouterr()  # pytest shows the example's output only when it fails
