"""Index permutations: the fewest orderings of n columns that serve every pattern in one scan.

A pattern binds some set B of positions. A range scan can serve it when some index orders the
positions of B first (in any order among themselves). So we need permutations whose prefix sets
cover every subset of {0, ..., n-1}: a cover of the boolean lattice by maximal chains. By
Dilworth's theorem (the lattice's widest antichain is its middle rank) the minimum is
C(n, n // 2), reached by extending a symmetric chain decomposition to maximal chains.

The decomposition used is Greene and Kleitman's bracket rule: read a subset as a word where
member positions are closing brackets and the others are opening brackets; after matching,
the unmatched positions read as closers then openers. The chain through that word flips its
unmatched openers to closers left to right. Every chain holds one subset of size n // 2, so
walking those subsets enumerates the chains exactly once. A chain becomes a permutation by
listing its matched closers, then its unmatched positions left to right, then its matched
openers. The first permutation is the identity (the chain of the subset {0, ..., n//2 - 1}).
"""

from __future__ import annotations

import itertools

Permutation = tuple[int, ...]

#: Above this width the index count (C(n, n // 2)) makes every write absurdly expensive.
MAX_COLUMNS = 16


def _chain_permutation(n: int, members: frozenset[int]) -> Permutation:
    """The maximal chain through the symmetric chain that contains `members`."""
    opened: list[int] = []
    matched_closers: list[int] = []
    matched_openers: list[int] = []
    unmatched_closers: list[int] = []
    for position in range(n):
        if position in members:
            if opened:
                matched_openers.append(opened.pop())
                matched_closers.append(position)
            else:
                unmatched_closers.append(position)
        else:
            opened.append(position)
    unmatched = sorted(unmatched_closers + opened)
    return tuple(sorted(matched_closers) + unmatched + sorted(matched_openers))


def permutations(n: int) -> list[Permutation]:
    """The C(n, n // 2) index orderings for `n` columns, identity first."""
    out = []
    for middle in itertools.combinations(range(n), n // 2):
        out.append(_chain_permutation(n, frozenset(middle)))
    return out


def prefix_table(indices: list[Permutation]) -> dict[frozenset[int], int]:
    """Map every set of bound positions to the first index that orders them first."""
    table: dict[frozenset[int], int] = {}
    for number, permutation in enumerate(indices):
        for size in range(len(permutation) + 1):
            table.setdefault(frozenset(permutation[:size]), number)
    return table
