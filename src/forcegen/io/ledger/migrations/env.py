"""Alembic environment of the ledger: runs on the connection that
:func:`forcegen.io.ledger.migrate.upgrade` hands over in ``config.attributes``, or
(when Alembic's own command line is used) on ``sqlalchemy.url``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from forcegen.io.ledger.schema import VERSION_TABLE, metadata

config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Upgrade (or downgrade) on the connection given, or on ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as own:
        _run(own)
    engine.dispose()


if context.is_offline_mode():  # pragma: no cover - SQL scripts are not offered
    raise SystemExit("the forcegen ledger migrations run online only")
run_migrations_online()
