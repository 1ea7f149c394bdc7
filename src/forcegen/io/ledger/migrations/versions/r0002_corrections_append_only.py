"""Corrections and the append-only rule, both in the database.

``corrects``: a correction is a new entry naming the entry it replaces (a foreign key:
it must exist). Triggers refuse every UPDATE and DELETE of an entry (and TRUNCATE on
PostgreSQL), whoever sends it, and keep ``recorded_at`` the database's own: on
PostgreSQL the insert trigger sets it to ``clock_timestamp()``; on SQLite an insert that
gives another time is refused.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REFUSED = "ledger entries are append-only: {} refused (record a correction instead)"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, '{REFUSED.format("UPDATE")}'); END""",
    f"""CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, '{REFUSED.format("DELETE")}'); END""",
    """CREATE TRIGGER ledger_entries_recorded_now BEFORE INSERT ON ledger_entries
    WHEN NEW.recorded_at IS NOT strftime('%Y-%m-%dT%H:%M:%f','now')
    BEGIN SELECT RAISE(ABORT, 'ledger entries: recorded_at is set by the database'); END""",
)

POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION ledger_entries_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSED.format("%")}', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE FUNCTION ledger_entries_recorded_now() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.recorded_at := clock_timestamp();
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()""",
    """CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()""",
    """CREATE TRIGGER ledger_entries_recorded_now BEFORE INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_recorded_now()""",
)


def upgrade() -> None:
    triggers: tuple[str, ...]
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with a reference in place (no table rebuild)
        op.execute(
            "ALTER TABLE ledger_entries ADD COLUMN corrects INTEGER REFERENCES ledger_entries(id)"
        )
        triggers = SQLITE_TRIGGERS
    else:
        op.add_column("ledger_entries", sa.Column("corrects", sa.BigInteger(), nullable=True))
        op.create_foreign_key(
            "fk_ledger_entries_corrects", "ledger_entries", "ledger_entries", ["corrects"], ["id"]
        )
        triggers = POSTGRES_TRIGGERS
    op.create_index("ix_ledger_entries_corrects", "ledger_entries", ["corrects"])
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("no_update", "no_delete", "recorded_now"):
            op.execute(f"DROP TRIGGER ledger_entries_{name}")
        op.drop_index("ix_ledger_entries_corrects", "ledger_entries")
        with op.batch_alter_table("ledger_entries") as batch:  # a rebuild: it has a reference
            batch.drop_column("corrects")
        return
    for name in ("no_change", "no_truncate", "recorded_now"):
        op.execute(f"DROP TRIGGER ledger_entries_{name} ON ledger_entries")
    op.execute("DROP FUNCTION ledger_entries_append_only()")
    op.execute("DROP FUNCTION ledger_entries_recorded_now()")
    op.drop_index("ix_ledger_entries_corrects", "ledger_entries")
    op.drop_constraint("fk_ledger_entries_corrects", "ledger_entries", type_="foreignkey")
    op.drop_column("ledger_entries", "corrects")
