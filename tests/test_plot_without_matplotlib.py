"""``--plot`` without matplotlib prints the tables and one install line (issue 12, point 9)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.helpers.cli import cli
from tests.helpers.data import SMALL

COMMANDS = [
    ("montecarlo", str(SMALL), "--draws", "200", "--seed", "1"),
    ("sustain",),
    ("deploy", "--scenario", "ceasefire-only"),
    ("posture", "--scenario", "ceasefire-only", "--compare"),
    ("supply", "--scenario", "ceasefire-us-backstop"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_tables_and_one_install_line(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    charts = tmp_path / "charts"
    code, out, err = cli(*args, "--plot", str(charts))
    assert code == 0, err
    assert out.strip(), "the tables are printed"
    assert "wrote" not in out
    notes = [line for line in err.splitlines() if "forcegen[plot]" in line]
    assert len(notes) == 1 and "matplotlib" in notes[0]
    assert not charts.exists()


def test_with_matplotlib_the_charts_are_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    charts = tmp_path / "charts"
    code, _, err = cli("montecarlo", str(SMALL), "--draws", "200", "--plot", str(charts))
    assert code == 0, err
    assert "forcegen[plot]" not in err
    assert sorted(p.suffix for p in charts.iterdir()).count(".png") >= 2
