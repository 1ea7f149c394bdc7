"""Schema versions: which revision a ledger is at, refusing the ones this forcegen cannot
read, and upgrading to the newest (Alembic, run in-process on the migrations shipped in
this package; no ``alembic.ini``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from forcegen.io.ledger.connection import WRITE, shown_url
from forcegen.io.ledger.errors import LedgerError
from forcegen.io.ledger.schema import ENTRIES, HEAD, SCHEMA_REVISIONS, VERSION_TABLE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
"""The Alembic script folder (env.py, versions/)."""

_INIT_LOCK = 0x666F7263656C6467
"""PostgreSQL advisory lock key held while migrating ("forceldg"): two ``init`` at
once run one after the other."""


@dataclass(frozen=True)
class SchemaUpgrade:
    """What ``forcegen ledger init`` did: the revision before (None: a new ledger) and after."""

    url: str
    before: str | None
    after: str

    @property
    def created(self) -> bool:
        """True when the ledger's tables were created."""
        return self.before is None

    def describe(self) -> str:
        """One line for the command line."""
        if self.before is None:
            return f"created the ledger {self.url} (schema {self.after})"
        if self.before == self.after:
            return f"the ledger {self.url} is up to date (schema {self.after})"
        return f"upgraded the ledger {self.url} from schema {self.before} to {self.after}"


def schema_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision the database is at (None when it has no ledger tables)."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").all()
    return str(rows[0][0]) if rows else None


def newer_schema(url: str, revision: str) -> LedgerError:
    """The refusal of a database written by a newer forcegen."""
    return LedgerError(
        f"the ledger {shown_url(url)} was written by a newer forcegen: its schema is at "
        f"revision {revision}, which this forcegen does not know (it reads schema "
        f"{HEAD}; known: {', '.join(SCHEMA_REVISIONS)}). Upgrade forcegen to use it; "
        "nothing was changed"
    )


def check_schema(connection: sa.Connection, url: str) -> None:
    """Refuse a database this forcegen cannot read: no ledger in it, an older schema
    (run ``forcegen ledger init URL`` to upgrade it) or a newer one."""
    revision = schema_revision(connection)
    if revision == HEAD:
        return
    init = f"`forcegen ledger init {shown_url(url)}`"
    if revision is None:
        if sa.inspect(connection).has_table(ENTRIES):
            raise LedgerError(
                f"{shown_url(url)} has a {ENTRIES} table but no schema version "
                f"({VERSION_TABLE}); it was not made by forcegen ledger init"
            )
        raise LedgerError(f"{shown_url(url)} holds no ledger yet: create it with {init}")
    if revision in SCHEMA_REVISIONS:
        raise LedgerError(
            f"the ledger {shown_url(url)} is at schema revision {revision}; this forcegen "
            f"needs {HEAD}: upgrade it with {init} (every entry is kept)"
        )
    raise newer_schema(url, revision)


def upgrade(engine: sa.Engine, url: str, target: str = "head") -> SchemaUpgrade:
    """Create the ledger's tables, or upgrade them to ``target`` (default the newest),
    in one transaction: all the migrations or none. A newer schema is refused."""
    from alembic import command
    from alembic.config import Config

    with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_INIT_LOCK})")
        before = schema_revision(connection)
        if before is not None and before not in SCHEMA_REVISIONS:
            raise newer_schema(url, before)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("path_separator", "os")
        config.attributes["connection"] = connection
        command.upgrade(config, target)
        after = schema_revision(connection)
    assert after is not None
    return SchemaUpgrade(shown_url(url), before, after)


__all__ = ["MIGRATIONS", "SchemaUpgrade", "check_schema", "schema_revision", "upgrade"]
