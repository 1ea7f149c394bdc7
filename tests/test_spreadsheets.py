"""``--csv`` and ``--xlsx`` of run, montecarlo and sustain (issue 13, points 6 and 7):
readable headers with units, the figures of ``--json``, workbooks read back with
openpyxl, CSV read back with pandas, openpyxl optional, outputs all or nothing."""

from __future__ import annotations

import errno
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import forcegen
from helpers.cli import cli
from helpers.data import SMALL

openpyxl = pytest.importorskip("openpyxl")

INSTALL_LINE = (
    "error: writing .xlsx needs openpyxl, which is not installed: pip install 'forcegen[xlsx]'\n"
)


def same(value: Any) -> Any:
    """``value`` as a workbook holds it: openpyxl writes 16 significant digits (a CSV
    keeps every digit and is compared exactly)."""
    return pytest.approx(value, rel=1e-15, abs=0)


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of a sheet as dicts keyed by the header row."""
    book = openpyxl.load_workbook(path)
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def about(path: Path) -> dict[str, str]:
    book = openpyxl.load_workbook(path)
    rows = list(book["About"].iter_rows(values_only=True))
    assert rows[0] == ("item", "value")
    return {str(k): str(v) for k, v in rows[1:]}


def json_of(*args: str) -> Any:
    result = cli(*args, "--json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- run ------------------------------------------------------------------------------

RUN_OPTION_HEADERS = [
    "scenario",
    "scenario name",
    "force option",
    "force option name",
    "required units [units]",
    "filled units [units]",
    "unit fill [0-1]",
    "required personnel [persons]",
    "filled personnel [persons]",
    "personnel fill [0-1]",
    "met",
    "blocking lines",
]


def test_run_workbook_has_every_table_with_the_json_figures(tmp_path: Path) -> None:
    book_path = tmp_path / "run.xlsx"
    result = cli("run", str(SMALL), "--xlsx", str(book_path))
    assert result.code == 0, result.stderr
    assert result.stdout.endswith(f"wrote {book_path}\n")
    data = json_of("run", str(SMALL))

    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == [
        "About",
        "Force options",
        "Nations",
        "Capabilities",
        "Lines",
        "Vetoes",
    ]
    options = book["Force options"]
    assert [c.value for c in options[1]] == RUN_OPTION_HEADERS
    assert all(c.font.b for c in options[1])
    assert options.freeze_panes == "A2"
    assert options.auto_filter.ref == f"A1:L{1 + 3 * 2}"  # 3 scenarios x 2 options
    for i, header in enumerate(RUN_OPTION_HEADERS, start=1):
        width = options.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        assert width >= len(header)

    rows = sheet_rows(book_path, "Force options")
    assert [(r["scenario"], r["force option"]) for r in rows] == [
        (s, o) for s in ("none", "cf", "full") for o in ("opt-a", "opt-b")
    ]
    for row in rows:
        fill = data[row["scenario"]]["requirements"][row["force option"]]
        assert row["personnel fill [0-1]"] == same(fill["personnel_fill"])
        assert row["filled personnel [persons]"] == fill["filled_personnel"]
        assert row["met"] is fill["met"]
    cf_a = next(r for r in rows if (r["scenario"], r["force option"]) == ("cf", "opt-a"))
    # by hand: under a ceasefire only GBR's brigade (5,000) and fighters (250 of 300) serve
    # option A, which needs 2 x 5,000 + 2 x 150 + 250 = 10,550
    assert cf_a["scenario name"] == "Ceasefire only"
    assert cf_a["force option name"] == "Option A"
    assert cf_a["required personnel [persons]"] == 10_550
    assert cf_a["filled personnel [persons]"] == 5_250
    assert cf_a["unit fill [0-1]"] == pytest.approx(0.4)

    # numbers are stored as numbers, with thousands separators
    cell = options.cell(
        row=2 + 2, column=RUN_OPTION_HEADERS.index("required personnel [persons]") + 1
    )
    assert cell.data_type == "n" and cell.value == 10_550 and cell.number_format == "#,##0"

    nations = sheet_rows(book_path, "Nations")
    assert list(nations[0]) == [
        "scenario",
        "scenario name",
        "nation",
        "nation name",
        "personnel [persons]",
    ]
    for row in nations:
        assert row["personnel [persons]"] == data[row["scenario"]]["by_nation"][row["nation"]]
    gbr_cf = next(r for r in nations if (r["scenario"], r["nation"]) == ("cf", "GBR"))
    assert gbr_cf["nation name"] == "United Kingdom" and gbr_cf["personnel [persons]"] == 5_300

    vetoes = sheet_rows(book_path, "Vetoes")
    for row in vetoes:
        assert (
            row["troops hanging on it [persons]"] == data[row["scenario"]]["veto"][row["condition"]]
        )
    lines = sheet_rows(book_path, "Lines")
    assert {(r["zone"], r["zone name"]) for r in lines} == {
        ("west", "Western Ukraine"),
        ("east", "Eastern Ukraine"),
        ("poland", "Poland"),
        (None, "any zone"),
    }

    info = about(book_path)
    assert info["command"] == "forcegen run"
    assert info["workspace"] == str(SMALL)
    assert info["scenarios"] == (
        "Nothing holds (none); Ceasefire only (cf); Everything holds (full)"
    )
    assert info["forcegen version"] == forcegen.__version__
    assert "cited sources" in info["data sources"]
    assert info["sheet: Force options"] == "6 rows, 12 columns"


def test_run_csv_is_the_force_option_table(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    assert cli("run", str(SMALL), "-s", "cf", "--csv", str(path)).code == 0
    data = json_of("run", str(SMALL), "-s", "cf")["cf"]
    table = pd.read_csv(path)
    assert list(table.columns) == RUN_OPTION_HEADERS
    assert list(table["force option"]) == ["opt-a", "opt-b"]
    for _, row in table.iterrows():
        fill = data["requirements"][row["force option"]]
        assert row["personnel fill [0-1]"] == fill["personnel_fill"]  # full precision
        assert row["required personnel [persons]"] == fill["required_personnel"]
        assert bool(row["met"]) is fill["met"]


# -- montecarlo -----------------------------------------------------------------------


def test_montecarlo_workbook_and_csv_match_the_json(tmp_path: Path) -> None:
    args = ("montecarlo", str(SMALL), "--draws", "2000", "--seed", "3")
    book_path, csv_path = tmp_path / "mc.xlsx", tmp_path / "mc.csv"
    result = cli(*args, "--xlsx", str(book_path), "--csv", str(csv_path))
    assert result.code == 0, result.stderr
    data = json_of(*args)

    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == [
        "About",
        "Force options",
        "Coalition",
        "Nations",
        "Capabilities",
        "Pledges",
        "Sensitivity",
    ]
    options = sheet_rows(book_path, "Force options")
    assert [r["force option"] for r in options] == list(data["requirements"])
    for row in options:
        odds = data["requirements"][row["force option"]]
        assert row["P(met) [0-1]"] == odds["p_met"]
        assert row["P(met) stderr [0-1]"] == same(odds["stderr"])
        assert row["expected personnel fill [0-1]"] == same(odds["expected_personnel_fill"])
        assert row["personnel fill p50 [0-1]"] == same(odds["personnel_fill"]["p50"])
        # no headline size in this workspace: empty cells, not NaN or text
        assert row["headline size [persons]"] is None
        assert row["P(headcount) [0-1]"] is None

    coalition = {
        r["statistic"]: r["personnel [persons]"] for r in sheet_rows(book_path, "Coalition")
    }
    assert coalition == same(data["personnel"])
    for row in sheet_rows(book_path, "Nations"):
        assert row["personnel mean [persons]"] == same(data["by_nation"][row["nation"]]["mean"])
    sensitivity = sheet_rows(book_path, "Sensitivity")
    assert [r["condition"] for r in sensitivity] == list(data["sensitivity"])
    top = sensitivity[0]
    assert top["personnel swing [persons]"] == same(
        data["sensitivity"][top["condition"]]["swing_personnel"]
    )
    assert top["P(met) swing, Option B [-1 to 1]"] == same(
        data["sensitivity"][top["condition"]]["swing_p_met"]["opt-b"]
    )
    pledges = sheet_rows(book_path, "Pledges")
    gbr = next(r for r in pledges if r["pledge"] == "gbr-bde")
    assert gbr["pledge name"] == "United Kingdom: brigade x 1"
    assert gbr["P(active) [0-1]"] == same(data["pledges"]["gbr-bde"]["p_active"])

    info = about(book_path)
    assert info["command"] == "forcegen montecarlo"
    assert info["scenario"] == "every condition free"
    assert (info["seed"], info["draws"]) == ("3", "2,000")

    table = pd.read_csv(csv_path)
    assert list(table["force option"]) == list(data["requirements"])
    assert list(table["P(met) [0-1]"]) == [o["p_met"] for o in data["requirements"].values()]


def test_exact_montecarlo_says_so_in_about(tmp_path: Path) -> None:
    path = tmp_path / "mc.xlsx"
    assert cli("montecarlo", str(SMALL), "--exact", "-s", "cf", "--xlsx", str(path)).code == 0
    info = about(path)
    assert info["draws"] == "exact enumeration of the free conditions"
    assert "seed" not in info
    assert info["scenario"] == "Ceasefire only (cf)"


# -- sustain --------------------------------------------------------------------------


def test_sustain_csv_and_workbook_match_the_json(tmp_path: Path) -> None:
    csv_path, book_path = tmp_path / "s.csv", tmp_path / "s.xlsx"
    result = cli("sustain", "--months", "24", "--csv", str(csv_path), "--xlsx", str(book_path))
    assert result.code == 0, result.stderr
    assert result.stdout.endswith(f"wrote {csv_path}\nwrote {book_path}\n")
    data = json_of("sustain", "--months", "24")

    table = pd.read_csv(csv_path)
    assert list(table.columns[:4]) == [
        "nation",
        "nation name",
        "pledged [persons]",
        "peak load [persons]",
    ]
    assert list(table["nation"]) == list(data["nations"])
    failing = 0
    for _, row in table.iterrows():
        nation = data["nations"][row["nation"]]
        assert row["pledged [persons]"] == nation["pledged"]
        assert row["ceiling [persons]"] == nation["ceiling"]
        assert bool(row["sustainable"]) is nation["sustainable"]
        if nation["fails_at_month"] is None:
            assert math.isnan(row["fails at month [months]"])
        else:
            failing += 1
            assert row["fails at month [months]"] == nation["fails_at_month"]
    assert failing > 0  # the built-in dataset has nations that cannot hold their pledge
    assert table.loc[table["nation"] == "GBR", "nation name"].item() == "United Kingdom"

    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["About", "Nations", "Strength by month", "Load by month"]
    strength = sheet_rows(book_path, "Strength by month")
    assert [r["month [months]"] for r in strength] == list(range(1, 25))
    assert [r["coalition [persons]"] for r in strength] == data["coalition"]["deployed"]
    load = sheet_rows(book_path, "Load by month")
    assert [r["United Kingdom [persons]"] for r in load] == data["nations"]["GBR"]["load"]
    nations = sheet_rows(book_path, "Nations")
    for row in nations:  # an empty cell where the nation never fails
        assert row["fails at month [months]"] == data["nations"][row["nation"]]["fails_at_month"]
    info = about(book_path)
    assert info["command"] == "forcegen sustain"
    assert info["scenario"] == "every pledge that is not withdrawn (no scenario)"
    assert info["months"] == "24"


# -- openpyxl optional ----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["run", "no-such-workspace"],
        ["montecarlo", "no-such-workspace"],
        ["sustain", "no-such-workspace"],
    ],
    ids=["run", "montecarlo", "sustain"],
)
def test_xlsx_without_openpyxl_fails_at_once_with_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl -> ImportError
    # checked before anything else: the missing workspace is never read
    result = cli(*command, "--xlsx", str(tmp_path / "out.xlsx"), "--csv", str(tmp_path / "o.csv"))
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == INSTALL_LINE
    assert files(tmp_path) == []


def test_xlsx_check_comes_before_the_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the work started")

    monkeypatch.setattr(forcegen, "monte_carlo", no_work)
    result = cli("montecarlo", str(SMALL), "--xlsx", str(tmp_path / "o.xlsx"))
    assert (result.code, result.stderr) == (2, INSTALL_LINE)


def test_csv_needs_no_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = tmp_path / "s.csv"
    assert cli("sustain", str(SMALL), "--csv", str(path)).code == 0
    assert list(pd.read_csv(path)["nation"]) == ["GBR", "FRA", "DEU", "EST"]


# -- paths and atomicity --------------------------------------------------------------


def test_bad_paths_are_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the work started")

    monkeypatch.setattr(forcegen, "sustainment", no_work)
    missing = tmp_path / "nowhere" / "s.xlsx"
    result = cli("sustain", str(SMALL), "--xlsx", str(missing))
    assert result.code == 2
    assert result.stderr == (
        f"error: cannot write {missing}: the folder {missing.parent} does not exist\n"
    )
    (tmp_path / "folder.csv").mkdir()
    result = cli("sustain", str(SMALL), "--csv", str(tmp_path / "folder.csv"))
    assert result.code == 2 and "it is a folder" in result.stderr


def test_csv_and_xlsx_given_the_same_path_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "same"
    result = cli("run", str(SMALL), "--csv", str(path), "--xlsx", str(path))
    assert result.code == 2
    assert "two outputs are given the same path" in result.stderr
    assert files(tmp_path) == []


def test_a_failing_workbook_leaves_no_csv_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "run.csv").write_text("the user's table\n", encoding="utf-8")

    def full_disk(self: object, filename: object) -> None:
        Path(str(filename)).write_bytes(b"half a workbook")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(openpyxl.Workbook, "save", full_disk)
    csv_path, book_path = tmp_path / "run.csv", tmp_path / "run.xlsx"
    result = cli("run", str(SMALL), "--csv", str(csv_path), "--xlsx", str(book_path))
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: cannot write {book_path}: No space left on device\n"
    assert files(tmp_path) == ["run.csv"]  # no workbook, no temporary file
    assert csv_path.read_text(encoding="utf-8") == "the user's table\n"  # not replaced


def test_a_failing_chart_leaves_no_workbook_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    def full_disk(self: Figure, fname: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Figure, "savefig", full_disk)
    result = cli(
        "montecarlo",
        str(SMALL),
        "--draws",
        "500",
        "--xlsx",
        str(tmp_path / "mc.xlsx"),
        "--csv",
        str(tmp_path / "mc.csv"),
        "--plot",
        str(tmp_path / "charts"),
    )
    assert result.code == 2
    assert files(tmp_path) == []


# -- the writers ----------------------------------------------------------------------


def test_write_xlsx_stores_numbers_as_numbers_and_missing_values_as_empty(
    tmp_path: Path,
) -> None:
    frame = pd.DataFrame(
        {
            "name": ["a long name here", "b"],
            "count [units]": np.array([1_234_567, 2], dtype="int64"),
            "share [0-1]": [0.25, float("nan")],
            "flag": [True, False],
            "month [months]": pd.array([3, None], dtype="Int64"),
        }
    ).set_index("name")
    path = forcegen.write_xlsx({"T": frame}, tmp_path / "t.xlsx", about=[("command", "x")])
    sheet = openpyxl.load_workbook(path)["T"]
    assert [c.value for c in sheet[1]] == [
        "name",
        "count [units]",
        "share [0-1]",
        "flag",
        "month [months]",
    ]  # the named index is the first column
    assert [c.value for c in sheet[2]] == ["a long name here", 1_234_567, 0.25, True, 3]
    assert [c.value for c in sheet[3]] == ["b", 2, None, False, None]
    assert sheet["B2"].data_type == "n" and sheet["B2"].number_format == "#,##0"
    assert sheet["C2"].number_format == "#,##0.0###"
    assert sheet["D2"].data_type == "b"
    # fitted: the longest of header and values, plus a margin of 2
    assert sheet.column_dimensions["A"].width == len("a long name here") + 2
    assert sheet.column_dimensions["B"].width == len("count [units]") + 2
    assert files(tmp_path) == ["t.xlsx"]


@pytest.mark.parametrize("name", ["About", "a/b", "x" * 32, ""])
def test_write_xlsx_refuses_sheet_names_excel_refuses(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="sheet name"):
        forcegen.write_xlsx({name: pd.DataFrame({"a": [1]})}, tmp_path / "t.xlsx")
    assert files(tmp_path) == []


# -- source, sweep, deploy: workbooks -------------------------------------------------


def test_source_workbook_matches_the_json(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    args = ("source", str(SMALL), "-r", "opt-a", "-s", "cf", "--dependence-on", "GBR")
    assert cli(*args, "--xlsx", str(path)).code == 0
    data = json_of(*args)
    assert openpyxl.load_workbook(path).sheetnames == ["About", "Lines"]
    rows = sheet_rows(path, "Lines")
    assert [r["filled [units]"] for r in rows] == [line["filled"] for line in data["lines"]]
    assert [r["lost without United Kingdom [units]"] for r in rows] == [
        d["fill_lost"] for d in data["us_dependence"]
    ]
    assert rows[0]["capability name"] == "Brigade"
    info = about(path)
    assert info["requirement"] == "Option A (opt-a)"
    assert info["dependence on"] == "United Kingdom (GBR)"
    assert info["scenario"] == "Ceasefire only (cf)"


def test_sweep_workbook_matches_the_json(tmp_path: Path) -> None:
    path = tmp_path / "sw.xlsx"
    args = ("sweep", str(SMALL), "--vary", "consent=0,1", "--serial", "-n", "500", "--seed", "2")
    assert cli(*args, "--xlsx", str(path)).code == 0
    data = json_of(*args)
    rows = sheet_rows(path, "Sweep")
    assert [r["P(consent) [0-1]"] for r in rows] == [0, 1]
    assert [r["P(met), Option B [0-1]"] for r in rows] == [
        same(row["p_met:opt-b"]) for row in data["rows"]
    ]
    assert [r["personnel mean [persons]"] for r in rows] == [
        same(row["personnel_mean"]) for row in data["rows"]
    ]
    info = about(path)
    assert (info["varied: consent"], info["seed"], info["draws per point"]) == ("0, 1", "2", "500")


def test_deploy_workbook_matches_the_json(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    assert cli("deploy", "-s", "ceasefire-only", "--xlsx", str(path)).code == 0
    data = json_of("deploy", "-s", "ceasefire-only")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "About",
        "Units",
        "Destinations",
        "Bottlenecks",
        "Utilisation",
        "In place by day",
    ]
    units = sheet_rows(path, "Units")
    assert len(units) == len(data["units"])
    by_unit = {u["unit"]: u for u in data["units"]}
    for row in units:
        assert row["closure day [day]"] == by_unit[row["unit"]]["closure_day"]
        assert row["personnel [persons]"] == by_unit[row["unit"]]["personnel"]
    assert {r["unit"] for r in sheet_rows(path, "Utilisation")} <= {"persons", "short tons"}
