"""Dated pledge revisions and the force as of a date (docs/history.md), computed by hand
on a copy of the small workspace with a history added."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.helpers.cli import cli
from tests.helpers.data import SMALL

import forcegen
from forcegen import PledgeStatus, WorkspaceError, build_workspace, pledge_as_of

D = dt.date


def small() -> dict[str, Any]:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def with_history() -> dict[str, Any]:
    """The small workspace as a story:

    - gbr-bde first made 2025-03-02 as 2 brigades 'stated' (10,000); 2025-06-01 earmarked;
      2026-01-06 cut to 1 brigade (5,000), a source for the new quantity.
    - fra-bde made 2025-04-01; deployed on 2026-02-01.
    - deu-bde made 2025-09-04; withdrawn 2025-12-15; back (stated) 2026-03-01.
    - est-coy undated: counted at every date. gbr-ftr made 2026-01-06.
    - opt-a floated 2025-03-01, dropped 2025-05-01; opt-b floated 2026-01-06.
    """
    data = small()
    pledges = {p["id"]: p for p in data["pledges"]}
    pledges["gbr-bde"].update(
        date="2025-03-02",
        quantity=2,
        status="stated",
        revisions=[
            # out of date order on purpose: applied by date
            {"date": "2026-01-06", "quantity": 1, "sources": ["https://example.org/cut"]},
            {"date": "2025-06-01", "status": "earmarked", "summary": "units named"},
        ],
    )
    pledges["fra-bde"].update(
        date="2025-04-01", revisions=[{"date": "2026-02-01", "status": "deployed"}]
    )
    pledges["deu-bde"].update(
        date="2025-09-04",
        revisions=[
            {"date": "2025-12-15", "status": "withdrawn"},
            {"date": "2026-03-01", "status": "stated"},
        ],
    )
    pledges["gbr-ftr"]["date"] = "2026-01-06"
    requirements = {r["id"]: r for r in data["requirements"]}
    requirements["opt-a"].update(floated="2025-03-01", dropped="2025-05-01")
    requirements["opt-b"]["floated"] = "2026-01-06"
    return data


def personnel(ws: forcegen.Workspace, status: PledgeStatus | None = None) -> int:
    return sum(
        ws.pledge_personnel(pid)
        for pid, p in ws.pledges.items()
        if p.status is not PledgeStatus.WITHDRAWN and (status is None or p.status is status)
    )


@pytest.mark.parametrize(
    ("day", "pledges", "stated", "earmarked", "deployed", "options"),
    [
        # est-coy (2 x 150 = 300, undated) is there at every date; fra-old is withdrawn
        (D(2025, 3, 1), {"est-coy", "fra-old"}, 300, 0, 0, {"opt-a"}),
        # gbr-bde 2 x 5,000 stated
        (D(2025, 3, 2), {"est-coy", "fra-old", "gbr-bde"}, 10_300, 0, 0, {"opt-a"}),
        # + fra-bde 5,000 stated; opt-a dropped is still a yardstick (floated before)
        (D(2025, 5, 1), {"est-coy", "fra-old", "gbr-bde", "fra-bde"}, 15_300, 0, 0, {"opt-a"}),
        # gbr-bde earmarked (10,000)
        (D(2025, 6, 1), {"est-coy", "fra-old", "gbr-bde", "fra-bde"}, 5_300, 10_000, 0, {"opt-a"}),
        # deu-bde made (5,000 stated)
        (
            D(2025, 9, 4),
            {"est-coy", "fra-old", "gbr-bde", "fra-bde", "deu-bde"},
            10_300,
            10_000,
            0,
            {"opt-a"},
        ),
        # deu-bde withdrawn; gbr-bde cut to 5,000; gbr-ftr 300 stated; opt-b floated
        (
            D(2026, 1, 6),
            {"est-coy", "fra-old", "gbr-bde", "fra-bde", "deu-bde", "gbr-ftr"},
            5_600,
            5_000,
            0,
            {"opt-a", "opt-b"},
        ),
        # fra-bde deployed
        (
            D(2026, 2, 1),
            {"est-coy", "fra-old", "gbr-bde", "fra-bde", "deu-bde", "gbr-ftr"},
            600,
            5_000,
            5_000,
            {"opt-a", "opt-b"},
        ),
    ],
)
def test_the_force_as_of_a_date(
    day: dt.date,
    pledges: set[str],
    stated: int,
    earmarked: int,
    deployed: int,
    options: set[str],
) -> None:
    ws = build_workspace(with_history(), "t", as_of=day)
    assert ws.as_of == day
    assert set(ws.pledges) == pledges
    assert personnel(ws, PledgeStatus.STATED) == stated
    assert personnel(ws, PledgeStatus.EARMARKED) == earmarked
    assert personnel(ws, PledgeStatus.DEPLOYED) == deployed
    assert set(ws.requirements) == options
    # the history keeps every record, whatever the date
    assert len(ws.recorded().pledges) == 6
    assert len(ws.recorded().requirements) == 2


def test_without_a_date_every_revision_applies() -> None:
    ws = build_workspace(with_history(), "t")
    assert ws.as_of is None
    assert ws.pledges["gbr-bde"].quantity == 1
    assert ws.pledges["gbr-bde"].status is PledgeStatus.EARMARKED
    assert ws.pledges["deu-bde"].status is PledgeStatus.STATED
    assert ws.pledges["fra-bde"].status is PledgeStatus.DEPLOYED
    assert ws.pledges["gbr-bde"].revisions == ()  # the engines see the force, not history
    assert len(ws.recorded().pledges["gbr-bde"].revisions) == 2


def test_a_pledge_without_revisions_behaves_as_before_and_firm_reads_as_earmarked() -> None:
    data = small()
    data["pledges"][0]["status"] = "firm"
    ws = build_workspace(data, "t")
    plain = build_workspace(small(), "t")
    assert ws.pledges["gbr-bde"].status is PledgeStatus.EARMARKED
    assert ws.pledges["gbr-bde"].status.is_firm
    for sid in plain.scenarios:
        assert forcegen.evaluate(ws, sid).to_json() == forcegen.evaluate(plain, sid).to_json()


def test_pledge_as_of_agrees_with_the_workspace_at_every_date() -> None:
    data = with_history()
    recorded = build_workspace(data, "t").recorded()
    for day in recorded.dates():
        ws = build_workspace(data, "t", as_of=day)
        for pid, pledge in recorded.pledges.items():
            state = pledge_as_of(pledge, day)
            if state is None:
                assert pid not in ws.pledges
                continue
            got = ws.pledges[pid]
            assert (state.status, state.quantity, state.personnel, state.zones) == (
                got.status,
                got.quantity,
                got.personnel,
                got.zones,
            )


def test_same_date_revisions_apply_in_input_order() -> None:
    data = with_history()
    data["pledges"][0]["revisions"] = [
        {"date": "2025-06-01", "status": "earmarked"},
        {"date": "2025-06-01", "status": "withdrawn"},
    ]
    ws = build_workspace(data, "t", as_of=D(2025, 6, 1))
    assert ws.pledges["gbr-bde"].status is PledgeStatus.WITHDRAWN


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "ws.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def issue_at(exc: pytest.ExceptionInfo[WorkspaceError], path: tuple[Any, ...]) -> forcegen.Issue:
    found = [i for i in exc.value.issues if i.path == path]
    assert found, [i.render() for i in exc.value.issues]
    return found[0]


def test_a_bad_revision_is_reported_at_the_revision_with_file_and_line(tmp_path: Path) -> None:
    data = with_history()
    data["pledges"][0]["revisions"][1]["zones"] = ["nowhere"]
    data["pledges"][0]["revisions"][0]["quantity"] = -1
    data["pledges"][1]["revisions"][0]["requires"] = "ceasefire and"
    data["pledges"][2]["revisions"][0]["date"] = "2025-01-01"  # before the pledge was made
    path = write(tmp_path, data)
    with pytest.raises(WorkspaceError) as exc:
        forcegen.load_workspace(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    zone = issue_at(exc, ("pledges", 0, "revisions", 1, "zones", 0))
    assert "unknown zone 'nowhere'" in zone.message
    assert zone.file == str(path) and zone.line is not None
    assert "nowhere" in lines[zone.line - 1]
    quantity = issue_at(exc, ("pledges", 0, "revisions", 0, "quantity"))
    assert quantity.line is not None and "quantity: -1" in lines[quantity.line - 1]
    issue_at(exc, ("pledges", 1, "revisions", 0, "requires"))
    early = issue_at(exc, ("pledges", 2, "revisions", 0, "date"))
    assert "before the pledge was made (2025-09-04)" in early.message


def test_a_revision_checked_on_the_dated_force_names_the_revision() -> None:
    """A revision's quantity that makes the pledge too big is found on the force as of
    its date, and reported at the revision's quantity."""
    data = with_history()
    data["pledges"][0]["revisions"][0]["quantity"] = 2_000_000  # x 5,000 persons
    with pytest.raises(WorkspaceError) as exc:
        build_workspace(data, "t")
    paths = [i.path for i in exc.value.issues]
    assert ("pledges", 0, "revisions", 0, "quantity") in paths or any(
        p[:4] == ("pledges", 0, "revisions", 0) for p in paths
    ), paths


