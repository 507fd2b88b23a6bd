"""fromstring / tostring: the 0.13 table, round trips, and malformed text."""

from __future__ import annotations

import math
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from found_server import EncodingError, fromstring, tostring


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hello", "hello"),
        ("", ""),
        ("#none", None),
        ("#true", True),
        ("#false", False),
        ("#i42", 42),
        ("#i-7", -7),
        ("#f3.14", 3.14),
        ("#f-1e3", -1000.0),
        ("#uDEADBEEFDEADBEEFDEADBEEFDEADBEEF", uuid.UUID("deadbeef" * 4)),
        ("#s#i42", "#i42"),
        ("#s_", "_"),
        ("  spaced  ", "  spaced  "),
    ],
)
def test_table(text: str, value: object) -> None:
    out = fromstring(text)
    assert out == value and type(out) is type(value)


def test_underscore_is_a_fresh_uuid4() -> None:
    a, b = fromstring("_"), fromstring("_")
    assert isinstance(a, uuid.UUID) and a.version == 4 and a != b


@pytest.mark.parametrize(
    "text", ["#i", "#i4x2", "#i1.5", "#f", "#fabc", "#u", "#ubad", "#u" + "0" * 31, "#x", "#"]
)
def test_malformed(text: str) -> None:
    with pytest.raises(EncodingError):
        fromstring(text)


def test_huge_int_refused() -> None:
    with pytest.raises(EncodingError):
        fromstring("#i" + "9" * 1000)


def test_nan_and_infinities() -> None:
    assert math.isnan(fromstring(tostring(float("nan"))))  # type: ignore[arg-type]
    assert fromstring(tostring(float("-inf"))) == float("-inf")


def test_tostring_refuses_other_types() -> None:
    with pytest.raises(EncodingError):
        tostring(b"bytes")
    with pytest.raises(TypeError):
        fromstring(b"#i1")  # type: ignore[arg-type]


items = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=False),
    st.text(),
    st.uuids(),
)


@settings(max_examples=200, deadline=None)
@given(items)
def test_round_trip(value: object) -> None:
    out = fromstring(tostring(value))
    assert out == value and type(out) is type(value)
