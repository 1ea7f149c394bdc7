"""The ledger's tables (SQLAlchemy Core), as the newest migration leaves them.

One table, ``ledger_entries``, append-only: every pledge as first made, every pledge
revision, every nation statement, every force option, every event and every other
workspace record (a "document") is one row, never updated and never deleted (triggers
refuse both, see ``migrations/versions/0002_corrections_append_only.py``). A correction
is a new row whose ``corrects`` names the row it replaces.

Two times per row: ``valid_from``, the date the entry holds from (a pledge's ``date``, a
revision's or statement's ``date``, a force option's ``floated``, an event's ``date``;
NULL for undated records), and ``recorded_at``, set by the database when the row is
inserted (UTC; SQLite: text ``YYYY-MM-DDTHH:MM:SS.fff``, millisecond resolution;
PostgreSQL: ``timestamptz`` from ``clock_timestamp()``).

Rows written by one transaction (an import, one ``ledger record``) share a ``batch``;
a batch is seen at a moment K only when all of its rows were recorded by K, so that an
import is never seen in part.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002")
"""The Alembic revisions this forcegen knows, oldest first; the last is the one it needs.
(A test checks that the migrations folder holds exactly these.)"""

HEAD = SCHEMA_REVISIONS[-1]
"""The schema revision this forcegen reads and writes."""

VERSION_TABLE = "forcegen_ledger_version"
"""Alembic's version table (its own name, so that the ledger can share a PostgreSQL
database with other applications' migrations)."""

ENTRIES = "ledger_entries"

SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%f','now')"
"""SQLite's current UTC time as stored: ISO 8601 with milliseconds, no zone."""

_SQLITE_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


class RecordedAt(TypeDecorator[dt.datetime]):
    """The moment a row was recorded, as an aware UTC datetime: ``timestamptz`` on
    PostgreSQL, ISO text on SQLite (which compares as text, in time order)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(32))
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        assert isinstance(value, dt.datetime)
        # microseconds: '...12:00:00.500' <= '...12:00:00.500000' as text, as in time
        return value.astimezone(dt.UTC).strftime(_SQLITE_FORMAT)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


Body = sa.JSON(none_as_null=True)
"""A record as given (the plain data read from YAML), or NULL for a retraction. JSON, not
JSONB, on PostgreSQL: the text is kept as written, keys in their order."""

metadata = sa.MetaData()

entries = sa.Table(
    ENTRIES,
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("batch", sa.String(32), nullable=False, comment="Rows written together."),
    sa.Column("kind", sa.String(16), nullable=False, comment="pledge, revision, statement, ..."),
    sa.Column("section", sa.String(32), nullable=False, comment="Workspace section."),
    sa.Column("record_id", sa.String(200), nullable=False, comment="Id of the record."),
    sa.Column("nation", sa.String(3), nullable=True, comment="ISO 3166 alpha-3, if any."),
    sa.Column("valid_from", sa.Date(), nullable=True, comment="Date the entry holds from."),
    sa.Column("recorded_at", RecordedAt(), nullable=False, comment="Set by the database."),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("source", sa.Text(), nullable=True, comment="First source, or 'assumption'."),
    sa.Column("summary", sa.Text(), nullable=False, server_default=""),
    sa.Column("body", Body, nullable=True),
    sa.Column(
        "corrects",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.ForeignKey(f"{ENTRIES}.id"),
        nullable=True,
        comment="The entry this one replaces (a correction).",
    ),
)
"""Every entry of the ledger, in recorded order (``id``)."""


__all__ = ["ENTRIES", "HEAD", "SCHEMA_REVISIONS", "VERSION_TABLE", "entries", "metadata"]
