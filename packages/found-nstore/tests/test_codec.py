"""`_codec.tail` decodes exactly as the tuple layer, on every element type and on bad keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import found
from found.ext.nstore._codec import tail

ELEMENT = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("a\x00\xff\u00e9")),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=0, max_value=300),
    st.binary(max_size=6),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.tuples(st.text(max_size=2)),
)


@settings(max_examples=300, deadline=None)
@given(head=st.tuples(st.text(max_size=3), st.integers(0, 3)), items=st.lists(ELEMENT, max_size=4))
def test_tail_matches_unpack(head, items) -> None:
    prefix = found.pack(head)
    key = prefix + found.pack(tuple(items))
    decoded = tail(key, len(prefix))
    expected = found.unpack(key, len(prefix))
    assert list(decoded) == list(expected)
    assert [type(x) for x in decoded] == [type(x) for x in expected]


@pytest.mark.parametrize(
    "bad",
    [
        b"\x02abc",  # unterminated string
        b"\x02\xff\xfe\x00",  # not UTF-8
        b"\x16\x01",  # integer shorter than its code says
        b"\x02a\x00\x1c\x01\x02",  # the same after a string
    ],
)
def test_tail_refuses_what_unpack_refuses(bad) -> None:
    with pytest.raises(ValueError) as unpacked:
        found.unpack(b"\x15\x01" + bad, 2)
    with pytest.raises(ValueError) as tailed:
        tail(b"\x15\x01" + bad, 2)
    assert str(tailed.value) == str(unpacked.value)
