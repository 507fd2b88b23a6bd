"""The default tokenizer: unicode words, case-folded, counted.

A word is a run of letters and digits in any script (underscores and punctuation separate
words, as in SQLite FTS5's ``unicode61`` tokenizer); ``str.casefold`` makes matching
case-insensitive, including for scripts where lowercasing is not enough (``"Straße"`` and
``"STRASSE"`` both become ``"strasse"``).
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W_]+")


def tokenize(text: str) -> Counter[str]:
    """Count the case-folded unicode words of `text`: the counter `index` expects."""
    if not isinstance(text, str):
        raise TypeError(f"tokenize expects a str, not {type(text).__name__}")
    return Counter(_WORD.findall(text.casefold()))
