"""Ledger tests: a database per test (an SQLite file, or a PostgreSQL schema of its own),
and a small workspace with a history whose force as of each date is computed by hand.

PostgreSQL: the server named by ``FORCEGEN_TEST_POSTGRES_URL``
(``postgresql+psycopg://postgres@127.0.0.1:5432/test`` on the project's machines). When
it is unset or no server answers, the PostgreSQL tests are skipped with the reason,
unless ``FORCEGEN_REQUIRE_POSTGRES=1`` (``.ci/run``): then they fail. Each test gets a
schema of its own (``search_path`` in the URL), dropped afterwards, so that tests run
in parallel (``pytest -n 2``).
"""

from __future__ import annotations

import os
import textwrap
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

POSTGRES_VARIABLE = "FORCEGEN_TEST_POSTGRES_URL"
REQUIRE_VARIABLE = "FORCEGEN_REQUIRE_POSTGRES"

HISTORY = textwrap.dedent(
    """
    conditions:
      - {id: ceasefire, description: A ceasefire holds., probability: 0.5, basis: assumption}
    capabilities:
      - {id: bde, name: Brigade, domain: land, personnel: 5000, basis: assumption}
      - {id: coy, name: Company, domain: land, personnel: 150, basis: assumption}
    nations:
      - {id: GBR, name: United Kingdom, active_personnel: 141330, land_personnel: 75320,
         basis: assumption}
      - {id: FRA, name: France, active_personnel: 264000, land_personnel: 120000,
         basis: assumption}
      - id: DEU
        name: Germany
        active_personnel: 184324
        land_personnel: 62000
        basis: assumption
        statements:
          - {date: 2025-03-01, stance: no_troops, summary: Not now., sources: [https://example.org/deu-1]}
          - {date: 2025-09-01, stance: conditional, summary: With a US backstop., sources: [https://example.org/deu-2]}
    pledges:
      - id: gbr-bde
        nation: GBR
        capability: bde
        quantity: 1
        requires: ceasefire
        date: 2025-03-02
        sources: [https://example.org/gbr-1]
        revisions:
          - {date: 2025-04-29, quantity: 2, summary: "Up to 10,000.", sources: [https://example.org/gbr-2]}
          - {date: 2026-01-06, quantity: 1, status: earmarked, sources: [https://example.org/gbr-3]}
      - id: fra-bde
        nation: FRA
        capability: bde
        quantity: 1
        requires: ceasefire
        date: 2025-09-04
        sources: [https://example.org/fra-1]
        revisions:
          - {date: 2026-01-06, status: earmarked, sources: [https://example.org/fra-2]}
      - {id: deu-coy, nation: DEU, capability: coy, quantity: 2, requires: ceasefire,
         date: 2025-09-10, sources: [https://example.org/deu-3]}
    requirements:
      - id: opt-64k
        name: The 64,000 option
        floated: 2025-04-29
        dropped: 2025-09-01
        basis: assumption
        lines: [{capability: bde, quantity: 12}]
      - id: opt-10k
        name: The 10,000 option
        floated: 2026-01-06
        basis: assumption
        lines: [{capability: bde, quantity: 2}]
    scenarios:
      - {id: none, name: Nothing holds}
      - {id: cf, name: Ceasefire, assume: {ceasefire: true}}
    events:
      - {id: london, date: 2025-03-02, label: London summit, kind: summit, sources: [https://example.org/london]}
      - {id: paris, date: 2026-01-06, label: Paris Declaration, kind: declaration, sources: [https://example.org/paris]}
    """
)
"""A workspace with a history. The force in scenario ``cf`` [persons], by hand:
before 2025-03-02 nothing; from 2025-03-02 5,000 (GBR 1 brigade); from 2025-04-29
10,000 (GBR 2); from 2025-09-04 15,000 (+FRA 1 brigade); from 2025-09-10 15,300 (+DEU 2
companies of 150); from 2026-01-06 10,300 (GBR back to 1)."""

FORCE_AS_OF = {
    "2025-03-31": 5_000,
    "2025-05-01": 10_000,
    "2025-09-05": 15_000,
    "2025-10-01": 15_300,
    "2026-02-01": 10_300,
    None: 10_300,
}
"""The force in scenario ``cf`` as of each date (None: every revision) [persons]."""


def require_extra() -> None:
    """Skip the calling test module when the ``ledger`` extra is missing; fail instead
    under ``FORCEGEN_REQUIRE_POSTGRES=1`` (CI: the ledger tests must run there)."""
    try:
        import alembic  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        why = f"the ledger extra is not installed ({exc}): pip install 'forcegen[ledger]'"
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{REQUIRE_VARIABLE}=1 but {why}", pytrace=False)
        pytest.skip(why, allow_module_level=True)


def write_history(folder: Path) -> Path:
    """The history workspace as one YAML file in ``folder``."""
    path = folder / "history.yaml"
    path.write_text(HISTORY.lstrip("\n"), encoding="utf-8")
    return path


def sqlite_url(folder: Path, name: str = "ledger.db") -> str:
    """The URL of an SQLite ledger file in ``folder``."""
    return f"sqlite:///{folder / name}"


@cache
def postgres_base() -> tuple[str | None, str]:
    """The PostgreSQL URL to test on, or None and why not."""
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        return (
            None,
            f"{POSTGRES_VARIABLE} is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)",
        )
    try:
        import psycopg
        import sqlalchemy as sa

        parsed = sa.make_url(url)
        with psycopg.connect(
            host=parsed.host or "localhost",
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
            connect_timeout=5,
        ):
            pass
    except Exception as exc:  # no driver, no server, refused: say so
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"no PostgreSQL server at {POSTGRES_VARIABLE}={url}: {first}"
    return url, ""


def require_postgres() -> str:
    """The PostgreSQL URL, or skip (fail under FORCEGEN_REQUIRE_POSTGRES=1) with the reason."""
    url, why = postgres_base()
    if url is None:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{REQUIRE_VARIABLE}=1 but {why}")
        pytest.skip(why)
    return url


def _psycopg_args(url: str) -> dict[str, object]:
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    return {
        "host": parsed.host or "localhost",
        "port": parsed.port or 5432,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": parsed.database,
        "autocommit": True,
    }


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A ledger URL on the test server in a schema of its own (dropped afterwards)."""
    import psycopg
    import sqlalchemy as sa

    base = require_postgres()
    schema = f"forcegen_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**_psycopg_args(base)) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**_psycopg_args(base)) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for a new ledger, on SQLite and on PostgreSQL (not yet initialised)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return str(request.getfixturevalue("postgres_url"))


def execute(url: str, sql: str) -> None:
    """Run one raw SQL statement on the ledger's database, committed."""
    import sqlalchemy as sa

    engine = sa.create_engine(_driver(url))
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(sql)
    finally:
        engine.dispose()


def scalar(url: str, sql: str) -> object:
    """The first value of a raw SQL query."""
    import sqlalchemy as sa

    engine = sa.create_engine(_driver(url))
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(sql).scalar()
    finally:
        engine.dispose()


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


__all__ = [
    "FORCE_AS_OF",
    "HISTORY",
    "execute",
    "ledger_url",
    "postgres_url",
    "require_extra",
    "require_postgres",
    "scalar",
    "sqlite_url",
    "write_history",
]
