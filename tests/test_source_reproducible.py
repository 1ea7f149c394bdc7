"""``forcegen source --reproducible`` (``source_requirement(..., time_limit=None)``): the
solve bounded by work, not the clock, as ``run`` and ``montecarlo`` bound theirs, so that a
sourcing table published from a large coalition can be reproduced on another machine."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from benchmarks.synthetic import synthetic_coalition

import forcegen
import forcegen.engine.sourcing.budget as budget_module
import forcegen.engine.sourcing.neighbourhood as neighbourhood
import forcegen.engine.sourcing.solve as solve_module
from forcegen.cli.exports import source_settings
from forcegen.cli.source_report import WORK_LIMIT_LINE
from helpers.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class _SlowClock:
    """``time`` as on a machine ``factor`` times slower: its clock runs that much faster."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self.start = time.monotonic()

    def monotonic(self) -> float:
        return self.start + (time.monotonic() - self.start) * self.factor


@pytest.fixture(scope="module")
def coalition_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reproducible") / "coalition.yaml"
    path.write_text(yaml.safe_dump(synthetic_coalition(lines=20, seed=0), sort_keys=False))
    return path


def _source(
    monkeypatch: pytest.MonkeyPatch, path: Path, *args: str, slower: float | None = None
) -> tuple[int, str, str]:
    """``forcegen source`` on the 20-line coalition, its tie-breaks' work cut to 0.3 of
    the default so that the work stops them (under a second), on a machine ``slower``
    times slower when given."""
    with monkeypatch.context() as patch:
        patch.setattr(solve_module, "TIE_BREAK_WORK", 300_000)
        if slower is not None:
            clock = _SlowClock(slower)
            patch.setattr(budget_module, "time", clock)
            patch.setattr(neighbourhood, "time", clock)
        done = cli("source", str(path), "-r", "synthetic", "--dependence-on", "none", *args)
    return done.code, done.stdout, done.stderr


def test_the_work_bounded_solve_is_the_same_on_a_machine_ten_times_slower(
    monkeypatch: pytest.MonkeyPatch, coalition_file: Path
) -> None:
    code, quiet, err = _source(monkeypatch, coalition_file, "--reproducible", "--json")
    assert code == 0, err
    document = json.loads(quiet)
    assert document["time_limit"] is None
    statuses = {s["stage"]: s["status"] for s in document["stages"]}
    assert "work_limit" in statuses.values() and "time_limit" not in statuses.values()
    assert document["status"] == "fill_optimal"
    code, slow, err = _source(monkeypatch, coalition_file, "--reproducible", "--json", slower=10.0)
    assert code == 0, err
    assert slow == quiet
    # the same solve under a clock: a slower machine stops it elsewhere
    code, clocked, err = _source(
        monkeypatch, coalition_file, "--time-limit", "2", "--json", slower=10.0
    )
    assert code == 0, err
    timed = json.loads(clocked)
    assert timed["time_limit"] == 2.0
    assert "time_limit" in {s["status"] for s in timed["stages"]}


def test_the_report_says_the_work_stopped_a_tie_break_and_about_says_how_it_was_bounded(
    monkeypatch: pytest.MonkeyPatch, coalition_file: Path
) -> None:
    code, text, err = _source(monkeypatch, coalition_file, "--reproducible")
    assert code == 0, err
    assert " ".join(WORK_LIMIT_LINE.split()) in " ".join(text.split())
    ws = forcegen.load_workspace(coalition_file)
    assert "--reproducible" in str(source_settings(ws, "synthetic", None, None)["budget"])
    assert source_settings(ws, "synthetic", None, 20.0)["budget"] == "20 s (--time-limit)"


def test_reproducible_and_a_time_limit_exclude_each_other(coalition_file: Path) -> None:
    done = cli(
        "source", str(coalition_file), "-r", "synthetic", "--reproducible", "--time-limit", "5"
    )
    assert done.code == 2 and done.stdout == ""
    assert "--reproducible and --time-limit exclude each other" in done.stderr


def test_the_python_api_takes_no_time_limit_and_the_dependence_solve_is_proven() -> None:
    ws = forcegen.build_workspace(synthetic_coalition(lines=8, seed=1))
    nation = next(iter(ws.nations))
    result = forcegen.source_requirement(ws, "synthetic", None, nation, time_limit=None)
    assert result.time_limit is None
    assert result.dependence_status is not None
    assert result.dependence_status.value == "optimal"
    again = forcegen.source_requirement(ws, "synthetic", None, nation, time_limit=None)
    assert json.dumps(again.to_json()) == json.dumps(result.to_json())
