"""`found.Subspace`: the same keys and ranges as the official binding's `fdb.Subspace`, and
the reads and writes of a subspace's keys through found's API on every backend."""

from __future__ import annotations

import sys

import pytest
from fdb.subspace_impl import Subspace as OfficialSubspace
from hypothesis import given, settings
from hypothesis import strategies as st

import found
from found import Subspace

# See test_tuple_differential.py: fdb's bundled six installs an importer that warns.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_SixMetaPathImporter"]

ITEMS = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=6),
    st.binary(max_size=6),
    st.booleans(),
)
TUPLES = st.lists(ITEMS, max_size=4).map(tuple)
FAST = settings(max_examples=60, deadline=None, derandomize=True)


@FAST
@given(prefix=TUPLES, raw=st.binary(max_size=4), inner=TUPLES, item=ITEMS)
def test_same_keys_as_the_official_subspace(prefix, raw, inner, item) -> None:
    mine = Subspace(prefix, raw)
    theirs = OfficialSubspace(prefix, raw)
    assert mine.key() == theirs.key() == mine.rawPrefix == mine.raw_prefix
    assert mine.as_foundationdb_key() == theirs.as_foundationdb_key()
    assert mine.pack(inner) == theirs.pack(inner)
    assert mine.range(inner) == theirs.range(inner)
    assert mine[item].key() == theirs[item].key()
    assert mine.subspace(inner).key() == theirs.subspace(inner).key()
    key = mine.pack(inner)
    assert mine.contains(key) and mine.unpack(key) == theirs.unpack(key) == inner


def test_constructor_keywords_and_defaults() -> None:
    assert Subspace().key() == b""
    assert Subspace(rawPrefix=b"\x01").key() == b"\x01"
    assert Subspace(prefixTuple=("a",), rawPrefix=b"x").key() == b"x\x02a\x00"
    assert Subspace(["a", 1]).key() == found.pack(("a", 1))


def test_bad_arguments_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match="rawPrefix must be bytes"):
        Subspace((), "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="prefixTuple must be a tuple"):
        Subspace("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="t must be a tuple"):
        Subspace().pack(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not in subspace"):
        Subspace(("a",)).unpack(found.pack(("b",)))
    with pytest.raises(TypeError):
        Subspace().contains("text")  # type: ignore[arg-type]


def test_equality_hash_and_repr() -> None:
    a = Subspace(("x",))
    assert a == Subspace(rawPrefix=found.pack(("x",)))
    assert a != Subspace(("y",))
    assert a != found.pack(("x",))
    assert len({a, Subspace(("x",)), Subspace(("y",))}) == 2
    assert repr(a) == "Subspace(rawPrefix=b'\\x02x\\x00')"


def test_pack_with_versionstamp_appends_the_offset() -> None:
    space = Subspace(("log",))
    key = space.pack_with_versionstamp((found.Versionstamp(), 7))
    assert key == found.pack_with_versionstamp(("log", found.Versionstamp(), 7))
    with pytest.raises(ValueError):
        space.pack_with_versionstamp((1,))


async def test_reads_and_writes_through_a_subspace(db: found.Database) -> None:
    users = Subspace(("users",))
    other = Subspace(("usersx",))

    async def write(tx: found.Transaction) -> None:
        for uid in range(5):
            found.set(tx, users.pack((uid, "name")), b"n%d" % uid)
        found.set(tx, users.key(), b"the prefix itself")
        found.set(tx, other.pack((1,)), b"outside")

    await found.transactional(db, write)

    async def read(tx: found.Transaction) -> list:
        bounds = users.range()
        return [(users.unpack(k), v) async for k, v in found.query(tx, bounds.start, bounds.stop)]

    rows = await found.transactional(db, read)
    assert rows == [((uid, "name"), b"n%d" % uid) for uid in range(5)]


def test_key_prefix_packs_tuples_and_takes_subspaces_and_directories_as_they_are():
    assert found.key_prefix(("app", 7)) == found.pack(("app", 7))
    assert found.key_prefix(["app", 7]) == found.pack(("app", 7))
    assert found.key_prefix(found.Subspace(("a",), b"\x15")) == b"\x15" + found.pack(("a",))


def test_key_prefix_rejects_what_is_neither_naming_the_argument():
    with pytest.raises(TypeError, match=r"bstore prefix must be a tuple .* not int"):
        found.key_prefix(42, what="bstore prefix")
    with pytest.raises(TypeError, match=r"cannot encode .object"):
        found.key_prefix((object(),))
