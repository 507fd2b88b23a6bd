"""The text encoding of tuple items in forms and URLs: `fromstring` reads it, `tostring`
writes it.

| text              | value                          |
|-------------------|--------------------------------|
| `_`               | a fresh `uuid4()`              |
| `#none`           | `None`                         |
| `#true`, `#false` | `True`, `False`                |
| `#u<hex>`         | `uuid.UUID`                    |
| `#i<digits>`      | `int`                          |
| `#f<number>`      | `float`                        |
| `#s<text>`        | `str`, verbatim (found's addition: strings starting with `#`) |
| anything else     | `str`, verbatim                |

Unlike 0.13, a malformed typed form (`#i4x`, `#ubad`, an unknown `#` tag) is an
`EncodingError` instead of a silently different value, plain text is not stripped, and
`tostring` returns plain text (templates escape it) instead of HTML, so that
`fromstring(tostring(x)) == x` for every supported value.
"""

from __future__ import annotations

import math
import re
import uuid
from typing import Any, Union

Item = Union[None, bool, int, float, str, uuid.UUID]

_INT = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z|[+-]?(inf|nan)\Z")
#: Tuple-layer integers are limited to 255 bytes of magnitude; keep parsing cheap too.
_MAX_INT_DIGITS = 600


class EncodingError(ValueError):
    """Text that is not a valid encoding of a tuple item."""


def fromstring(text: str) -> Item:
    """Decode one form field into a tuple item (see the module docstring for the table)."""
    if not isinstance(text, str):
        raise TypeError(f"fromstring takes a str, not {type(text).__name__}")
    if text == "_":
        return uuid.uuid4()
    if not text.startswith("#"):
        return text
    if text == "#none":
        return None
    if text == "#true":
        return True
    if text == "#false":
        return False
    tag, rest = text[1:2], text[2:]
    if tag == "s":
        return rest
    if tag == "u":
        try:
            return uuid.UUID(hex=rest)
        except ValueError:
            raise EncodingError(f"{text!r}: #u needs a UUID in hexadecimal") from None
    if tag == "i":
        if len(rest) > _MAX_INT_DIGITS or not _INT.match(rest):
            raise EncodingError(f"{text!r}: #i needs a decimal integer")
        return int(rest)
    if tag == "f":
        if not _FLOAT.match(rest.lower()):
            raise EncodingError(f"{text!r}: #f needs a decimal number")
        return float(rest)
    raise EncodingError(
        f"{text!r}: unknown tag; use #none, #true, #false, #u, #i, #f, or #s for text"
    )


def tostring(value: Any) -> str:
    """Encode a tuple item as text that `fromstring` reads back to an equal value."""
    if value is None:
        return "#none"
    if value is True:
        return "#true"
    if value is False:
        return "#false"
    if isinstance(value, uuid.UUID):
        return "#u" + value.hex
    if isinstance(value, int):
        return f"#i{value}"
    if isinstance(value, float):
        if math.isnan(value):
            return "#fnan"
        return "#f" + repr(value)
    if isinstance(value, str):
        if value == "_" or value.startswith("#"):
            return "#s" + value
        return value
    raise EncodingError(f"no text encoding for {type(value).__name__} values")
