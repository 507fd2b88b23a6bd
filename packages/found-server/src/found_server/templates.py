"""The jinja2 environment: every page is rendered through `render`, with autoescaping on, so a
stored value can never inject HTML. Templates are loaded once, from this package."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup, escape

from .encoding import tostring


def _describe(value: Any) -> str:
    """Type name of a tuple item, shown next to its text form."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__.lower()


def _item(value: Any) -> Markup:
    """A tuple item as HTML: its text form (escaped) and its type. A filter rather than a
    macro: pages list hundreds of items, and a macro call costs ten times more."""
    return Markup('<span class="item">%s</span><span class="kind">%s</span>') % (
        escape(tostring(value)),
        _describe(value),
    )


def environment() -> jinja2.Environment:
    """A fresh environment over the package's `templates/` directory."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("found_server", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["encode"] = tostring
    env.filters["kind"] = _describe
    env.filters["item"] = _item
    return env


class Templates:
    """Renders pages; the templates are compiled on first use and then cached by jinja2."""

    def __init__(self) -> None:
        self.env = environment()

    def render(self, name: str, **context: Any) -> str:
        """The HTML of template `name` with `context`."""
        return self.env.get_template(name).render(**context)
