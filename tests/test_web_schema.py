"""schemathesis over /api/openapi.json against the app in this process: requests built
from the schema (valid and not) never get a 5xx. Bounded: a few examples per operation,
and the web's caps on draws and disruptions lowered for the run, so that no example
computes for seconds (the caps' own 422 is tested in test_web_api)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from forcegen.web import WebSettings, api, create_app
from helpers.data import SMALL

EXAMPLES = 10
"""Examples per operation."""

SLOW = "/api/sensitivity"
"""On the small workspace: one set of variants takes 6 to 15 s on the built-in data."""

APP = create_app(WebSettings(as_of="2025-04-01"))
"""The built-in dataset as of 1 April 2025 (10 pledges made): the same code paths, the
``as_of`` key in every document, and deploy and supply of every pledge in about a second
instead of 3 and 9."""
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP).exclude(path=SLOW)
small = schemathesis.openapi.from_asgi(
    "/api/openapi.json", create_app(WebSettings(workspace=str(SMALL)))
).include(path=SLOW)


@pytest.fixture(autouse=True)
def small_caps(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(api, "WEB_MAX_DRAWS", 2_000)
    monkeypatch.setattr(api, "WEB_MAX_DISRUPTIONS", 1)
    yield


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@small.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_sensitivity_request_gets_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


def _ledger_app() -> Any:
    """A server on an SQLite ledger (the history workspace of helpers/ledger.py) with a
    token, so that revisions are fuzzed past the token into the ledger's own checks;
    None without the ledger extra."""
    try:
        import alembic  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        return None
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    import forcegen
    from helpers.ledger import sqlite_url, write_history

    folder = Path(tempfile.mkdtemp(prefix="forcegen-schema-"))
    atexit.register(shutil.rmtree, folder, True)
    url = sqlite_url(folder)
    forcegen.init_ledger(url)
    with forcegen.open_ledger(url) as store:
        store.import_workspace(write_history(folder), author="importer")
    return create_app(WebSettings(ledger=url, token="s3cret"))


LEDGER_APP = _ledger_app()
ledger = schemathesis.openapi.from_asgi("/api/openapi.json", LEDGER_APP or create_app()).include(
    path="/api/ledger/revisions"
)


@ledger.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_ledger_revision_gets_a_server_error(case: schemathesis.Case) -> None:
    if LEDGER_APP is None:
        pytest.skip("the ledger extra is not installed: pip install 'forcegen[ledger]'")
    case.call_and_validate(headers={"Authorization": "Bearer s3cret"}, checks=[not_a_server_error])