def test_provenance_moves_with_the_revised_figure() -> None:
    data = small()
    pledge = data["pledges"][0]
    pledge.pop("basis")
    pledge.update(
        date="2025-03-02",
        sources=["https://example.org/first"],  # covers every figure as first made
        revisions=[{"date": "2025-06-01", "quantity": 3}],  # no source, no label
    )
    ws = build_workspace(data, "t")
    unsourced = {w.path for w in ws.warnings if "no source" in w.message}
    assert ("pledges", 0, "revisions", 0, "quantity") in unsourced
    assert ("pledges", 0, "quantity") not in unsourced  # the first figure has its source
    pledge["revisions"][0]["sources"] = [{"url": "https://example.org/cut"}]
    ws = build_workspace(data, "t", as_of=D(2025, 7, 1))
    assert not any(w.path[:2] == ("pledges", 0) for w in ws.warnings if "no source" in w.message)
    sources = ws.pledges["gbr-bde"].sources
    # the first source covered the only figure given (quantity), which the revision took
    assert [s.fields for s in sources] == [(), ("quantity",)]


def test_an_override_holds_at_every_date(tmp_path: Path) -> None:
    path = write(tmp_path, with_history())
    for day in (D(2025, 4, 1), D(2026, 2, 1), None):
        ws = forcegen.open_workspace(path, ["pledges.gbr-bde.quantity=3"], day)
        assert ws.pledges["gbr-bde"].quantity == 3


