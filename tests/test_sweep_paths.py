"""Sweeps over field paths (``--vary nations.GBR.rotation_ratio=3:6:0.5``): the same
figures as separate runs with ``--set``, serial == Dask, bad values refused first."""

from __future__ import annotations

import json

import pytest

import forcegen
from forcegen.engine.odds.sweep import SweepAxis, SweepAxisError, run_sweep
from helpers.cli import cli
from helpers.data import SMALL

QUANTITY = "pledges.est-coy.quantity"
RATIO = "nations.GBR.rotation_ratio"


def test_path_axes_parse_numbers_in_the_fields_unit() -> None:
    axis = SweepAxis.parse(f"{RATIO}=3:6:0.5")
    assert axis.is_path and axis.condition == RATIO
    assert axis.values == (3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0)
    months = SweepAxis.parse("defaults.tour_months=4,6")
    assert months.values == (4, 6) and all(type(v) is int for v in months.values)
    ints = SweepAxis.parse("pledges.*.readiness_days=7:21:7")
    assert ints.values == (7, 14, 21) and all(type(v) is int for v in ints.values)
    # not a probability: values above 1 are fine for a path, refused for a condition
    assert SweepAxis.parse("conditions.backstop.probability=0,0.5,1").is_path
    assert not SweepAxis.parse("backstop=0,1").is_path
    for bad, problem in (
        (f"{RATIO}=a,4", "'a' is not a number"),
        (f"{RATIO}=6:3:1", "below START"),
        (f"{RATIO}=3:6:0", "not above 0"),
        (f"{RATIO}=3:6", "three parts"),
        (f"{RATIO}=0:1e9:1", "over the limit"),
        ("nations..rotation_ratio=3", "empty step"),
    ):
        with pytest.raises(SweepAxisError, match=problem):
            SweepAxis.parse(bad)


def test_labels_are_readable(builtin: forcegen.Workspace) -> None:
    assert SweepAxis.parse(f"{RATIO}=3,4").label(builtin) == "United Kingdom rotation ratio"
    assert SweepAxis.parse("defaults.tour_months=4,6").label(builtin) == "default tour months"
    every = SweepAxis.parse("pledges.*.readiness_days=7,14").label(builtin)
    assert every == "every pledge readiness days"
    assert SweepAxis.parse("us_backstop=0,1").label(builtin).startswith("P(")


def _set_run(overrides: list[str], draws: int, seed: int) -> tuple[dict[str, float], float, float]:
    """Monte Carlo and sustainment of the small workspace loaded with ``--set`` overrides."""
    ws = forcegen.open_workspace(str(SMALL), overrides)
    mc = forcegen.monte_carlo(ws, draws=draws, seed=seed, sensitivity=False)
    held = forcegen.sustainment(ws, months=36)
    figures = {"personnel_mean": mc.personnel.mean, "personnel_p95": mc.personnel.p95}
    for rid, prob in mc.requirements.items():
        figures[f"p_met:{rid}"] = prob.p
        figures[f"personnel_fill:{rid}"] = mc.options[rid].personnel_fill.mean
    return figures, held.at_horizon, held.personnel_over_horizon


def test_a_planning_figure_sweep_equals_separate_runs_with_set() -> None:
    small = forcegen.open_workspace(str(SMALL))
    result = forcegen.sweep(
        small,
        [f"{QUANTITY}=1,4", f"{RATIO}=2,5"],
        draws=4000,
        seed=9,
        serial=True,
    )
    assert result.sustain_months == 36
    assert [(r[QUANTITY], r[RATIO]) for r in result.rows] == [(1, 2), (1, 5), (4, 2), (4, 5)]
    for row in result.rows:
        figures, strength, personnel = _set_run(
            [f"{QUANTITY}={row[QUANTITY]}", f"{RATIO}={row[RATIO]}"], 4000, 9
        )
        assert {k: row[k] for k in figures} == figures
        assert row["sustain_at_horizon"] == strength
        assert row["sustain_personnel_over_horizon"] == personnel
    # the figures move with the values (or the comparison above proves nothing)
    first, second, _, last = result.rows
    assert last["personnel_mean"] > first["personnel_mean"]  # 4 companies of 150, not 1
    # ratio 2 vs 5: more people rotate through the same posts
    assert first["sustain_personnel_over_horizon"] < second["sustain_personnel_over_horizon"]


def test_a_probability_path_equals_the_condition_axis(small: forcegen.Workspace) -> None:
    by_path = run_sweep(
        small, [SweepAxis.parse("conditions.backstop.probability=0.1,0.9")], exact=True
    )
    by_id = run_sweep(small, [SweepAxis.parse("backstop=0.1,0.9")], exact=True)
    for path_row, id_row in zip(by_path.rows, by_id.rows, strict=True):
        assert path_row["conditions.backstop.probability"] == id_row["backstop"]
        same = {k: v for k, v in id_row.items() if k != "backstop"}
        assert {k: path_row[k] for k in same} == pytest.approx(same)


