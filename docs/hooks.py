"""MkDocs hooks of the found site: tables generated from the installed `found` package.

`docs/reference/found.md` holds two markers that become tables when the site is built, so the
reference lists every error class and every 0.13 constant without copying them by hand:

- ``<!-- found:error-classes -->``: code, class name and message of each `found.ERRORS` entry;
- ``<!-- found:constants -->``: each name of `found._constants.__all__` and the enum member it is.

`docs/guide/server.md` holds ``<!-- found:screenshots -->``: every image in `docs/img/` (the
web application's screenshots, delivered with the server) is shown there under a heading, in
name order, so a new or renamed screenshot needs no edit of the page and a missing one breaks
nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ERRORS_MARK = "<!-- found:error-classes -->"
CONSTANTS_MARK = "<!-- found:constants -->"
SCREENSHOTS_MARK = "<!-- found:screenshots -->"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".svg")


def error_table() -> str:
    """Markdown table of the exception class of every FoundationDB error code."""
    import found
    from found import _error_classes
    from found._errors import ERROR_CLASSES

    names = {getattr(found, name): name for name in _error_classes.__all__}
    rows = ["| code | class | name | message |", "| --- | --- | --- | --- |"]
    for code, (name, message) in sorted(found.ERRORS.items()):
        cls = ERROR_CLASSES.get(code)
        shown = f"`found.{names[cls]}`" if cls in names else ""
        rows.append(f"| {code} | {shown} | `{name}` | {message.replace('|', '/')} |")
    return "\n".join(rows)


def constants_table() -> str:
    """Markdown table of the 0.13 constants and the enum members they stand for."""
    import found
    from found import _constants

    rows = ["| constant | value |", "| --- | --- |"]
    for name in _constants.__all__:
        value = getattr(found, name)
        rows.append(f"| `found.{name}` | `{type(value).__name__}.{value.name}` = {int(value)} |")
    return "\n".join(rows)


def screenshots(folder: Path, relative: str) -> str:
    """A "Screenshots" section showing every image of `folder`, linked as `relative/<name>`;
    nothing when there is no image."""
    images = sorted(p for p in folder.glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        return ""
    out = ["## Screenshots", ""]
    for image in images:
        caption = image.stem.replace("-", " ").replace("_", " ")
        out += [f"![{caption}]({relative}/{image.name})", "", f"*{caption}*", ""]
    return "\n".join(out).rstrip()


def on_page_markdown(markdown: str, config: Any = None, **kwargs: Any) -> str:
    """Replace the markers of the reference and server pages with generated content."""
    if SCREENSHOTS_MARK in markdown:
        folder = Path(config["docs_dir"]) / "img" if config else Path(__file__).parent / "img"
        markdown = markdown.replace(SCREENSHOTS_MARK, screenshots(folder, "../img"))
    if ERRORS_MARK in markdown:
        markdown = markdown.replace(ERRORS_MARK, error_table())
    if CONSTANTS_MARK in markdown:
        markdown = markdown.replace(CONSTANTS_MARK, constants_table())
    return markdown
