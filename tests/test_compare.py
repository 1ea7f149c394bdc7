"""``forcegen compare`` (issue 13, points 3 and 7): two hand-computed scenarios of the small
workspace, two variants of it, the items of the command line and their errors, the JSON
shape, the report and the charts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.helpers.cli import cli
from tests.helpers.data import SMALL

import forcegen
from forcegen.cli.compare_report import parse_items

# tests/data/small.yaml by hand. Scenario cf (ceasefire only): gbr-bde (1 brigade, 5,000,
# west) and gbr-ftr (1 fighter squadron, 300 persons as pledged) are active. Scenario full
# (everything holds): also fra-bde (west or east), deu-bde (Poland) and est-coy (2 companies
# of 150). fra-old is withdrawn in both.
CF_NATIONS = {"GBR": 5_300, "FRA": 0, "DEU": 0, "EST": 0}
FULL_NATIONS = {"GBR": 5_300, "FRA": 5_000, "DEU": 5_000, "EST": 300}


@pytest.fixture(scope="module")
def cf_full() -> forcegen.ComparisonResult:
    ws = forcegen.load_workspace(SMALL)
    return forcegen.compare([("cf", ws, "cf"), ("full", ws, "full")])


def test_two_scenarios_by_nation_and_capability(cf_full: forcegen.ComparisonResult) -> None:
    r = cf_full
    assert r.items == ("cf", "full")
    assert r.personnel == (5_300, 15_600)
    assert {k: v[0] for k, v in r.nations.items()} == CF_NATIONS
    assert {k: v[1] for k, v in r.nations.items()} == FULL_NATIONS
    assert dict(r.capability_units) == {"bde": (1.0, 3.0), "coy": (0.0, 2.0), "ftr": (1.0, 1.0)}
    assert dict(r.capability_personnel) == {
        "bde": (5_000, 15_000),
        "coy": (0, 300),
        "ftr": (300, 300),
    }
    frame = r.nations_frame()
    assert frame.loc["FRA", "delta:full"] == 5_000
    assert frame.loc["GBR", "delta:full"] == 0
    assert r.capabilities_frame().loc["bde", "delta_personnel:full"] == 10_000


def test_two_scenarios_by_force_option(cf_full: forcegen.ComparisonResult) -> None:
    a, b = cf_full.requirements["opt-a"], cf_full.requirements["opt-b"]
    # option A needs 2 brigades in the west (10,000), 2 companies (300), 1 fighter
    # squadron (250 per unit of the capability): 10,550. Under cf: 1 brigade + the
    # squadron = 5,250 persons, 2 of 5 units.
    assert a.required_personnel == (10_550.0, 10_550.0)
    assert a.filled_personnel == (5_250.0, 10_550.0)
    assert a.personnel_fill == pytest.approx((5_250 / 10_550, 1.0))
    assert a.fill_ratio == pytest.approx((0.4, 1.0))
    assert a.met == (False, True)
    assert b.personnel_fill == (0.0, 1.0)
    assert b.met == (False, True)
    assert a.p_met == (None, None)  # no draws


def test_lines_that_flip_and_pledges_that_differ(cf_full: forcegen.ComparisonResult) -> None:
    flips = {(f.requirement, f.line): f.status for f in cf_full.lines_flipped}
    # option A's fighter line is met in both: it does not flip
    assert flips == {
        ("opt-a", 0): ("short", "met"),
        ("opt-a", 1): ("short", "met"),
        ("opt-b", 0): ("short", "met"),
        ("opt-b", 1): ("short", "met"),
    }
    changed = {c.pledge: c.state for c in cf_full.pledges_changed}
    assert changed == {
        "fra-bde": ("inactive", "active"),
        "deu-bde": ("inactive", "active"),
        "est-coy": ("inactive", "active"),
    }
    assert all(not c.fields for c in cf_full.pledges_changed)  # one workspace


def test_a_line_that_stops_being_met_flips(small: forcegen.Workspace) -> None:
    r = forcegen.compare([("cf", small, "cf"), ("none", small, "none")])
    flips = {(f.requirement, f.line): f.status for f in r.lines_flipped}
    assert flips == {("opt-a", 2): ("met", "short")}
    assert r.nations["GBR"] == (5_300, 0)


VARIANT_EDITS = (
    ("bde, quantity: 1, requires: ceasefire,", "bde, quantity: 2, requires: ceasefire,"),
    ("[poland], basis: assumption}", "[poland], status: withdrawn, basis: assumption}"),
    (
        "  - {id: fra-old,",
        "  - {id: est-coy-2, nation: EST, capability: coy, quantity: 1,"
        " requires: ceasefire, basis: assumption}\n  - {id: fra-old,",
    ),
)


@pytest.fixture
def variant(tmp_path: Path) -> Path:
    """small.yaml with gbr-bde doubled, deu-bde withdrawn and a new Estonian company."""
    text = SMALL.read_text(encoding="utf-8")
    for old, new in VARIANT_EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "variant.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_two_workspaces_added_withdrawn_and_changed_pledges(variant: Path) -> None:
    items = parse_items([f"{SMALL}#full", f"{variant}#full"])
    r = forcegen.compare(items)
    # variant under full: GBR 2 brigades (10,000) + squadron (300); DEU withdrawn;
    # EST 2 + 1 companies (450)
    assert dict(r.nations) == {
        "GBR": (5_300, 10_300),
        "FRA": (5_000, 5_000),
        "DEU": (5_000, 0),
        "EST": (300, 450),
    }
    assert r.personnel == (15_600, 15_750)
    changed = {c.pledge: (c.state, dict(c.fields)) for c in r.pledges_changed}
    assert changed == {
        "gbr-bde": (("active", "active"), {"quantity": (1.0, 2.0)}),
        "deu-bde": (("active", "withdrawn"), {}),
        "est-coy-2": (("absent", "active"), {}),
    }
    # option B's Poland line lost its only brigade: deu-bde is withdrawn, so nothing
    # that is not withdrawn offers it
    flips = {(f.requirement, f.line): f.status for f in r.lines_flipped}
    assert flips == {("opt-b", 1): ("met", "not_offered")}


def test_a_workspace_without_scenario_counts_every_pledge_not_withdrawn() -> None:
    items = parse_items([str(SMALL), "cf"], str(SMALL))
    assert [(i.label, i.scenario) for i in items] == [(str(SMALL), None), ("cf", "cf")]
    assert items[0].workspace is items[1].workspace  # loaded once
    r = forcegen.compare(items)
    assert r.personnel == (15_600, 5_300)
    assert r.scenarios == (None, "cf")


def test_draws_give_the_odds_of_monte_carlo(small: forcegen.Workspace) -> None:
    r = forcegen.compare([("cf", small, "cf"), ("free", small, None)], draws=2_000, seed=4)
    for k, scenario in enumerate(("cf", None)):
        odds = forcegen.monte_carlo(small, scenario, draws=2_000, seed=4, sensitivity=False)
        for rid, option in odds.options.items():
            assert r.requirements[rid].p_met[k] == option.p_met.p
            assert r.requirements[rid].p_headcount[k] is None  # no headline size
    assert 0 < r.requirements["opt-a"].p_met[0] < 1


def test_engine_refuses_one_item_and_twice_the_same_label(small: forcegen.Workspace) -> None:
    with pytest.raises(forcegen.ForcegenError, match="at least two items"):
        forcegen.compare([("cf", small, "cf")])
    with pytest.raises(forcegen.ForcegenError, match="given twice: cf"):
        forcegen.compare([("cf", small, "cf"), ("cf", small, "full")])
    with pytest.raises(forcegen.UnknownIdError):
        forcegen.compare([("a", small, "cf"), ("b", small, "nope")])


# -- the command line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ceasfire-only", "no-ceasefire"), "unknown scenario 'ceasfire-only'"),
        (("ceasfire-only", "no-ceasefire"), "Did you mean 'ceasefire-only'?"),
        (("ceasefire-only", "nowhere/ws.yaml"), "item 'nowhere/ws.yaml': no such file or folder"),
        (("ceasefire-only", "nowhere#cf"), "item 'nowhere#cf': no such file or folder"),
        (("ceasefire-only", f"{SMALL}#ful"), "Did you mean 'full'?"),
        (("ceasefire-only", f"{SMALL}#"), "no scenario after '#'"),
        (("ceasefire-only", "@2025-13-01"), "item '@2025-13-01': '2025-13-01' is not a calendar"),
        (("ceasefire-only", "ceasefire-only@tomorrow"), "expected ITEM@YYYY-MM-DD"),
        (("ceasefire-only",), "at least two items, got 1"),
        (("ceasefire-only", "ceasefire-only"), "item 'ceasefire-only' is given twice"),
        (("cf", "full", "-w", "nowhere.yaml"), "no such file or folder: nowhere.yaml"),
    ],
)
def test_item_errors(args: tuple[str, ...], message: str) -> None:
    code, out, err = cli("compare", *args)
    assert code == 2
    assert out == ""
    assert message in err, err


def test_scenario_ids_of_another_workspace() -> None:
    code, out, err = cli("compare", "cf", "#full", "--workspace", str(SMALL), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["items"] == ["cf", "#full"]
    assert payload["personnel"] == [5_300, 15_600]


def test_json_shape(cf_full: forcegen.ComparisonResult) -> None:
    code, out, err = cli("compare", "cf", "full", "-w", str(SMALL), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert list(payload) == [
        "items",
        "workspaces",
        "scenarios",
        "draws",
        "seed",
        "personnel",
        "nations",
        "capabilities",
        "requirements",
        "lines_flipped",
        "pledges_changed",
    ]
    assert payload == json.loads(json.dumps(cf_full.to_json()))
    assert payload["nations"]["FRA"] == [0, 5_000]
    assert payload["capabilities"]["coy"] == {"units": [0.0, 2.0], "personnel": [0, 300]}
    assert set(payload["requirements"]["opt-a"]) == {
        "name",
        "personnel_fill",
        "fill_ratio",
        "met",
        "required_personnel",
        "filled_personnel",
        "p_met",
        "p_headcount",
    }
    assert payload["requirements"]["opt-b"]["met"] == [False, True]
    assert payload["lines_flipped"][0] == {
        "requirement": "opt-a",
        "line": 0,
        "capability": "bde",
        "zone": "west",
        "status": ["short", "met"],
        "required": [2.0, 2.0],
        "filled": [1.0, 2.0],
    }
    assert payload["pledges_changed"][0] == {
        "pledge": "fra-bde",
        "nation": "FRA",
        "capability": "bde",
        "state": ["inactive", "active"],
        "fields": {},
    }


@pytest.mark.parametrize("columns", [80, 120])
def test_report_names_signed_deltas(columns: int) -> None:
    code, out, err = cli("compare", "cf", "full", "-w", str(SMALL), columns=columns)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= columns
    assert "Ceasefire only" in out and "Everything holds" in out
    for words in ("France", "+5,000", "+10,300", "Total", "15,600", "+50 pts", "Option A"):
        assert words in out, words
    for line in out.splitlines():
        if line.startswith("│ Germany: brigade x 1"):
            assert "inactive" in line and "│ active" in line
            break
    else:
        raise AssertionError("pledge row missing")
    assert "Brigade in Poland" in out  # a flipped line, by name
    assert "FRA" not in out and "opt-a" not in out


def test_report_with_draws_shows_the_odds() -> None:
    code, out, err = cli("compare", "cf", "full", "-w", str(SMALL), "--draws", "500")
    assert code == 0, err
    assert "A P(met)" in out and "500 draws, seed 0" in out


def test_plot_writes_both_charts(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, _out, err = cli("compare", "cf", "full", "-w", str(SMALL), "--plot", str(tmp_path))
    assert code == 0, err
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "compare_fill.png",
        "compare_fill.svg",
        "compare_nations.png",
        "compare_nations.svg",
    ]
    svg = (tmp_path / "compare_nations.svg").read_text(encoding="utf-8")
    assert "Germany" in svg and "Everything holds" in svg


def test_csv_is_the_nation_table_and_xlsx_reads_back(tmp_path: Path) -> None:
    import csv as csv_module

    openpyxl = pytest.importorskip("openpyxl")
    code, out, err = cli("compare", "cf", "full", "-w", str(SMALL), "--json")
    payload = json.loads(out)
    csv_path, xlsx_path = tmp_path / "nations.csv", tmp_path / "compare.xlsx"
    code, out, err = cli(
        "compare", "cf", "full", "-w", str(SMALL), "--csv", str(csv_path), "--xlsx", str(xlsx_path)
    )
    assert code == 0, err
    assert f"wrote {csv_path}" in out and f"wrote {xlsx_path}" in out
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv_module.DictReader(handle))
    assert {r["nation"]: int(r["full - cf: personnel [persons]"]) for r in rows} == {
        iso3: v[1] - v[0] for iso3, v in payload["nations"].items()
    }
    assert rows[1]["nation name"] == "France"
    book = openpyxl.load_workbook(xlsx_path)
    assert book.sheetnames == [
        "About",
        "Nations",
        "Capabilities",
        "Force options",
        "Lines that flip",
        "Pledges that differ",
    ]
    sheet = book["Force options"]
    header, *values = list(sheet.iter_rows(values_only=True))
    got = {(r[0], r[2]): dict(zip(header, r, strict=True)) for r in values}
    for rid, option in payload["requirements"].items():
        for k, item in enumerate(payload["items"]):
            row = got[(rid, item)]
            assert row["personnel fill [0-1]"] == pytest.approx(option["personnel_fill"][k])
            assert row["met"] == option["met"][k]
    flips = list(book["Lines that flip"].iter_rows(values_only=True))
    assert len(flips) == 1 + len(payload["lines_flipped"])
    assert flips[1][-2:] == ("short", "met")


def test_the_default_workspace_is_loaded_once() -> None:
    items = parse_items(["ceasefire-only", "mnf-ukraine", "#no-ceasefire"])
    assert len({id(i.workspace) for i in items}) == 1
    assert [i.scenario for i in items] == ["ceasefire-only", None, "no-ceasefire"]


def test_set_applies_to_every_workspace_the_items_name() -> None:
    """--set on compare: the UK brigade doubled (5,000 more) in both scenarios (the UK's
    second tranche is withdrawn since 22 Feb 2026, so the backstop adds nothing British)."""
    import json as _json

    from tests.helpers.cli import cli as _cli

    code, out, err = _cli(
        "compare", "ceasefire-only", "ceasefire-us-backstop", "--json",
        "--set", "pledges.gbr-brigade-1.quantity=2",
    )  # fmt: skip
    assert code == 0, err
    document = _json.loads(out)
    assert document["overrides"] == ["pledges.gbr-brigade-1.quantity=2"]
    assert document["nations"]["GBR"] == [5_550 + 5_000, 5_550 + 5_000]
    code, _, err = _cli("compare", "ceasefire-only", "ceasefire-us-backstop", "--set", "nope")
    assert code == 2 and "--set #1" in err


def test_scenarios_that_change_the_force_are_compared_as_run_sees_them() -> None:
    """Italy's added brigade, the US monitoring team withdrawn and Germany's zones patch
    show in compare exactly as in run (compare once ignored scenario changes)."""
    import forcegen

    ws = forcegen.open_workspace()
    ids = ["ceasefire-only", "italy-joins-brigade", "us-enablers-only", "germany-lifts-caveat"]
    result = forcegen.compare([(sid, ws, sid) for sid in ids]).to_json()
    runs = [forcegen.evaluate(ws, sid) for sid in ids]
    assert result["personnel"] == [r.personnel for r in runs] == [13_590, 18_590, 15_610, 15_810]
    assert result["nations"]["ITA"] == [0, 5_000, 0, 0]
    for rid in ws.requirements:
        fills = result["requirements"][rid]["personnel_fill"]
        assert fills == [pytest.approx(r.requirements[rid].personnel_fill) for r in runs]
    (deu,) = [p for p in result["pledges_changed"] if p["pledge"] == "deu-battlegroup-1"]
    assert "ukraine-west" in deu["fields"]["zones"][3]