def test_a_scenario_changing_a_pledge_not_yet_made_is_left_out_with_a_warning() -> None:
    data = with_history()
    data["scenarios"].append(
        {"id": "no-deu", "name": "Germany out", "extends": "full", "withdraw": ["deu-bde"]}
    )
    data["scenarios"].append({"id": "child", "name": "Child", "extends": "no-deu"})
    ws = build_workspace(data, "t", as_of=D(2025, 5, 1))
    assert "no-deu" not in ws.scenarios and "child" not in ws.scenarios
    notes = [w.message for w in ws.warnings if "left out" in w.message]
    assert any("'deu-bde', not yet made on 2025-05-01" in n for n in notes), notes
    assert any("extends scenario 'no-deu'" in n for n in notes), notes
    later = build_workspace(data, "t", as_of=D(2025, 10, 1))
    assert "no-deu" in later.scenarios
    assert later.variants["no-deu"].as_of == D(2025, 10, 1)


def test_statements_after_the_date_do_not_set_the_stance() -> None:
    data = with_history()
    data["nations"][2]["statements"] = [
        {
            "date": "2025-10-01",
            "stance": "no_troops",
            "summary": "No German troops.",
            "sources": ["https://example.org/deu"],
        }
    ]
    before = build_workspace(data, "t", as_of=D(2025, 9, 30))
    after = build_workspace(data, "t", as_of=D(2025, 10, 2))
    assert before.nations["DEU"].latest_stance() is None
    assert str(after.nations["DEU"].latest_stance()) == "no_troops"
    assert len(after.recorded().nations["DEU"].statements) == 1


def test_requirement_dropped_before_floated_is_refused() -> None:
    data = with_history()
    data["requirements"][0]["dropped"] = "2025-01-01"
    with pytest.raises(WorkspaceError) as exc:
        build_workspace(data, "t")
    assert any("dropped (2025-01-01) is before floated" in i.message for i in exc.value.issues)


# -- the command line -----------------------------------------------------------------


def test_run_as_of_says_the_date_in_the_report_and_json(tmp_path: Path) -> None:
    path = write(tmp_path, with_history())
    code, out, err = cli("run", str(path), "--as-of", "2025-05-01", "-s", "full", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["full"]["as_of"] == "2025-05-01"
    code, out, _ = cli("run", str(path), "--as-of", "2025-05-01", "-s", "full")
    assert code == 0
    assert "As of 01 May 2025: 4 of 6 pledges made by then" in " ".join(out.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "2025-13-01"), "--as-of: '2025-13-01' is not a calendar date"),
        (("--as-of", "last year"), "expected YYYY-MM-DD"),
        (("--known-at", "2025-01-01"), "--known-at: it reads a ledger's past"),
    ],
)
def test_bad_dates_exit_2_naming_the_option(args: tuple[str, ...], message: str) -> None:
    code, out, err = cli("run", str(SMALL), *args)
    assert code == 2
    assert out == ""
    assert message in " ".join(err.split()), err


