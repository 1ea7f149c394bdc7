"""forcegen timeline: the promised force over time, computed by hand on a toy workspace.

The toy workspace (built in code): two nations, one capability of 1,000 persons a unit,
three pledges with revisions, two force options floated and dropped, one event and three
statements (one of no decision, which marks nothing)::

    gbr-1  GBR 2 units, made 2025-03-02, stated, requires ceasefire
           2025-06-01 earmarked; 2025-09-01 quantity 3
    gbr-2  GBR 1 unit, personnel 500, undated (counted from the start), requires backstop
           2025-09-01 withdrawn
    fra-1  FRA 1 unit, made 2025-04-01, stated, requires ceasefire and backstop
           2025-06-01 requires ceasefire; 2025-10-01 deployed

    opt-20k  floated 2025-03-02, dropped 2025-06-01; opt-5k floated 2025-06-01
    events: London summit 2025-03-02; statements: FRA conditional 2025-02-01,
            GBR troops 2025-03-02, FRA undecided 2025-05-01

Every pledge (no scenario), by date::

    date        gbr-1          gbr-2          fra-1          stated earm. depl. withdr. total
    2025-02-01  -              500 stated     -                 500     0     0      0   500
    2025-03-02  2,000 stated   500 stated     -               2,500     0     0      0 2,500
    2025-04-01  2,000 stated   500 stated     1,000 stated    3,500     0     0      0 3,500
    2025-05-01  (as before)                                   3,500     0     0      0 3,500
    2025-06-01  2,000 earm.    500 stated     1,000 stated    1,500 2,000     0      0 3,500
    2025-09-01  3,000 earm.    500 withdrawn  1,000 stated    1,000 3,000     0    500 4,000
    2025-10-01  3,000 earm.    500 withdrawn  1,000 deployed      0 3,000 1,000    500 4,000
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from tests.helpers.cli import cli

import forcegen

D = dt.date.fromisoformat
SRC = ["https://example.org/source"]

DATES = [
    "2025-02-01",
    "2025-03-02",
    "2025-04-01",
    "2025-05-01",
    "2025-06-01",
    "2025-09-01",
    "2025-10-01",
]


def toy_data() -> dict[str, Any]:
    """The toy workspace as plain data (as read from YAML)."""
    return {
        "nations": [
            {
                "id": "GBR",
                "name": "United Kingdom",
                "active_personnel": 140_000,
                "land_personnel": 75_000,
                "sources": SRC,
                "statements": [
                    {"date": "2025-03-02", "stance": "troops", "summary": "Boots on the ground.",
                     "sources": ["https://example.org/gbr"]},
                ],
            },
            {
                "id": "FRA",
                "name": "France",
                "active_personnel": 200_000,
                "land_personnel": 115_000,
                "sources": SRC,
                "statements": [
                    {"date": "2025-02-01", "stance": "conditional", "summary": "If a ceasefire.",
                     "sources": ["https://example.org/fra"]},
                    {"date": "2025-05-01", "stance": "undecided", "summary": "Not yet.",
                     "sources": ["https://example.org/fra2"]},
                ],
            },
        ],
        "capabilities": [
            {"id": "bde", "name": "Brigade", "domain": "land", "personnel": 1000, "sources": SRC}
        ],
        "conditions": [
            {"id": "ceasefire", "name": "Ceasefire", "description": "A ceasefire holds.",
             "probability": 0.5, "sources": SRC},
            {"id": "backstop", "name": "US backstop", "description": "The US backs it.",
             "probability": 0.5, "sources": SRC},
        ],
        "pledges": [
            {
                "id": "gbr-1", "nation": "GBR", "capability": "bde", "quantity": 2,
                "date": "2025-03-02", "requires": "ceasefire", "sources": SRC,
                "revisions": [
                    {"date": "2025-06-01", "status": "earmarked", "sources": SRC},
                    {"date": "2025-09-01", "quantity": 3, "sources": SRC},
                ],
            },
            {
                "id": "gbr-2", "nation": "GBR", "capability": "bde", "quantity": 1,
                "personnel": 500, "requires": "backstop", "sources": SRC,
                "revisions": [{"date": "2025-09-01", "status": "withdrawn", "sources": SRC}],
            },
            {
                "id": "fra-1", "nation": "FRA", "capability": "bde", "quantity": 1,
                "date": "2025-04-01", "requires": "ceasefire and backstop", "sources": SRC,
                "revisions": [
                    {"date": "2025-06-01", "requires": "ceasefire", "sources": SRC},
                    {"date": "2025-10-01", "status": "deployed", "sources": SRC},
                ],
            },
        ],
        "requirements": [
            {"id": "opt-20k", "name": "Large force", "personnel": 20_000,
             "floated": "2025-03-02", "dropped": "2025-06-01",
             "lines": [{"capability": "bde", "quantity": 20}], "sources": SRC},
            {"id": "opt-5k", "name": "Small force", "personnel": 5_000, "floated": "2025-06-01",
             "lines": [{"capability": "bde", "quantity": 5}], "sources": SRC},
        ],
        "events": [
            {"id": "london", "date": "2025-03-02", "label": "London summit", "kind": "summit",
             "sources": ["https://example.org/london"]},
        ],
        "scenarios": [
            {"id": "ceasefire-only", "name": "Ceasefire only", "assume": {"ceasefire": True},
             "sources": SRC},
            {
                "id": "what-if", "name": "What if", "extends": "ceasefire-only",
                "withdraw": ["fra-1"],
                "patch": {"pledges.gbr-1.quantity": 1},
                "add_pledges": [
                    {"id": "fra-2", "nation": "FRA", "capability": "bde", "quantity": 2,
                     "date": "2025-09-01", "requires": "ceasefire", "basis": "assumption"},
                ],
                "basis": "assumption",
            },
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def toy() -> forcegen.Workspace:
    return forcegen.build_workspace(toy_data(), "toy")


@pytest.fixture
def toy_path(tmp_path: Path) -> Path:
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(toy_data(), sort_keys=False), encoding="utf-8")
    return path


def test_dates_are_every_change(toy: forcegen.Workspace) -> None:
    result = forcegen.timeline(toy)
    assert [d.isoformat() for d in result.dates] == DATES


def test_personnel_by_status_and_nation_by_hand(toy: forcegen.Workspace) -> None:
    result = forcegen.timeline(toy)
    assert result.personnel["stated"] == (500, 2500, 3500, 3500, 1500, 1000, 0)
    assert result.personnel["earmarked"] == (0, 0, 0, 0, 2000, 3000, 3000)
    assert result.personnel["deployed"] == (0, 0, 0, 0, 0, 0, 1000)
    assert result.personnel["withdrawn"] == (0, 0, 0, 0, 0, 500, 500)
    assert result.total == (500, 2500, 3500, 3500, 3500, 4000, 4000)
    assert dict(result.by_nation) == {
        "GBR": (500, 2500, 2500, 2500, 2500, 3000, 3000),
        "FRA": (0, 0, 1000, 1000, 1000, 1000, 1000),
    }


def test_options_step_where_on_the_table(toy: forcegen.Workspace) -> None:
    result = forcegen.timeline(toy)
    assert result.options["opt-20k"] == (None, 20000, 20000, 20000, None, None, None)
    assert result.options["opt-5k"] == (None, None, None, None, 5000, 5000, 5000)
    assert result.on_table(4) == ["opt-5k"]


def test_events_and_statements_marked(toy: forcegen.Workspace) -> None:
    events = [m.to_json() for m in forcegen.timeline(toy).events]
    assert [(e["date"], e["label"], e["kind"], e["nation"]) for e in events] == [
        ("2025-02-01", "France: troops on conditions", "condition", "FRA"),
        ("2025-03-02", "London summit", "summit", None),
        ("2025-03-02", "United Kingdom: offers troops", "offer", "GBR"),
    ]  # the undecided statement of 2025-05-01 marks nothing (its date is still a date)
    assert events[1]["source"] == "https://example.org/london"
    assert events[0]["source"] == "https://example.org/fra"


def test_scenario_counts_pledges_whose_condition_of_the_day_holds(
    toy: forcegen.Workspace,
) -> None:
    # ceasefire true, backstop false: gbr-2 never counts (but its withdrawal shows);
    # fra-1 counts from 2025-06-01, when its condition becomes the ceasefire alone
    result = forcegen.timeline(toy, "ceasefire-only")
    assert result.total == (0, 2000, 2000, 2000, 3000, 4000, 4000)
    assert result.personnel["stated"] == (0, 2000, 2000, 2000, 1000, 1000, 0)
    assert result.personnel["earmarked"] == (0, 0, 0, 0, 2000, 3000, 3000)
    assert result.personnel["deployed"] == (0, 0, 0, 0, 0, 0, 1000)
    assert result.personnel["withdrawn"] == (0, 0, 0, 0, 0, 500, 500)
    assert result.by_nation["FRA"] == (0, 0, 0, 0, 1000, 1000, 1000)
    assert result.total[-1] == forcegen.evaluate(toy, "ceasefire-only").personnel


def test_scenario_that_changes_the_force(toy: forcegen.Workspace) -> None:
    # what-if: fra-1 withdrawn throughout, gbr-1 patched to 1 unit (over its revision
    # to 3), fra-2 (2 units) added from 2025-09-01
    result = forcegen.timeline(toy, "what-if")
    assert result.by_nation["GBR"] == (0, 1000, 1000, 1000, 1000, 1000, 1000)
    assert result.by_nation["FRA"] == (0, 0, 0, 0, 0, 2000, 2000)
    assert result.personnel["withdrawn"] == (0, 0, 1000, 1000, 1000, 1500, 1500)
    assert result.total[-1] == forcegen.evaluate(toy, "what-if").personnel == 3000


def test_as_of_clips_the_dates() -> None:
    dated = forcegen.build_workspace(toy_data(), "toy", as_of=D("2025-06-15"))
    result = forcegen.timeline(dated)
    assert [d.isoformat() for d in result.dates] == DATES[:5]
    assert result.total == (500, 2500, 3500, 3500, 3500)
    assert result.as_of == D("2025-06-15")
    assert all(m.date <= D("2025-06-15") for m in result.events)
    with pytest.raises(forcegen.ForcegenError, match="after the date the force stands as of"):
        forcegen.timeline(dated, start="2025-07-01")


def test_start_and_end_are_dates_of_their_own(toy: forcegen.Workspace) -> None:
    result = forcegen.timeline(toy, start="2025-05-15", end="2025-09-30")
    assert [d.isoformat() for d in result.dates] == [
        "2025-05-15",
        "2025-06-01",
        "2025-09-01",
        "2025-09-30",
    ]
    assert result.total == (3500, 3500, 4000, 4000)  # 2025-05-15 as the force stood then
    assert result.events == ()  # nothing marked in the period
    with pytest.raises(forcegen.ForcegenError, match="before it starts"):
        forcegen.timeline(toy, start="2025-09-01", end="2025-06-01")


def test_json_shape(toy: forcegen.Workspace) -> None:
    payload = json.loads(json.dumps(forcegen.timeline(toy).to_json()))
    assert {"dates", "personnel", "by_nation", "options", "events"} <= set(payload)
    assert set(payload["personnel"]) == {"stated", "earmarked", "deployed", "withdrawn"}
    assert payload["options"]["opt-20k"][0] is None
    assert all({"date", "label", "source"} <= set(e) for e in payload["events"])
    assert payload["nations"] == {"GBR": "United Kingdom", "FRA": "France"}
    n = len(payload["dates"])
    assert all(
        len(v) == n for v in [*payload["personnel"].values(), *payload["by_nation"].values()]
    )


def test_frames(toy: forcegen.Workspace) -> None:
    result = forcegen.timeline(toy)
    personnel = result.personnel_frame()
    assert list(personnel.columns) == ["total", "stated", "earmarked", "deployed", "withdrawn"]
    assert personnel.loc[D("2025-10-01"), "deployed"] == 1000
    assert result.nations_frame().loc[D("2025-09-01"), "GBR"] == 3000
    options = result.options_frame()
    assert pd.isna(options.loc[D("2025-06-01"), "opt-20k"])
    assert options.loc[D("2025-06-01"), "opt-5k"] == 5000
    assert len(result.events_frame()) == 3
    spans = result.pledges_frame()
    assert len(spans) == 8  # gbr-1: 3 spans, gbr-2: 2, fra-1: 3
    gbr2 = spans[spans["pledge"] == "gbr-2"]
    assert list(gbr2["status"]) == ["stated", "withdrawn"]
    assert list(gbr2["counted"]) == [True, False]


# -- the command line -------------------------------------------------------------------


def test_cli_json(toy_path: Path) -> None:
    code, out, err = cli("timeline", str(toy_path), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["dates"] == DATES
    assert payload["total"] == [500, 2500, 3500, 3500, 3500, 4000, 4000]
    assert payload["by_nation"]["FRA"] == [0, 0, 1000, 1000, 1000, 1000, 1000]


def test_cli_as_of_and_scenario(toy_path: Path) -> None:
    code, out, err = cli(
        "timeline", str(toy_path), "--as-of", "2025-06-15", "-s", "ceasefire-only", "--json"
    )
    assert code == 0, err
    payload = json.loads(out)
    assert payload["dates"] == DATES[:5]
    assert payload["total"] == [0, 2000, 2000, 2000, 3000]
    assert payload["scenario"] == "ceasefire-only" and payload["as_of"] == "2025-06-15"


def test_cli_report_csv_and_chart(toy_path: Path, tmp_path: Path) -> None:
    csv, charts = tmp_path / "timeline.csv", tmp_path / "charts"
    code, out, err = cli(
        "timeline", str(toy_path), "--csv", str(csv), "--plot", str(charts), columns=80
    )
    assert code == 0, err
    assert "London summit" in out and "4,000" in out
    assert "France: troops on conditions" not in out  # grouped by kind in the table
    assert "troops on conditions: France" in out
    frame = pd.read_csv(csv)
    assert list(frame.columns) == [
        "date",
        "total promised [persons]",
        "stated [persons]",
        "earmarked [persons]",
        "deployed [persons]",
        "withdrawn [persons]",
        "United Kingdom (GBR) [persons]",
        "France (FRA) [persons]",
        "Large force (opt-20k) on the table [persons]",
        "Small force (opt-5k) on the table [persons]",
        "events",
    ]
    assert list(frame["total promised [persons]"]) == [500, 2500, 3500, 3500, 3500, 4000, 4000]
    assert frame["Large force (opt-20k) on the table [persons]"].isna().tolist() == [
        True, False, False, False, True, True, True,
    ]  # fmt: skip
    assert frame.loc[1, "events"] == "London summit; United Kingdom: offers troops"
    png = charts / "timeline.png"
    assert png.exists() and png.stat().st_size > 10_000
    assert (charts / "timeline.svg").exists()
    assert f"wrote {png}" in out


def test_cli_xlsx_sheets(toy_path: Path, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    book = tmp_path / "timeline.xlsx"
    code, _, err = cli("timeline", str(toy_path), "--xlsx", str(book))
    assert code == 0, err
    sheets = pd.read_excel(book, sheet_name=None)
    assert list(sheets) == ["About", "Timeline", "Nations", "Force options", "Events", "Pledges"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2025-13-01"), "error: --from: '2025-13-01' is not a calendar date"),
        (("--to", "soon"), "error: --to: 'soon' is not a calendar date"),
        (("--from", "2025-09-01", "--to", "2025-06-01"), "--from 2025-09-01 is after --to"),
        (("--as-of", "2025-06-15", "--from", "2025-07-01"), "after the date the force stands"),
    ],
)
def test_cli_bad_dates_exit_2(
    toy_path: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    charts = tmp_path / "charts"
    code, out, err = cli("timeline", str(toy_path), *args, "--plot", str(charts))
    assert code == 2
    assert message in err
    assert out == ""
    assert not charts.exists()


def test_builtin_dataset_last_total_is_every_pledge(builtin: forcegen.Workspace) -> None:
    result = forcegen.timeline(builtin)
    assert result.dates == tuple(sorted(set(result.dates)))
    # on the last date every revision has applied: the force as run counts it
    every = sum(
        builtin.pledge_personnel(pid)
        for pid, p in builtin.pledges.items()
        if p.status is not forcegen.PledgeStatus.WITHDRAWN
    )
    assert result.total[-1] == every
    for sid in builtin.scenarios:
        assert (
            forcegen.timeline(builtin, sid).total[-1] == forcegen.evaluate(builtin, sid).personnel
        )
