"""Fixtures shared by found-core's tuple-layer tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from found import _tuple_table as table


@pytest.fixture
def learning_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty shape table that learns a shape on its second sighting, examining every miss,
    on PyPy too (where unpack does not use it by default); emptied again afterwards."""
    monkeypatch.setattr(table.TABLE, "enabled", True)
    monkeypatch.setattr(table.TABLE, "_needed", 2)
    monkeypatch.setattr(table.TABLE, "_every", 1)
    monkeypatch.setattr(table.TABLE, "_hits", 0)
    table.TABLE.reset()
    yield
    table.TABLE.reset()