def test_compare_items_as_of_dates(tmp_path: Path) -> None:
    path = write(tmp_path, with_history())
    code, out, err = cli(
        "compare", f"{path}@2025-05-01", f"{path}@2026-02-01", f"{path}#full@2026-02-01", "--json"
    )
    assert code == 0, err
    payload = json.loads(out)
    totals = payload["totals"]["personnel"] if "totals" in payload else None
    items = payload["items"]
    assert items == [f"{path}@2025-05-01", f"{path}@2026-02-01", f"{path}#full@2026-02-01"]
    # every pledge not withdrawn: 15,300 then 10,600; in 'full' (all conditions) 10,600
    text = json.dumps(payload)
    assert "15300" in text and "10600" in text, totals


def test_a_scenarios_added_pledge_stands_as_of_the_date() -> None:
    """A what-if adding a pledge first made in 2026 adds nothing in 2025, and its
    revisions apply by date as the file's own pledges do."""
    data = with_history()
    added = {
        "id": "fra-extra",
        "nation": "FRA",
        "capability": "bde",
        "quantity": 1,
        "date": "2026-01-01",
        "basis": "assumption",
        "revisions": [{"date": "2026-06-01", "quantity": 4}],
    }
    data["scenarios"].append({"id": "add", "name": "More French", "add_pledges": [added]})
    early = build_workspace(data, "t", as_of=D(2025, 6, 1))
    # nothing left to add: the scenario changes no force on that date
    assert "fra-extra" not in early.variants.get("add", early).pledges
    mid = build_workspace(data, "t", as_of=D(2026, 2, 1))
    assert mid.variants["add"].pledges["fra-extra"].quantity == 1
    late = build_workspace(data, "t", as_of=D(2026, 7, 1))
    assert late.variants["add"].pledges["fra-extra"].quantity == 4


def test_a_scenario_patching_an_option_not_yet_floated_is_left_out() -> None:
    data = with_history()
    data["scenarios"].append(
        {
            "id": "b2",
            "name": "Option B bigger",
            "patch": {"requirements.opt-b.lines.0.quantity": 2},
            "basis": "assumption",
        }
    )
    ws = build_workspace(data, "t", as_of=D(2025, 6, 1))
    assert "b2" not in ws.scenarios
    assert any("'b2' is left out as of 2025-06-01" in w.message for w in ws.warnings)
    assert "b2" in build_workspace(data, "t", as_of=D(2026, 2, 1)).scenarios
    with pytest.raises(WorkspaceError):  # without a date a bad patch is an error, as before
        data["scenarios"][-1]["patch"] = {"requirements.nope.lines.0.quantity": 2}
        build_workspace(data, "t")


def test_build_workspace_reads_a_text_date() -> None:
    ws = build_workspace(with_history(), "t", as_of="2025-05-01")  # type: ignore[arg-type]
    assert ws.as_of == D(2025, 5, 1)


def test_validate_json_with_a_bad_date_exits_2_without_a_traceback() -> None:
    code, out, err = cli("validate", str(SMALL), "--json", "--as-of", "2025-02-30")
    assert code == 2 and out == ""
    assert "--as-of: '2025-02-30' is not a calendar date" in err


def test_compare_reads_a_path_holding_an_at_sign(tmp_path: Path) -> None:
    folder = tmp_path / "team@home"
    folder.mkdir()
    path = write(folder, with_history())
    code, out, err = cli("compare", f"{path}#cf", f"{path}#full@2025-05-01", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["as_of_by_item"] == [None, "2025-05-01"]


def test_an_id_left_out_as_of_a_date_says_why() -> None:
    code, out, err = cli("run", "-s", "germany-lifts-caveat", "--as-of", "2025-03-01")
    assert code == 2 and out == ""
    text = " ".join(err.split())
    assert "scenario 'germany-lifts-caveat' is left out as of 2025-03-01: it changes pledge" in text
    code, out, err = cli("source", "-r", "force-10k", "--as-of", "2025-05-01")
    assert code == 2 and out == ""
    assert "'force-10k' was not yet floated on 2025-05-01 (floated 2026-02-22)" in err
    code, _, err = cli("source", "-r", "force-10kk", "--as-of", "2025-05-01")
    assert code == 2 and "unknown requirement 'force-10kk'" in err
