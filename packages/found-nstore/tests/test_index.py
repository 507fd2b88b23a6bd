"""The index orderings: C(n, n // 2) of them, identity first, every pattern served by one."""

from __future__ import annotations

import itertools
import math

import pytest

from found.ext import nstore
from found.ext.nstore import _index


@pytest.mark.parametrize("n", range(1, 11))
def test_minimal_cover(n: int) -> None:
    indices = _index.permutations(n)
    assert len(indices) == math.comb(n, n // 2)
    assert indices[0] == tuple(range(n))
    assert all(sorted(p) == list(range(n)) for p in indices)
    table = _index.prefix_table(indices)
    for size in range(n + 1):
        for bound in itertools.combinations(range(n), size):
            number = table[frozenset(bound)]
            assert set(indices[number][:size]) == set(bound)


def test_known_counts() -> None:
    # the 0.13 README: a triple store needs 3 indices, a quad store 6
    assert len(nstore.make("t", (), 3).indices) == 3
    assert len(nstore.make("q", (), 4).indices) == 6
    assert len(nstore.make("s", (), 6).indices) == 20


@pytest.mark.parametrize("n", [0, -1, 17, True, 2.0, "3"])
def test_bad_width(n: object) -> None:
    with pytest.raises(nstore.NStoreException):
        nstore.make("bad", (), n)  # type: ignore[arg-type]
