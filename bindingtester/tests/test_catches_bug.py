"""A driver bug, introduced on purpose in one tester process, makes the harness fail.

Each fault is monkeypatched into found's embedded backend by a wrapper script that then runs
tester_aio.py unchanged; the harness runs the faulty tester next to an honest one. The scripted
program (absolute answers) and the seeded comparison must both report it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bindingtester.harness.runner import TesterSpec
from bindingtester.harness.scripted import run_scripted
from bindingtester.harness.session import TESTERS, Session

HERE = Path(__file__).resolve().parent.parent

#: Forward key selector offsets land one key too far.
SELECTOR_OFF_BY_ONE = """
original = EmbeddedTransaction.get_key

async def get_key(self, key, or_equal, offset, snapshot):
    return await original(self, key, or_equal, offset + 1 if offset > 1 else offset, snapshot)

EmbeddedTransaction.get_key = get_key
"""

#: Range pages always claim to be the last one (`more` = False).
RANGE_MORE_FLAG_WRONG = """
original = EmbeddedTransaction.get_range

async def get_range(self, *args):
    page, more = await original(self, *args)
    return page, False

EmbeddedTransaction.get_range = get_range
"""


def faulty_tester(folder: Path, patch: str) -> TesterSpec:
    """A tester script: the patch applied to found's embedded backend, then tester_aio."""
    script = folder / "faulty_tester.py"
    body = textwrap.dedent(
        """
        import runpy
        import sys

        from found._embedded.transaction import EmbeddedTransaction
        {patch}
        sys.argv[0] = {tester!r}
        runpy.run_path({tester!r}, run_name="__main__")
        """
    ).format(patch=patch, tester=str(HERE / "tester_aio.py"))
    folder.mkdir(parents=True, exist_ok=True)
    script.write_text(body, encoding="utf-8")
    return TesterSpec("faulty/embedded", str(script), "embedded")


@pytest.mark.parametrize(
    "patch", [SELECTOR_OFF_BY_ONE, RANGE_MORE_FLAG_WRONG], ids=["selector-offset", "range-more"]
)
async def test_scripted_program_catches_the_bug(tmp_path: Path, patch: str) -> None:
    lines: list = []
    session = Session([TESTERS[0], faulty_tester(tmp_path / "bin", patch)], tmp_path, lines.append)
    await run_scripted(session)
    assert session.failures, "\n".join(lines)
    assert all("faulty/embedded" in failure for failure in session.failures), session.failures
    assert "scripted on aio/embedded: " in "\n".join(lines)


async def test_seeded_comparison_catches_the_selector_bug(tmp_path: Path) -> None:
    lines: list = []
    faulty = faulty_tester(tmp_path / "bin", SELECTOR_OFF_BY_ONE)
    session = Session([TESTERS[0], faulty], tmp_path, lines.append)
    problems = await session.run_seed(1, 300)
    assert problems, "\n".join(lines)
    assert any("stack" in p or "workspace" in p for p in problems), problems


async def test_honest_wrapper_passes(tmp_path: Path) -> None:
    """The wrapper itself changes nothing: without a patch, the same runs pass."""
    lines: list = []
    session = Session([TESTERS[0], faulty_tester(tmp_path / "bin", "")], tmp_path, lines.append)
    await session.run_seed(1, 60)
    await run_scripted(session)
    assert session.failures == [], "\n".join(lines)
