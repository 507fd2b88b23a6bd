"""Test fixtures for pstore: an independent BM25 (Lucene idf) over plain token lists.

Written from the formula, without touching pstore's code or storage, so the tests can check
pstore's rankings against it.
"""

from __future__ import annotations

import math

import pytest


def _bm25(corpus: dict, query: list, mode: str = "and", k1: float = 1.2, b: float = 0.75) -> dict:
    """docuid -> score for every document of `corpus` (docuid -> list of tokens) that matches."""
    terms = list(dict.fromkeys(query))
    n = len(corpus)
    if not n or not terms:
        return {}
    avgdl = sum(len(tokens) for tokens in corpus.values()) / n
    df = {t: sum(1 for tokens in corpus.values() if t in tokens) for t in terms}
    out = {}
    for docuid, tokens in corpus.items():
        present = [t for t in terms if t in tokens]
        if not present or (mode == "and" and len(present) < len(terms)):
            continue
        score = 0.0
        for t in terms:
            tf = tokens.count(t)
            if not tf:
                continue
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(tokens) / avgdl))
        out[docuid] = score
    return out


@pytest.fixture
def bm25():
    """The reference BM25 function."""
    return _bm25
