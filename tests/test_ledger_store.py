"""The pledge ledger on SQLite and PostgreSQL: import, the force as of a date, record,
log, corrections and --known-at, validation that writes nothing, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import forcegen
import helpers.ledger as fixtures
from helpers.ledger import FORCE_AS_OF, write_history

fixtures.require_extra()

# the fixtures: a new ledger URL on SQLite and on PostgreSQL (helpers/ledger.py)
ledger_url = fixtures.ledger_url
postgres_url = fixtures.postgres_url


def personnel(ws: forcegen.Workspace) -> dict[str, int]:
    """Personnel of the force in each scenario [persons]."""
    return {sid: round(sum(r.by_nation.values())) for sid, r in forcegen.evaluate_all(ws).items()}


def new_ledger(url: str) -> forcegen.Ledger:
    forcegen.init_ledger(url)
    return forcegen.open_ledger(url)


@pytest.mark.parametrize("as_of", [None, "2025-04-30", "2025-09-30", "2026-01-31"])
def test_the_builtin_dataset_imported_gives_the_same_force(
    ledger_url: str, as_of: str | None
) -> None:
    with new_ledger(ledger_url) as ledger:
        result = ledger.import_workspace("mnf-ukraine", author="test")
        assert ledger.count() == len(result.ids) > 100
    day = forcegen.parse_as_of(as_of)
    from_ledger = forcegen.ledger_workspace(ledger_url, as_of=day)
    from_yaml = forcegen.load_builtin(as_of=day)
    assert from_ledger.counts() == from_yaml.counts()
    assert personnel(from_ledger) == personnel(from_yaml)
    assert list(from_ledger.pledges) == list(from_yaml.pledges)
    assert from_ledger.as_of == day


def test_the_snapshot_is_the_workspace_as_given(ledger_url: str) -> None:
    from forcegen.io.loader import read_workspace_data

    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace("mnf-ukraine", author="test")
        assert ledger.snapshot().data == read_workspace_data(forcegen.builtin_path()).data


def test_a_history_gives_the_force_as_of_each_date(ledger_url: str, tmp_path: Path) -> None:
    path = write_history(tmp_path)
    with new_ledger(ledger_url) as ledger:
        result = ledger.import_workspace(path, author="test")
    # 3 capabilities/conditions + 3 nations + 2 statements + 3 pledges + 3 revisions
    # + 2 options + 2 scenarios + 2 events
    assert dict(result.kinds) == {
        "document": 1 + 2 + 3 + 2,
        "statement": 2,
        "pledge": 3,
        "revision": 3,
        "option": 2,
        "event": 2,
    }
    for day, force in FORCE_AS_OF.items():
        ws = forcegen.ledger_workspace(ledger_url, as_of=forcegen.parse_as_of(day))
        assert personnel(ws)["cf"] == force, day
        assert personnel(ws) == personnel(forcegen.open_workspace(path, as_of=day))


def test_importing_again_records_nothing_new_and_a_change_as_a_correction(
    ledger_url: str, tmp_path: Path
) -> None:
    path = write_history(tmp_path)
    with new_ledger(ledger_url) as ledger:
        first = ledger.import_workspace(path, author="test")
        again = ledger.import_workspace(path, author="test")
        assert again.ids == () and again.unchanged == len(first.ids)
        path.write_text(
            path.read_text().replace(
                "quantity: 2, requires: ceasefire", "quantity: 4, requires: ceasefire"
            ),
            encoding="utf-8",
        )
        changed = ledger.import_workspace(path, author="test")
        assert len(changed.ids) == 1 and changed.corrections == 1
        (entry,) = [e for e in ledger.log() if e.id == changed.ids[0]]
        old = [e for e in ledger.log(pledge="deu-coy") if e.id != entry.id]
        assert entry.corrects == old[0].id and entry.body["quantity"] == 4
    # the force now has DEU's 4 companies: 10,000 + 5,000 + 600 as of 2025-10-01
    ws = forcegen.ledger_workspace(ledger_url, as_of=dt.date(2025, 10, 1))
    assert personnel(ws)["cf"] == 15_600


def test_record_log_correction_and_known_at(ledger_url: str, tmp_path: Path) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        first = ledger.record(
            {
                "pledge": "fra-bde",
                "date": "2026-02-01",
                "quantity": 3,
                "sources": ["https://e.org/a"],
            },
            author="alice",
        )
        (wrong,) = first.ids
        fix = ledger.record(
            {
                "pledge": "fra-bde",
                "date": "2026-02-01",
                "quantity": 2,
                "sources": ["https://e.org/b"],
                "summary": "3 was a typo",
                "corrects": wrong,
            },
            author="bob",
        )
        (right,) = fix.ids
        log = ledger.log(pledge="fra-bde")
        imported = max(e.recorded_at for e in ledger.entries() if e.batch == log[0].batch)
    assert [e.kind for e in log] == ["pledge", "revision", "revision", "revision"]
    assert [e.id for e in log][-2:] == [wrong, right]
    assert log[-1].corrects == wrong and log[-1].author == "bob"
    assert log[-2].valid_from == dt.date(2026, 2, 1) and log[-2].source == "https://e.org/a"
    assert log[-2].recorded_at < log[-1].recorded_at
    believed_then = log[-2].recorded_at  # after the wrong entry, before its correction
    day = dt.date(2026, 3, 1)

    def fra(known_at: object) -> float:
        ws = forcegen.ledger_workspace(ledger_url, as_of=day, known_at=known_at)  # type: ignore[arg-type]
        return ws.pledges["fra-bde"].quantity

    assert fra(believed_then) == 3  # what we believed then about the force as of March
    assert fra(None) == 2  # what we believe now
    assert fra(log[-1].recorded_at) == 2
    assert fra(imported) == 1  # before either revision was recorded
    # the force as of a date before the revision is the same whatever we knew
    before = forcegen.ledger_workspace(
        ledger_url, as_of=dt.date(2026, 1, 31), known_at=believed_then
    )
    assert before.pledges["fra-bde"].quantity == 1
    # a known_at before anything was recorded: nothing to build
    with pytest.raises(forcegen.LedgerError, match=r"held no entries at 2000-01-01T23:59:59\.999Z"):
        forcegen.ledger_workspace(ledger_url, known_at="2000-01-01")


def test_an_import_is_seen_whole_or_not_at_all(ledger_url: str, tmp_path: Path) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        stored = ledger.entries()
        last = max(e.recorded_at for e in stored)
        assert len({e.batch for e in stored}) == 1
        assert len(ledger.entries(known_at=last)) == len(stored)
        # a moment before its last row: none of it (on PostgreSQL each row has its own time)
        assert ledger.entries(known_at=last - dt.timedelta(microseconds=1)) == []
        assert ledger.entries(known_at=min(e.recorded_at for e in stored)) in ([], stored)


def test_a_retraction_takes_an_entry_out(ledger_url: str, tmp_path: Path) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        (wrong,) = ledger.record(
            {
                "pledge": "gbr-bde",
                "date": "2025-06-01",
                "status": "withdrawn",
                "basis": "assumption",
            },
            author="alice",
        ).ids
        out = ledger.record(
            {"pledge": "gbr-bde", "corrects": wrong, "retract": True},
            author="alice",
            source="https://e.org/no-withdrawal",
        )
        (entry,) = [e for e in ledger.log() if e.id == out.ids[0]]
    assert (
        entry.body is None
        and entry.corrects == wrong
        and entry.source == "https://e.org/no-withdrawal"
    )
    ws = forcegen.ledger_workspace(ledger_url, as_of=dt.date(2025, 7, 1))
    assert ws.pledges["gbr-bde"].status.value == "stated"
    assert ws.pledges["gbr-bde"].quantity == 2


def test_a_correction_of_a_correction_and_a_retracted_pledge(
    ledger_url: str, tmp_path: Path
) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        revision = {"pledge": "deu-coy", "date": "2025-12-01", "basis": "assumption"}
        (first,) = ledger.record({**revision, "quantity": 5}, author="a").ids
        (second,) = ledger.record({**revision, "quantity": 6, "corrects": first}, author="b").ids
        (third,) = ledger.record({**revision, "quantity": 4, "corrects": second}, author="c").ids
        moments = {e.id: e.recorded_at for e in ledger.entries()}
        made = next(e for e in ledger.log(pledge="fra-bde") if e.kind == "pledge")
        with pytest.raises(forcegen.WorkspaceError, match="a retraction takes an entry out"):
            ledger.record({"corrects": made.id, "retract": True, "quantity": 1}, author="d")
        (gone,) = ledger.record(
            {"corrects": made.id, "retract": True, "summary": "never pledged"},
            author="d",
            source="https://e.org/never",
        ).ids
        (retraction,) = [e for e in ledger.log(pledge="fra-bde") if e.id == gone]
    assert (retraction.kind, retraction.record_id, retraction.nation) == (
        "pledge",
        "fra-bde",
        "FRA",
    )
    day = dt.date(2025, 12, 15)

    def deu(moment: dt.datetime) -> float:
        return (
            forcegen.ledger_workspace(ledger_url, as_of=day, known_at=moment)
            .pledges["deu-coy"]
            .quantity
        )

    assert [deu(moments[i]) for i in (first, second, third)] == [5, 6, 4]
    now = forcegen.ledger_workspace(ledger_url, as_of=day)
    assert "fra-bde" not in now.pledges and personnel(now)["cf"] == 10_000 + 600
    before = forcegen.ledger_workspace(ledger_url, as_of=day, known_at=moments[third])
    assert "fra-bde" in before.pledges


def test_a_statement_and_new_records_from_a_snippet(ledger_url: str, tmp_path: Path) -> None:
    snippet = tmp_path / "statement.yaml"
    snippet.write_text(
        "nation: FRA\ndate: 2025-08-01\nstance: troops\nsummary: Ready to lead.\n"
        "sources: [https://e.org/fra]\n",
        encoding="utf-8",
    )
    records = tmp_path / "records.yaml"
    records.write_text(
        "events:\n  - {id: kiel, date: 2025-08-02, label: Kiel tracker, sources: [https://e.org/k]}\n"
        "pledges:\n  - {id: fra-coy, nation: FRA, capability: coy, quantity: 3, date: 2025-08-03,\n"
        "     sources: [https://e.org/c]}\n",
        encoding="utf-8",
    )
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        statement = ledger.record_file(snippet, author="carol")
        added = ledger.record_file(records, author="carol")
        assert dict(statement.kinds) == {"statement": 1}
        assert dict(added.kinds) == {"event": 1, "pledge": 1}
        assert [e.kind for e in ledger.log(nation="FRA")][-2:] == ["statement", "pledge"]
    ws = forcegen.ledger_workspace(ledger_url, as_of=dt.date(2025, 8, 5))
    assert ws.nations["FRA"].latest_stance().value == "troops"  # type: ignore[union-attr]
    assert "kiel" in ws.events and personnel(ws)["cf"] == 10_000 + 450


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-01-06", "2026-01-06T23:59:59.999999+00:00"),
        ("2026-01-06T09:30", "2026-01-06T09:30:59.999999+00:00"),
        ("2026-01-06T09:30:05Z", "2026-01-06T09:30:05.999999+00:00"),
        ("2026-01-06 09:30:05.609", "2026-01-06T09:30:05.609999+00:00"),
        ("2026-01-06T09:30:05.609123", "2026-01-06T09:30:05.609123+00:00"),
        ("2026-01-06T10:30:05.5+01:00", "2026-01-06T09:30:05.599999+00:00"),
    ],
)
def test_known_at_is_the_end_of_what_it_gives(text: str, moment: str) -> None:
    known = forcegen.parse_known_at(text)
    assert known is not None and known.isoformat() == moment


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026-W02", "20260106"])
def test_known_at_that_is_not_a_moment_is_refused(text: str) -> None:
    with pytest.raises(forcegen.WorkspaceError) as caught:
        forcegen.parse_known_at(text)
    (issue,) = caught.value.issues
    assert issue.file == "--known-at" and "is not a date or a date-time" in issue.message


# -- validation: refused with the workspace's messages, nothing written ----------------


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"quantity": -1}, "quantity: invalid value; found -1; expected greater than 0"),
        ({"zones": ["atlantis"]}, "atlantis"),
        ({"requires": "ceasefire and consent"}, "consent"),
        ({"status": "promised"}, "status"),
        ({"date": "2025-02-30"}, "'2025-02-30' is not a calendar date"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_a_revision_that_does_not_validate_writes_nothing(
    ledger_url: str, tmp_path: Path, request_: dict[str, object], message: str
) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        before = ledger.count()
        request = {"pledge": "gbr-bde", "date": "2025-05-05", "basis": "assumption", **request_}
        with pytest.raises(forcegen.WorkspaceError) as caught:
            ledger.record(request, author="alice", where="ledger record --pledge gbr-bde")
        assert ledger.count() == before
    text = str(caught.value)
    assert message in text
    assert all(i.file == "ledger record --pledge gbr-bde" for i in caught.value.issues)


def test_the_same_revision_in_a_workspace_gives_the_same_message(tmp_path: Path) -> None:
    from helpers.ledger import sqlite_url

    url = sqlite_url(tmp_path)
    with new_ledger(url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        with pytest.raises(forcegen.WorkspaceError) as from_ledger:
            ledger.record(
                {"pledge": "gbr-bde", "date": "2025-05-05", "quantity": -1, "basis": "assumption"},
                author="a",
            )
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (tmp_path / "history.yaml")
        .read_text()
        .replace("quantity: 1, status: earmarked", "quantity: -1, status: earmarked"),
        encoding="utf-8",
    )
    with pytest.raises(forcegen.WorkspaceError) as from_yaml:
        forcegen.open_workspace(broken)
    (a,), (b,) = from_ledger.value.issues, from_yaml.value.issues
    assert (a.message, a.found, a.expected) == (b.message, b.found, b.expected)
    assert a.path == ("quantity",) and b.path[-1] == "quantity"


def test_unknown_pledge_missing_source_and_bad_corrections_are_refused(
    ledger_url: str, tmp_path: Path
) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        statement = next(e for e in ledger.log(nation="DEU") if e.kind == "statement")
        before = ledger.count()
        cases = [
            (
                {"pledge": "gbr-bdx", "date": "2025-05-05", "basis": "assumption"},
                "no pledge 'gbr-bdx' in the ledger",
            ),
            ({"pledge": "gbr-bde", "date": "2025-05-05", "quantity": 2}, "has no source"),
            (
                {
                    "pledge": "gbr-bde",
                    "date": "2025-05-05",
                    "basis": "assumption",
                    "corrects": 99999,
                },
                "no ledger entry 99999",
            ),
            (
                {
                    "pledge": "gbr-bde",
                    "date": "2025-05-05",
                    "basis": "assumption",
                    "corrects": statement.id,
                },
                "statement of DEU",
            ),
            ({"pledge": "gbr-bde", "retract": True}, "corrects: ENTRY_ID"),
            (
                {
                    "nation": "ITA",
                    "date": "2025-05-05",
                    "stance": "no_troops",
                    "summary": "No.",
                    "sources": ["x"],
                },
                "no nation 'ITA'",
            ),
        ]
        for request, message in cases:
            with pytest.raises(forcegen.WorkspaceError, match=message):
                ledger.record(request, author="alice")
        with pytest.raises(forcegen.ForcegenError, match="author"):
            ledger.record(
                {"pledge": "gbr-bde", "date": "2025-05-05", "basis": "assumption"}, author=" "
            )
        assert ledger.count() == before


def test_a_snippet_problem_names_its_file_and_line(ledger_url: str, tmp_path: Path) -> None:
    snippet = tmp_path / "rev.yaml"
    snippet.write_text(
        "pledge: gbr-bde\ndate: 2025-05-05\nsources: [https://e.org/x]\nreadiness_days: -3\n",
        encoding="utf-8",
    )
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        before = ledger.count()
        with pytest.raises(forcegen.WorkspaceError) as caught:
            ledger.record_file(snippet, author="alice")
        assert ledger.count() == before
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.path) == (str(snippet), 4, ("readiness_days",))


def test_an_import_that_does_not_validate_writes_nothing(ledger_url: str, tmp_path: Path) -> None:
    path = write_history(tmp_path)
    path.write_text(
        path.read_text().replace("capability: coy", "capability: cavalry"), encoding="utf-8"
    )
    with new_ledger(ledger_url) as ledger:
        with pytest.raises(forcegen.WorkspaceError) as caught:
            ledger.import_workspace(path, author="test")
        assert ledger.count() == 0
    assert caught.value.issues[0].file == str(path) and caught.value.issues[0].line is not None
    assert "cavalry" in str(caught.value)


def test_a_stored_entry_that_no_longer_validates_is_named(ledger_url: str, tmp_path: Path) -> None:
    from helpers.ledger import execute

    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
    # written past the validation, straight into the table (inserts are allowed)
    execute(
        ledger_url,
        "INSERT INTO ledger_entries (batch, kind, section, record_id, nation, author, summary, "
        "body) VALUES ('raw', 'revision', 'pledges', 'gbr-bde', 'GBR', 'mallory', '', "
        '\'{"date": "2025-05-05", "quantity": -4}\')',
    )
    with forcegen.open_ledger(ledger_url) as ledger:
        bad = ledger.log()[-1].id
    with pytest.raises(forcegen.WorkspaceError) as caught:
        forcegen.ledger_workspace(ledger_url)
    (issue,) = caught.value.issues
    assert issue.file == f"ledger entry {bad} (revision of pledge gbr-bde)"
    assert issue.path == ("quantity",) and "greater than 0" in str(issue.expected)


def test_overrides_apply_to_a_ledger_workspace(ledger_url: str, tmp_path: Path) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
    overrides = forcegen.parse_overrides(["pledges.gbr-bde.quantity=3"])
    ws = forcegen.ledger_workspace(ledger_url, overrides, as_of=dt.date(2026, 2, 1))
    assert ws.pledges["gbr-bde"].quantity == 3  # held at every date: the revisions stop changing it
    assert ws.overrides == ("pledges.gbr-bde.quantity=3",)
    with pytest.raises(forcegen.WorkspaceError) as caught:
        forcegen.ledger_workspace(
            ledger_url, forcegen.parse_overrides(["pledges.gbr-bde.quantity=-3"])
        )
    assert caught.value.issues[0].file == "--set #1"


# -- export ------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2025-05-01", "2025-10-01", "2026-02-01"])
def test_export_loads_and_gives_the_same_force(ledger_url: str, tmp_path: Path, as_of: str) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        day = forcegen.parse_as_of(as_of)
        assert day is not None
        written = ledger.export(tmp_path / "out", day)
    assert all(p.parent == tmp_path / "out" for p in written)
    exported = forcegen.open_workspace(tmp_path / "out")
    exported_dated = forcegen.open_workspace(tmp_path / "out", as_of=as_of)
    from_ledger = forcegen.ledger_workspace(ledger_url, as_of=day)
    assert personnel(exported) == personnel(from_ledger) == personnel(exported_dated)
    assert personnel(exported)["cf"] == FORCE_AS_OF[as_of]
    assert list(exported.requirements) == list(from_ledger.requirements)
    assert list(exported.events) == list(from_ledger.events)
    assert all(s.date <= day for n in exported.nations.values() for s in n.statements)


def test_export_of_the_builtin_dataset_loads(ledger_url: str, tmp_path: Path) -> None:
    with new_ledger(ledger_url) as ledger:
        ledger.import_workspace("mnf-ukraine", author="importer")
        ledger.export(tmp_path / "out", dt.date(2026, 1, 31))
    exported = forcegen.open_workspace(tmp_path / "out")
    assert personnel(exported) == personnel(forcegen.load_builtin(as_of=dt.date(2026, 1, 31)))


def test_export_as_known_at_and_refusals(tmp_path: Path) -> None:
    from helpers.ledger import sqlite_url

    url = sqlite_url(tmp_path)
    with new_ledger(url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        imported = ledger.log()[-1].recorded_at
        ledger.record(
            {"pledge": "gbr-bde", "date": "2026-02-01", "quantity": 3, "basis": "assumption"},
            author="a",
        )
        ledger.export(tmp_path / "then", dt.date(2026, 3, 1), imported)
        ledger.export(tmp_path / "now", dt.date(2026, 3, 1))
        (tmp_path / "busy").mkdir()
        (tmp_path / "busy" / "notes.txt").write_text("mine")
        with pytest.raises(forcegen.ForcegenError, match="not empty"):
            ledger.export(tmp_path / "busy", dt.date(2026, 3, 1))
        (tmp_path / "busy" / "old.yaml").write_text("zones: []\n")
        with pytest.raises(forcegen.ForcegenError, match=r"old\.yaml"):
            ledger.export(tmp_path / "busy", dt.date(2026, 3, 1), force=True)
        assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt", "old.yaml"]
    assert personnel(forcegen.open_workspace(tmp_path / "then"))["cf"] == 10_300
    assert personnel(forcegen.open_workspace(tmp_path / "now"))["cf"] == 20_300
    header = (tmp_path / "then" / "pledges.yaml").read_text().splitlines()[:2]
    assert (
        header[0].startswith("# Exported from the forcegen ledger")
        and "as recorded at or before" in header[1]
    )


def test_text_that_reads_as_a_number_is_quoted_in_an_export() -> None:
    from forcegen.io.ledger.export import to_yaml
    from forcegen.io.yaml_source import read_yaml

    data = {"a": ["1e5", "true", "null", "", "12", "2025-01-01", "yes", "x\ny"], "b": 1e20}
    assert read_yaml(to_yaml(data), "x.yaml").data == data
