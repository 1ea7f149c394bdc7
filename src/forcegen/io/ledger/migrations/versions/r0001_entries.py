"""The entries table: every pledge, revision, statement, force option, event and other
record of a workspace, one row each, with the date it holds from and the moment the
database recorded it.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite: INTEGER PRIMARY KEY (the rowid), ISO text with milliseconds, UTC;
    # PostgreSQL: BIGINT identity, timestamptz from clock_timestamp()
    identity: sa.types.TypeEngine[int] = sa.Integer() if sqlite else sa.BigInteger()
    recorded: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    now = sa.text("(strftime('%Y-%m-%dT%H:%M:%f','now'))" if sqlite else "clock_timestamp()")
    op.create_table(
        "ledger_entries",
        sa.Column("id", identity, primary_key=True, autoincrement=True),
        sa.Column("batch", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("section", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("nation", sa.String(3), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("recorded_at", recorded, nullable=False, server_default=now),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("body", sa.JSON(), nullable=True),
    )
    # a record's entries in valid-time order: the latest on or before a date is one seek
    op.create_index(
        "ix_ledger_entries_record",
        "ledger_entries",
        ["section", "record_id", "valid_from", "id"],
    )
    op.create_index("ix_ledger_entries_kind", "ledger_entries", ["kind", "valid_from"])
    op.create_index("ix_ledger_entries_nation", "ledger_entries", ["nation"])
    op.create_index("ix_ledger_entries_batch", "ledger_entries", ["batch", "recorded_at"])


def downgrade() -> None:
    op.drop_table("ledger_entries")
