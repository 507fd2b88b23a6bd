"""Ranked search with BM25 over the stored postings and counters.

For a query term t and a document d with term frequency tf and length dl (in tokens)::

    idf(t)  = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
    score   = sum over t of idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))

with k1 = 1.2, b = 0.75, N the number of documents and avgdl their mean length; this idf (the
one Lucene uses) stays positive for terms in more than half of the documents. N, df and the
total length are exact counters in the store, so rankings are deterministic: every matching
document is scored (no sampling), terms are summed in query order and ties go to the smaller
docuid in tuple order.

``mode="and"`` (0.13's behaviour) keeps documents that contain every term: it walks the
rarest term's postings and checks each further term by point reads while the candidates are
few, by scanning its postings otherwise. ``mode="or"`` scores documents with any term.
"""

from __future__ import annotations

import asyncio
import heapq
import math
from typing import Any, Optional

import found

from ._layout import (
    POSTING_VALUE,
    PStore,
    decode_count,
    documents_key,
    frequency_key,
    length_key,
    posting_prefix,
    read_count,
)
from ._tokenize import tokenize

K1 = 1.2
B = 0.75

#: Check a term by point reads while candidates * this < its document frequency.
_POINT_READ_RATIO = 8

# candidate key (packed docuid) -> {term: tf}, document length
Candidates = dict[bytes, tuple[dict[str, int], int]]


def _terms(keywords: Any) -> list[str]:
    if isinstance(keywords, str):
        return list(tokenize(keywords))
    out: list[str] = []
    for term in keywords:
        if not isinstance(term, str):
            raise TypeError(f"search keywords must be str, not {type(term).__name__}")
        if term not in out:
            out.append(term)
    return out


async def _postings(tx: Any, store: PStore, term: str) -> dict[bytes, tuple[int, int]]:
    prefix = posting_prefix(store, term)
    cut = len(prefix)
    decode = POSTING_VALUE.unpack
    out = {}
    async for key, value in found.query(tx, prefix, found.next_prefix(prefix)):
        out[key[cut:]] = decode(value)
    return out


async def _probe(tx: Any, store: PStore, term: str, candidates: Candidates) -> Candidates:
    prefix = posting_prefix(store, term)
    keys = list(candidates)
    values = await asyncio.gather(*(found.get(tx, prefix + key) for key in keys))
    out = {}
    for key, value in zip(keys, values):
        if value is not None:
            terms, length = candidates[key]
            terms[term] = POSTING_VALUE.unpack(value)[0]
            out[key] = (terms, length)
    return out


async def _match_all(tx: Any, store: PStore, terms: list[str], df: dict[str, int]) -> Candidates:
    ordered = sorted(terms, key=lambda term: (df[term], term))
    seed = ordered[0]
    candidates: Candidates = {
        key: ({seed: tf}, length)
        for key, (tf, length) in (await _postings(tx, store, seed)).items()
    }
    for term in ordered[1:]:
        if not candidates:
            break
        if len(candidates) * _POINT_READ_RATIO < df[term]:
            candidates = await _probe(tx, store, term, candidates)
            continue
        postings = await _postings(tx, store, term)
        kept = {}
        for key, (terms_tf, length) in candidates.items():
            hit = postings.get(key)
            if hit is not None:
                terms_tf[term] = hit[0]
                kept[key] = (terms_tf, length)
        candidates = kept
    return candidates


async def _match_any(tx: Any, store: PStore, terms: list[str], df: dict[str, int]) -> Candidates:
    candidates: Candidates = {}
    for term in terms:
        if not df[term]:
            continue
        for key, (tf, length) in (await _postings(tx, store, term)).items():
            entry = candidates.setdefault(key, ({}, length))
            entry[0][term] = tf
    return candidates


def idf(documents: int, frequency: int) -> float:
    """BM25's inverse document frequency (the always-positive form)."""
    return math.log(1.0 + (documents - frequency + 0.5) / (frequency + 0.5))


async def search(
    tx: Any, store: PStore, keywords: Any, limit: Optional[int] = 13, *, mode: str = "and"
) -> list[tuple[Any, float]]:
    """Return up to `limit` ``(docuid, score)`` pairs for `keywords`, best first.

    `keywords` is an iterable of terms, or a str run through `tokenize`. `mode` is ``"and"``
    (documents with every term) or ``"or"`` (documents with any). `limit` None returns all.
    """
    if mode not in ("and", "or"):
        raise ValueError(f"mode must be 'and' or 'or', not {mode!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be a non-negative int or None, not {limit!r}")
    terms = _terms(keywords)
    if not terms or limit == 0:
        return []
    documents, total = await asyncio.gather(
        read_count(tx, documents_key(store)), read_count(tx, length_key(store))
    )
    if documents <= 0:
        return []
    counts = await asyncio.gather(*(found.get(tx, frequency_key(store, t)) for t in terms))
    df = {term: decode_count(value) for term, value in zip(terms, counts)}
    if mode == "and":
        if not all(df.values()):
            return []
        candidates = await _match_all(tx, store, terms, df)
    else:
        candidates = await _match_any(tx, store, terms, df)
    weights = {term: idf(documents, df[term]) for term in terms}
    average = total / documents
    scored = []
    for key, (terms_tf, length) in candidates.items():
        norm = K1 * (1.0 - B + B * length / average) if average else K1 * (1.0 - B)
        score = 0.0
        for term in terms:
            tf = terms_tf.get(term)
            if tf:
                score += weights[term] * tf * (K1 + 1.0) / (tf + norm)
        scored.append((-score, key))
    if limit is None:
        best = sorted(scored)
    else:
        best = heapq.nsmallest(limit, scored)
    return [(found.unpack(key)[0], -negative) for negative, key in best]
