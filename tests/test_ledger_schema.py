"""The ledger's schema on SQLite and PostgreSQL: append-only enforced by the database
itself, migrations from an empty database and from the previous schema version, a
newer schema refused, and the extra missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import forcegen
import helpers.ledger as fixtures
from helpers.ledger import execute, scalar, write_history

fixtures.require_extra()
from sqlalchemy import exc  # noqa: E402

# the fixtures: a new ledger URL on SQLite and on PostgreSQL (helpers/ledger.py)
ledger_url = fixtures.ledger_url
postgres_url = fixtures.postgres_url


def imported(url: str, tmp_path: Path) -> int:
    """A new ledger holding the history workspace; its entry count."""
    forcegen.init_ledger(url)
    with forcegen.open_ledger(url) as ledger:
        ledger.import_workspace(write_history(tmp_path), author="importer")
        return ledger.count()


# -- append-only ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entries SET author = 'mallory'",
        "UPDATE ledger_entries SET body = NULL WHERE kind = 'revision'",
        "DELETE FROM ledger_entries",
        "DELETE FROM ledger_entries WHERE id = 1",
    ],
)
def test_entries_cannot_be_changed_or_deleted_in_the_database(
    ledger_url: str, tmp_path: Path, sql: str
) -> None:
    count = imported(ledger_url, tmp_path)
    authors = scalar(ledger_url, "SELECT count(*) FROM ledger_entries WHERE author = 'importer'")
    with pytest.raises(exc.DatabaseError, match="ledger entries are append-only"):
        execute(ledger_url, sql)
    assert scalar(ledger_url, "SELECT count(*) FROM ledger_entries") == count
    assert (
        scalar(ledger_url, "SELECT count(*) FROM ledger_entries WHERE author = 'importer'")
        == authors
    )
    assert scalar(ledger_url, "SELECT count(*) FROM ledger_entries WHERE body IS NULL") == 0


def test_truncate_is_refused_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    count = imported(postgres_url, tmp_path)
    with pytest.raises(exc.DatabaseError, match="append-only: TRUNCATE refused"):
        execute(postgres_url, "TRUNCATE ledger_entries")
    assert scalar(postgres_url, "SELECT count(*) FROM ledger_entries") == count


def test_the_recorded_time_is_the_databases_own(ledger_url: str, tmp_path: Path) -> None:
    imported(ledger_url, tmp_path)
    insert = (
        "INSERT INTO ledger_entries (batch, kind, section, record_id, author, summary, "
        "recorded_at) VALUES ('b', 'document', 'zones', 'z', 'mallory', '', "
        "'2001-01-01T00:00:00.000')"
    )
    if ledger_url.startswith("sqlite"):
        with pytest.raises(exc.DatabaseError, match="recorded_at is set by the database"):
            execute(ledger_url, insert)
    else:  # the insert trigger puts the server's clock in its place
        execute(ledger_url, insert)
        year = scalar(
            ledger_url,
            "SELECT extract(year FROM recorded_at) FROM ledger_entries WHERE author = 'mallory'",
        )
        assert int(year) > 2001  # type: ignore[call-overload]


# -- migrations ------------------------------------------------------------------------


def test_the_known_revisions_are_the_migrations_shipped() -> None:
    from alembic.script import ScriptDirectory

    from forcegen.io.ledger.migrate import MIGRATIONS
    from forcegen.io.ledger.schema import HEAD, SCHEMA_REVISIONS

    script = ScriptDirectory(str(MIGRATIONS))
    chain = [r.revision for r in script.walk_revisions()][::-1]
    assert tuple(chain) == SCHEMA_REVISIONS and script.get_current_head() == HEAD


def test_init_creates_the_newest_schema_and_is_idempotent(ledger_url: str) -> None:
    created = forcegen.init_ledger(ledger_url)
    assert (created.before, created.after, created.created) == (None, "0002", True)
    again = forcegen.init_ledger(ledger_url)
    assert (again.before, again.after) == ("0002", "0002") and "up to date" in again.describe()
    with forcegen.open_ledger(ledger_url) as ledger:
        assert ledger.count() == 0 and ledger.entries() == []
    with pytest.raises(forcegen.LedgerError, match="holds no entries yet: record a workspace"):
        forcegen.ledger_workspace(ledger_url)


def test_upgrade_from_the_previous_schema_keeps_every_entry(
    ledger_url: str, tmp_path: Path
) -> None:
    from forcegen.io.ledger.connection import create_engine
    from forcegen.io.ledger.migrate import upgrade

    engine = create_engine(ledger_url, create=True)
    try:
        assert upgrade(engine, ledger_url, "0001").after == "0001"
    finally:
        engine.dispose()
    # entries written by the 0001 schema (no corrects column, no triggers)
    for n in range(3):
        execute(
            ledger_url,
            "INSERT INTO ledger_entries (batch, kind, section, record_id, author, summary, body) "
            f"VALUES ('old', 'document', 'zones', 'zone-{n}', 'early', '', "
            f'\'{{"id": "zone-{n}", "name": "Zone {n}"}}\')',
        )
    with pytest.raises(forcegen.LedgerError) as old:
        forcegen.open_ledger(ledger_url)
    assert "schema revision 0001" in str(old.value) and "needs 0002" in str(old.value)
    assert "forcegen ledger init" in str(old.value)
    done = forcegen.init_ledger(ledger_url)
    assert (done.before, done.after) == ("0001", "0002") and "upgraded" in done.describe()
    with forcegen.open_ledger(ledger_url) as ledger:
        kept = ledger.entries()
        assert [e.record_id for e in kept] == ["zone-0", "zone-1", "zone-2"]
        assert all(e.corrects is None and e.author == "early" for e in kept)
        assert ledger.snapshot().data == {
            "zones": [{"id": f"zone-{n}", "name": f"Zone {n}"} for n in range(3)]
        }
    with pytest.raises(exc.DatabaseError, match="append-only"):  # 0002's triggers hold now
        execute(ledger_url, "DELETE FROM ledger_entries")


def test_downgrade_to_the_previous_schema_and_back(ledger_url: str, tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from forcegen.io.ledger.connection import WRITE, create_engine
    from forcegen.io.ledger.migrate import MIGRATIONS

    count = imported(ledger_url, tmp_path)
    engine = create_engine(ledger_url)
    try:
        with (
            engine.connect().execution_options(**{WRITE: True}) as connection,
            connection.begin(),
        ):
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.set_main_option("path_separator", "os")
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
    finally:
        engine.dispose()
    execute(ledger_url, "UPDATE ledger_entries SET summary = summary")  # no triggers at 0001
    assert forcegen.init_ledger(ledger_url).after == "0002"
    with forcegen.open_ledger(ledger_url) as ledger:
        assert ledger.count() == count


def test_a_newer_schema_is_refused(ledger_url: str, tmp_path: Path) -> None:
    count = imported(ledger_url, tmp_path)
    execute(ledger_url, "UPDATE forcegen_ledger_version SET version_num = '0107'")
    for attempt in (forcegen.open_ledger, forcegen.init_ledger, forcegen.ledger_workspace):
        with pytest.raises(forcegen.LedgerError) as newer:
            attempt(ledger_url)
        text = str(newer.value)
        assert "written by a newer forcegen" in text and "0107" in text and "0002" in text
    assert scalar(ledger_url, "SELECT version_num FROM forcegen_ledger_version") == "0107"
    assert scalar(ledger_url, "SELECT count(*) FROM ledger_entries") == count


def test_a_database_without_a_ledger_is_refused(ledger_url: str, tmp_path: Path) -> None:
    if ledger_url.startswith("sqlite"):
        with pytest.raises(forcegen.LedgerError, match=r"no ledger at .*forcegen ledger init"):
            forcegen.open_ledger(ledger_url)
        assert not (tmp_path / "ledger.db").exists()  # opening did not create the file
        (tmp_path / "ledger.db").write_bytes(b"")
    with pytest.raises(forcegen.LedgerError, match="holds no ledger yet: create it with"):
        forcegen.open_ledger(ledger_url)


def test_urls_that_are_not_a_ledger_database_are_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database\n")
    for url, message in [
        (f"sqlite:///{tmp_path}/notes.db", "file is not a database"),
        ("mysql://u@h/db", "names a mysql database"),
        ("not a url", "cannot read the ledger URL"),
        ("postgresql+psycopg2://u@h/db", "driver psycopg2"),
        (f"sqlite:///{tmp_path}/no/such/folder/l.db", "no folder"),
    ]:
        with pytest.raises(forcegen.LedgerError, match=message):
            forcegen.init_ledger(url)


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(forcegen.LedgerError) as caught:
        forcegen.open_ledger(
            "postgresql+psycopg://nobody:secret@127.0.0.1:9/none?connect_timeout=2"
        )
    assert "ledger postgresql+psycopg://nobody:***@127.0.0.1:9/none" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_without_the_extra_the_message_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from helpers.cli import cli

    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(forcegen.LedgerError, match=r"pip install 'forcegen\[ledger\]'"):
        forcegen.open_ledger(f"sqlite:///{tmp_path}/l.db")
    for args in (
        ("ledger", "init", f"sqlite:///{tmp_path}/l.db"),
        ("run", "--ledger", f"sqlite:///{tmp_path}/l.db"),
    ):
        code, out, err = cli(*args)
        assert code == 2 and out == ""
        assert "needs sqlalchemy" in err and "pip install 'forcegen[ledger]'" in err
