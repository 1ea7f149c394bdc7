"""Opening a ledger database by URL: SQLite (a file, the default) or PostgreSQL.

SQLite: ``sqlite:///pledges.db`` (relative to the current folder) or
``sqlite:////abs/path.db``. The file is put in WAL mode (readers never wait for a
writer) and every connection waits up to :data:`SQLITE_BUSY_SECONDS` for a lock
(``busy_timeout``), so that writers at the same moment queue rather than fail. A write
transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock before it reads,
so that each writer validates against everything written before it.

PostgreSQL: ``postgresql+psycopg://user@host:5432/db`` (``postgresql://`` is read as
psycopg 3). Query parameters go to libpq, e.g. ``?options=-csearch_path%3Dteam`` for a
schema of one's own. A write transaction takes ``LOCK TABLE ledger_entries IN EXCLUSIVE
MODE`` first (readers go on reading), for the same reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc

from forcegen.io.ledger.errors import INSTALL_LEDGER, LedgerError
from forcegen.io.ledger.schema import ENTRIES

SQLITE_BUSY_SECONDS = 60.0
"""How long a connection waits for another writer's lock before giving up [s]."""

POSTGRES_CONNECT_SECONDS = 10
"""How long to wait for a PostgreSQL server to answer [s]."""

WRITE = "forcegen_ledger_write"
"""Execution option of a connection whose transactions write (see :func:`write_lock`)."""


def shown_url(url: str | sa.URL) -> str:
    """The URL as messages show it: the password hidden."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return str(url)


def parse_url(url: str) -> sa.URL:
    """The URL of a ledger (SQLite or PostgreSQL), or a :class:`LedgerError` saying
    what was expected."""
    expected = "sqlite:///FILE.db or postgresql+psycopg://USER@HOST:PORT/DATABASE"
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError:
        raise LedgerError(f"cannot read the ledger URL {url!r}; expected {expected}") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise LedgerError(
            f"the ledger URL {shown_url(parsed)} names a {backend} database; expected {expected}"
        )
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise LedgerError(
            f"the ledger URL {shown_url(parsed)} names the driver "
            f"{parsed.get_driver_name()}; expected postgresql+psycopg:// (psycopg 3)"
        )
    return parsed


def sqlite_path(url: sa.URL) -> str | None:
    """The file of an SQLite URL (None for an in-memory database)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def create_engine(url: str, *, create: bool = False) -> sa.Engine:
    """An engine on the ledger at ``url``. Without ``create``, a missing SQLite file is
    refused (connecting would create an empty one)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None and not create and not os.path.exists(path):
            raise LedgerError(
                f"no ledger at {path}: create one with `forcegen ledger init {shown_url(parsed)}`"
            )
        if path is not None and create:
            folder = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(folder):
                raise LedgerError(f"cannot create the ledger {path}: no folder {folder}")
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        _sqlite_events(engine)
        return engine
    query = dict(parsed.query)
    query.setdefault("connect_timeout", str(POSTGRES_CONNECT_SECONDS))
    try:
        return sa.create_engine(parsed.set(query=query), pool_pre_ping=True)
    except ImportError:
        raise LedgerError(
            f"a PostgreSQL ledger needs psycopg 3, which is not installed; install the "
            f"ledger extra: {INSTALL_LEDGER}"
        ) from None


def _sqlite_events(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling off: ours (below) says DEFERRED or IMMEDIATE
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and mode != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        writes = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def write_lock(connection: sa.Connection) -> None:
    """Inside a write transaction: wait for the other writers (PostgreSQL; on SQLite the
    ``BEGIN IMMEDIATE`` of the transaction did it)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"LOCK TABLE {ENTRIES} IN EXCLUSIVE MODE")


@contextmanager
def connect(engine: sa.Engine, url: str, **options: Any) -> Iterator[sa.Connection]:
    """A connection of ``engine`` with execution ``options``, closed at the end; a
    database error (the server unreachable, a lock that never came) becomes a
    :class:`LedgerError` naming the ledger."""
    try:
        connection = engine.connect()
    except exc.SQLAlchemyError as error:
        raise database_error(url, error) from None
    try:
        if options:
            connection = connection.execution_options(**options)
        yield connection
    except exc.SQLAlchemyError as error:
        raise database_error(url, error) from None
    finally:
        connection.close()


def database_error(url: str, error: exc.DBAPIError | exc.SQLAlchemyError) -> LedgerError:
    """A database error as a :class:`LedgerError` that names the ledger and keeps the
    database's own first line."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__
    return LedgerError(f"ledger {shown_url(url)}: {text}")


__all__ = [
    "SQLITE_BUSY_SECONDS",
    "WRITE",
    "connect",
    "create_engine",
    "database_error",
    "parse_url",
    "shown_url",
    "sqlite_path",
    "write_lock",
]