def test_condition_axes_keep_their_rows_and_json(small: forcegen.Workspace) -> None:
    result = run_sweep(small, [SweepAxis("backstop", (0.0, 1.0))], exact=True)
    assert result.sustain_months is None and "sustain_months" not in result.to_json()
    assert not any(k.startswith("sustain") for k in result.rows[0])


def test_path_sweep_on_dask_gives_the_serial_rows(small: forcegen.Workspace) -> None:
    axes = [SweepAxis.parse(f"{QUANTITY}=1,3"), SweepAxis.parse("backstop=0.2,0.8")]
    serial = run_sweep(small, axes, draws=20_000, seed=4)
    with forcegen.dask_cluster(workers=2) as client:
        distributed = run_sweep(small, axes, draws=20_000, seed=4, client=client)
    assert distributed.rows == serial.rows
    assert json.dumps(distributed.to_json()) == json.dumps(serial.to_json())


class _NoTasks:
    """A Dask client stand-in that fails the test if anything is sent to it."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"a task was started ({name}) before the bad value was refused")


def test_a_bad_value_is_refused_before_any_task(small: forcegen.Workspace) -> None:
    axes = [SweepAxis.parse(f"{RATIO}=3,0")]
    with pytest.raises(SweepAxisError, match=r"'nations.GBR.rotation_ratio'.*value 0 is refused"):
        run_sweep(small, axes, draws=100, client=_NoTasks())
    with pytest.raises(SweepAxisError, match="did you mean 'GBR'"):
        forcegen.sweep(small, ["nations.GBX.rotation_ratio=3"], draws=100)
    with pytest.raises(SweepAxisError, match="greater than or equal to 1"):
        forcegen.sweep(small, [f"{RATIO}=0.5,3"], draws=100)  # refused before a cluster
    bad = cli("sweep", str(SMALL), "--vary", f"{RATIO}=3,0", "--serial", "-n", "100")
    assert bad.code == 2 and bad.stdout == ""
    assert "nations.GBR.rotation_ratio" in bad.stderr and "value 0 is refused" in bad.stderr


def test_the_table_names_the_axis_and_shows_sustainment() -> None:
    result = cli("sweep", str(SMALL), "--vary", f"{RATIO}=2,5", "-n", "500", "--serial")
    assert result.code == 0, result.stderr
    assert "United Kingdom rotation" in result.stdout  # the header may wrap before 'ratio'
    assert RATIO not in result.stdout
    assert "sustained at month" in result.stdout and "personnel over 36" in result.stdout
    payload = json.loads(
        cli("sweep", str(SMALL), "--vary", f"{RATIO}=2,5", "-n", "500", "--serial", "--json").stdout
    )
    assert payload["axes"] == {RATIO: [2, 5]} and payload["sustain_months"] == 36
    assert {RATIO, "sustain_at_horizon", "sustain_personnel_over_horizon"} <= set(
        payload["rows"][0]
    )


def test_path_sweep_charts_have_the_sustainment_panels(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import forcegen.plots.sweep as charts

    figures: list = []  # type: ignore[type-arg]
    saved = charts.save

    def keep(fig, directory, stem, out):  # type: ignore[no-untyped-def]
        figures.append([ax.get_title() or ax.get_ylabel() for ax in fig.axes])
        return saved(fig, directory, stem, out)

    monkeypatch.setattr(charts, "save", keep)
    small = forcegen.open_workspace(str(SMALL))
    one = forcegen.sweep(small, [f"{RATIO}=2,5"], draws=500, serial=True)
    two = forcegen.sweep(small, [f"{RATIO}=2,5", "backstop=0,1"], draws=500, serial=True)
    for result, name in ((one, "one"), (two, "two")):
        paths = charts.sweep_chart(small, result, tmp_path / name)
        assert paths and all(p.exists() for p in paths)
    lines, heat = figures
    assert "coalition sustainment [persons]" in lines
    assert "sustained at month 36 [persons]" in heat
    assert "personnel over 36 months [persons]" in heat


def test_a_path_sweep_composes_with_a_scenario_that_extends_another(
    builtin: forcegen.Workspace,
) -> None:
    # the built-in data has a network (legs' 'from' must survive the rebuild) and
    # scenarios that extend others (their inherited changes must apply once)
    texts = [f"{RATIO}=4", "pledges.*.readiness_days=14"]
    result = forcegen.sweep(builtin, texts, "italy-joins-brigade", draws=500, seed=2, serial=True)
    changed = forcegen.load_builtin(overrides=forcegen.parse_overrides(texts))
    mc = forcegen.monte_carlo(changed, "italy-joins-brigade", draws=500, seed=2, sensitivity=False)
    held = forcegen.sustainment(changed, "italy-joins-brigade", months=36)
    (row,) = result.rows
    assert row["personnel_mean"] == mc.personnel.mean
    assert row["sustain_at_horizon"] == held.at_horizon
    assert row["sustain_personnel_over_horizon"] == held.personnel_over_horizon
    plain = forcegen.sustainment(builtin, "italy-joins-brigade", months=36)
    assert held.personnel_over_horizon != plain.personnel_over_horizon  # GBR's 5 -> 4
