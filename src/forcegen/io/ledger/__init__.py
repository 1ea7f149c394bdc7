"""The pledge ledger: every pledge revision, statement, force option and event in a
database (SQLite file or PostgreSQL), append-only, with the date each holds from and the
moment it was recorded (docs/ledger.md).

Modules: :mod:`.schema` (tables), ``migrations/`` (Alembic), :mod:`.migrate` (schema
versions), :mod:`.connection` (URLs, SQLite WAL and locks), :mod:`.entries` (what an
entry holds), :mod:`.queries` (what is read and written), :mod:`.snapshot` (entries ->
workspace data), :mod:`.record` (what a write adds, checked), :mod:`.validation` (a
write validated as a workspace is), :mod:`.store` (:class:`Ledger`), :mod:`.export` (a
folder of YAML), :mod:`.times` (``--known-at``).

This module imports no SQLAlchemy: without the ``ledger`` extra, the functions below
say how to install it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from forcegen.io.ledger.entries import LedgerEntry
from forcegen.io.ledger.errors import INSTALL_LEDGER, LedgerError, require_extra
from forcegen.io.ledger.times import parse_known_at

if TYPE_CHECKING:
    from forcegen.io.ledger.migrate import SchemaUpgrade
    from forcegen.io.ledger.store import Ledger, RecordResult
    from forcegen.io.overrides import Override
    from forcegen.model.workspace import Workspace

DEFAULT_LEDGER_URL = "sqlite:///forcegen-ledger.db"
"""The ledger of ``forcegen ledger init`` without a URL: a file in the current folder."""


def open_ledger(url: str) -> Ledger:
    """Open the ledger at ``url`` (``sqlite:///FILE.db`` or
    ``postgresql+psycopg://USER@HOST/DB``); close it after use (a context manager).
    Refuses a database without a ledger, or with an older schema (upgrade it with
    :func:`init_ledger`) or a newer one."""
    require_extra()
    from forcegen.io.ledger.store import Ledger

    return Ledger.from_url(url)


def init_ledger(url: str = DEFAULT_LEDGER_URL) -> SchemaUpgrade:
    """Create the ledger at ``url``, or upgrade its schema to the newest this forcegen
    knows (every entry kept); a schema newer than this forcegen's is refused."""
    require_extra()
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from forcegen.io.ledger.connection import create_engine, database_error
    from forcegen.io.ledger.migrate import upgrade

    engine = create_engine(url, create=True)
    try:
        return upgrade(engine, url)
    except SQLAlchemyError as error:  # not a database, the server unreachable, ...
        raise database_error(url, error) from None
    except CommandError as error:  # pragma: no cover - the migrations are ours
        raise LedgerError(f"cannot migrate the ledger: {error}") from None
    finally:
        engine.dispose()


def ledger_workspace(
    url: str,
    overrides: Sequence[Override] = (),
    as_of: dt.date | None = None,
    known_at: dt.datetime | dt.date | str | None = None,
) -> Workspace:
    """The workspace the ledger at ``url`` held at ``known_at`` (now when None: a date is
    the end of that day, UTC), the force as of ``as_of``, with ``--set`` overrides: what
    every command reads with ``--ledger URL``. A problem names the ledger entry it is
    in."""
    with open_ledger(url) as ledger:
        return ledger.workspace(overrides, as_of, known_at)


def __getattr__(name: str) -> object:
    # the classes that need SQLAlchemy, on first use
    if name in ("Ledger", "RecordResult"):
        require_extra()
        from forcegen.io.ledger import store

        return getattr(store, name)
    if name == "SchemaUpgrade":
        require_extra()
        from forcegen.io.ledger import migrate

        return migrate.SchemaUpgrade
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_LEDGER_URL",
    "INSTALL_LEDGER",
    "Ledger",
    "LedgerEntry",
    "LedgerError",
    "RecordResult",
    "SchemaUpgrade",
    "init_ledger",
    "ledger_workspace",
    "open_ledger",
    "parse_known_at",
]
