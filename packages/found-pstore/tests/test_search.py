"""pstore: BM25 rankings against an independent computation, AND / OR, tokenizer, input."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import Counter

import pytest

import found
from found.ext import pstore

CORPUS = {
    1: "The quick brown fox jumps over the lazy dog",
    2: "A quick brown dog outpaces a quick red fox",
    3: "Lazy afternoons: the dog sleeps, the cat sleeps, everyone sleeps",
    4: "Foxes are quick; dogs are loyal. Quick quick quick!",
    5: "Nothing to see here",
    6: "brown bread and brown butter",
    7: "The fox, the fox, the fox and the hound",
    "eight": "Dog days of summer: a lazy brown dog and a lazy brown fox",
}

QUERIES = [
    ["quick"],
    ["fox"],
    ["brown", "dog"],
    ["lazy", "dog", "fox"],
    ["quick", "fox"],
    ["sleeps"],
    ["the"],
    ["brown", "absent"],
    ["absent"],
]


def fresh() -> pstore.PStore:
    return pstore.make("search", ("test-pstore", uuid.uuid4()))


async def indexed(db) -> pstore.PStore:
    store = fresh()

    async def body(tx):
        for docuid, text in CORPUS.items():
            await pstore.index(tx, store, docuid, pstore.tokenize(text))

    await found.transactional(db, body)
    return store


def tokens() -> dict:
    return {d: [w for w in _words(text)] for d, text in CORPUS.items()}


def _words(text: str) -> list:
    out, word = [], ""
    for ch in text.casefold() + " ":
        if ch.isalnum():
            word += ch
        elif word:
            out.append(word)
            word = ""
    return out


def ranked(scores: dict) -> list:
    return sorted(scores.items(), key=lambda kv: (-kv[1], found.pack((kv[0],))))


@pytest.mark.parametrize("mode", ["and", "or"])
async def test_rankings_match_reference(db, bm25, mode) -> None:
    store = await indexed(db)
    corpus = tokens()
    for query in QUERIES:
        got = await found.transactional(db, pstore.search, store, query, None, mode=mode)
        want = ranked(bm25(corpus, query, mode))
        assert [d for d, _ in got] == [d for d, _ in want], query
        for (_, score), (_, expected) in zip(got, want):
            assert score == pytest.approx(expected, rel=1e-12)


async def test_limit_keeps_the_best(db) -> None:
    store = await indexed(db)
    full = await found.transactional(db, pstore.search, store, ["fox"], None, mode="or")
    top = await found.transactional(db, pstore.search, store, ["fox"], 2)
    assert top == full[:2]
    assert await found.transactional(db, pstore.search, store, ["fox"], 0) == []
    default = await found.transactional(db, pstore.search, store, ["fox"])
    assert default == full[:13]


async def test_and_is_the_default_and_needs_every_term(db) -> None:
    store = await indexed(db)
    hits = await found.transactional(db, pstore.search, store, ["brown", "dog"], 10)
    assert {d for d, _ in hits} == {1, 2, "eight"}
    assert await found.transactional(db, pstore.search, store, ["brown", "absent"], 10) == []
    anyhit = await found.transactional(db, pstore.search, store, ["brown", "absent"], 10, mode="or")
    assert {d for d, _ in anyhit} == {1, 2, 6, "eight"}


async def test_text_query_is_tokenized(db) -> None:
    store = await indexed(db)
    by_text = await found.transactional(db, pstore.search, store, "Lazy DOG", 10)
    by_terms = await found.transactional(db, pstore.search, store, ["lazy", "dog"], 10)
    assert by_text == by_terms != []


async def test_ties_are_broken_by_docuid(db) -> None:
    store = fresh()

    async def body(tx):
        for docuid in (9, 3, "b", "a", 5):
            await pstore.index(tx, store, docuid, {"same": 2, "words": 1})

    await found.transactional(db, body)
    hits = await found.transactional(db, pstore.search, store, ["same"], None)
    assert [d for d, _ in hits] == ["a", "b", 3, 5, 9]  # tuple order: str before int
    assert len({score for _, score in hits}) == 1


async def test_many_candidates_and_point_reads(db, bm25) -> None:
    # "common" is in every document, "rare" in three: AND checks "common" by point reads
    store = fresh()

    async def body(tx):
        for i in range(60):
            counter = {"common": 1 + i % 3, "filler": i % 7 + 1}
            if i % 20 == 0:
                counter["rare"] = 1
            await pstore.index(tx, store, i, counter)

    await found.transactional(db, body)
    corpus = {}
    for i in range(60):
        corpus[i] = ["common"] * (1 + i % 3) + ["filler"] * (i % 7 + 1) + ["rare"] * (i % 20 == 0)
    for query in (["rare", "common"], ["common", "filler"], ["common"]):
        got = await found.transactional(db, pstore.search, store, query, None)
        want = ranked(bm25(corpus, query))
        assert [d for d, _ in got] == [d for d, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-12)


def test_tokenize() -> None:
    assert pstore.tokenize("Hello, hello WORLD!") == Counter({"hello": 2, "world": 1})
    assert pstore.tokenize("snake_case and CamelCase 42x") == Counter(
        {"snake": 1, "case": 1, "and": 1, "camelcase": 1, "42x": 1}
    )
    assert pstore.tokenize("Straße STRASSE") == Counter({"strasse": 2})
    assert pstore.tokenize("日本語 テキスト, Ελληνικά") == Counter(
        {"日本語": 1, "テキスト": 1, "ελληνικά": 1}
    )
    assert pstore.tokenize("") == Counter()
    with pytest.raises(TypeError):
        pstore.tokenize(b"bytes")


async def test_bad_input(db) -> None:
    store = fresh()
    for counter, error in [
        ({"a": 0}, ValueError),
        ({"a": -1}, ValueError),
        ({"a": 2**32}, ValueError),
        ({"a": 1.5}, TypeError),
        ({"a": True}, TypeError),
        ({1: 1}, TypeError),
        (["a"], TypeError),
    ]:
        with pytest.raises(error):
            await found.transactional(db, pstore.index, store, 1, counter)
    with pytest.raises(ValueError):
        await found.transactional(db, pstore.search, store, ["a"], 5, mode="xor")
    with pytest.raises(ValueError):
        await found.transactional(db, pstore.search, store, ["a"], -1)
    with pytest.raises(TypeError):
        await found.transactional(db, pstore.search, store, [b"a"], 5)
    with pytest.raises(TypeError):
        pstore.make("x", "prefix")
    # nothing was written by the failed calls
    assert await found.transactional(db, pstore.search, store, ["a"], 5) == []


def test_imports_without_zstandard() -> None:
    code = (
        "import sys; sys.modules['zstandard'] = None\n"
        "from found.ext import pstore\n"
        "assert 'zstandard' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "print(sorted(pstore.tokenize('ok OK')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['ok']"


async def test_term_too_long_for_a_key(db) -> None:
    store = fresh()
    with pytest.raises(found.FoundException) as caught:
        await found.transactional(db, pstore.index, store, 1, {"x" * 10_000: 1})
    assert caught.value.code == 2102  # key_too_large, and nothing was committed
    assert await found.transactional(db, pstore.search, store, ["x" * 10_000], 5) == []
