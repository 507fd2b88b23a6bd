"""The string fast paths of the scan recipe agree with the tuple layer on any value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import found
from found.ext.nstore._codec import lasts as _lasts
from found.ext.nstore._codec import pack_one as _pack_one

ANY = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("a\x00\xff\u00e9")),
    st.binary(max_size=8),
    st.integers(),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
)


@settings(max_examples=200, deadline=None)
@given(value=ANY, prefix=st.tuples(st.text(max_size=3), st.integers(0, 3)))
def test_pack_one_and_last_match_the_tuple_layer(value, prefix) -> None:
    packed = _pack_one(value)
    assert packed == found.pack((value,))
    head = found.pack(prefix)
    decoded = _lasts([(head + packed, b"")], len(head))[0]
    assert found.pack((decoded,)) == packed
    assert type(decoded) is type(found.unpack(packed)[0])
    page = _lasts([(head + packed, b""), (head + found.pack(("x",)), b"")], len(head))
    assert [found.pack((v,)) for v in page] == [packed, found.pack(("x",))]


def test_the_string_fast_paths_fall_back_to_the_tuple_layer_errors() -> None:
    """A lone surrogate (not encodable) and a stored string that is not UTF-8 get exactly the
    tuple layer's errors, not the fast paths' own."""
    with pytest.raises(UnicodeEncodeError) as expected:
        found.pack(("\ud800",))
    with pytest.raises(UnicodeEncodeError) as got:
        _pack_one("\ud800")
    assert str(got.value) == str(expected.value)
    head = found.pack(("p",))
    bad = head + b"\x02\xff\xfe\x00"
    with pytest.raises(ValueError, match="byte offset 3") as expected_error:
        found.unpack(bad, len(head))
    with pytest.raises(ValueError) as got_error:
        _lasts([(bad, b"")], len(head))
    assert str(got_error.value) == str(expected_error.value)
