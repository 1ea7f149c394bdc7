"""The JSON API under /api/: each endpoint's document equals the CLI's ``--json`` for the
same parameters (one serializer), bad parameters get 422 with the CLI's message after
``error: ``, and a ledger revision posted with the token is recorded and served."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forcegen.web import WebSettings, create_app
from helpers.cli import cli
from helpers.data import SMALL


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The app on the built-in dataset, read-only."""
    with TestClient(create_app()) as c:
        yield c


def cli_json(*args: str) -> Any:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


CASES = [
    ("/api/run", {"scenario": "ceasefire-only"}, ["run", "-s", "ceasefire-only"]),
    (
        "/api/run",
        {"scenario": "ceasefire-only", "set": "nations.GBR.rotation_ratio=4"},
        ["run", "-s", "ceasefire-only", "--set", "nations.GBR.rotation_ratio=4"],
    ),
    ("/api/validate", {}, ["validate"]),
    (
        "/api/montecarlo",
        {"scenario": "ceasefire-only", "draws": 2000, "seed": 3},
        ["montecarlo", "-s", "ceasefire-only", "-n", "2000", "--seed", "3"],
    ),
    (
        "/api/source",
        {"requirement": "force-25k", "scenario": "ceasefire-only", "dependence_on": "GBR"},
        ["source", "-r", "force-25k", "-s", "ceasefire-only", "--dependence-on", "GBR"],
    ),
    (
        "/api/source",
        {"requirement": "force-25k", "scenario": "ceasefire-only", "reproducible": "true"},
        ["source", "-r", "force-25k", "-s", "ceasefire-only", "--reproducible"],
    ),
    (
        "/api/sustain",
        {"scenario": "ceasefire-only", "months": 12},
        ["sustain", "-s", "ceasefire-only", "--months", "12"],
    ),
    ("/api/deploy", {"scenario": "ceasefire-only"}, ["deploy", "-s", "ceasefire-only"]),
    (
        "/api/timeline",
        {"scenario": "ceasefire-only", "from": "2025-03-01", "to": "2026-01-31"},
        ["timeline", "-s", "ceasefire-only", "--from", "2025-03-01", "--to", "2026-01-31"],
    ),
    (
        "/api/compare",
        [("item", "ceasefire-only"), ("item", "ceasefire-us-backstop")],
        ["compare", "ceasefire-only", "ceasefire-us-backstop"],
    ),
    (
        "/api/posture",
        {"scenario": "ceasefire-us-backstop", "posture": "forward-hubs"},
        ["posture", "-s", "ceasefire-us-backstop", "--posture", "forward-hubs"],
    ),
    (
        "/api/posture/compare",
        {"scenario": "ceasefire-us-backstop"},
        ["posture", "--compare", "-s", "ceasefire-us-backstop"],
    ),
    (
        "/api/supply",
        [("scenario", "ceasefire-only"), ("cut", "przemysl:5")],
        ["supply", "-s", "ceasefire-only", "--cut", "przemysl:5"],
    ),
]


@pytest.mark.parametrize(
    ("path", "params", "args"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_endpoint_answers_as_the_cli_json(
    client: TestClient, path: str, params: Any, args: list[str]
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == cli_json(*args)


def test_overrides_are_in_the_document_and_change_the_answer(client: TestClient) -> None:
    plain = client.get("/api/run", params={"scenario": "ceasefire-only"}).json()
    changed = client.get(
        "/api/run",
        params={"scenario": "ceasefire-only", "set": "pledges.gbr-brigade-1.status=withdrawn"},
    ).json()
    assert "overrides" not in plain["ceasefire-only"]
    assert changed["ceasefire-only"]["overrides"] == ["pledges.gbr-brigade-1.status=withdrawn"]
    # the UK brigade withdrawn: a manoeuvre brigade is 5,000 (capabilities.yaml)
    assert plain["ceasefire-only"]["personnel"] - changed["ceasefire-only"]["personnel"] == 5_000


def test_sensitivity_answers_as_the_cli_json() -> None:
    # on the small workspace: the built-in one takes seconds per set of variants
    with TestClient(create_app(WebSettings(workspace=str(SMALL)))) as c:
        response = c.get(
            "/api/sensitivity", params={"scenario": "cf", "months": 12, "closure": "false"}
        )
    assert response.status_code == 200, response.text
    expected = cli_json("sensitivity", str(SMALL), "-s", "cf", "--months", "12", "--no-closure")
    assert response.json() == expected


ERRORS = [
    ("/api/run", {"scenario": "nope"}, ["run", "-s", "nope"]),
    ("/api/run", {"set": "foo"}, ["run", "--set", "foo"]),
    (
        "/api/run",
        {"set": "nations.XXX.rotation_ratio=4"},
        ["run", "--set", "nations.XXX.rotation_ratio=4"],
    ),
    ("/api/sustain", {"months": 0}, ["sustain", "--months", "0"]),
    ("/api/montecarlo", {"draws": 0}, ["montecarlo", "-n", "0"]),
    ("/api/deploy", {"disruptions": -1}, ["deploy", "--disruptions", "-1"]),
    ("/api/source", {"requirement": "nope"}, ["source", "-r", "nope"]),
    ("/api/compare", [("item", "ceasefire-only")], ["compare", "ceasefire-only"]),
    (
        "/api/compare",
        [("item", "ceasefire-only"), ("item", "nope")],
        ["compare", "ceasefire-only", "nope"],
    ),
    ("/api/supply", {"cut": "przemysl"}, ["supply", "--cut", "przemysl"]),
    (
        "/api/timeline",
        {"from": "2026-01-01", "to": "2025-01-01"},
        ["timeline", "--from", "2026-01-01", "--to", "2025-01-01"],
    ),
]


@pytest.mark.parametrize(("path", "params", "args"), ERRORS, ids=[" ".join(e[2]) for e in ERRORS])
def test_bad_parameters_get_422_with_the_cli_message(
    client: TestClient, path: str, params: Any, args: list[str]
) -> None:
    code, out, err = cli(*args, "--json")
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert response.json() == {"detail": err.removeprefix("error: ").rstrip("\n")}


def test_the_web_caps_draws_and_disruptions(client: TestClient) -> None:
    r = client.get("/api/montecarlo", params={"draws": 200_001})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("--draws: at most 200,000 on the web; got 200,001")
    r = client.get("/api/deploy", params={"disruptions": 21})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("--disruptions: at most 20 on the web; got 21")


def test_fastapi_validation_errors_stay_422(client: TestClient) -> None:
    r = client.get("/api/montecarlo", params={"seed": -1})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "seed"]
    assert client.get("/api/source").status_code == 422  # requirement is required


def test_the_workspace_summary_lists_what_menus_need(client: TestClient) -> None:
    summary = client.get("/api/workspace").json()
    # validate: 8 scenarios, 4 conditions, 5 force options, 2 postures, 36 nations
    assert [len(summary[k]) for k in ("scenarios", "conditions", "requirements")] == [8, 4, 5]
    assert [len(summary[k]) for k in ("postures", "nations")] == [2, 36]
    assert {
        "id": "ceasefire-only",
        "name": "Ceasefire without Russian consent or US backstop",
    } in summary["scenarios"]
    assert {"id": "force-25k", "name": "Division-sized force, 25,000"} in summary["requirements"]
    assert {"id": "ceasefire", "name": "Ceasefire"} in summary["conditions"]
    assert summary["read_only"] is True
    assert summary["ledger"] is False
    assert summary["origin"] == "builtin:mnf-ukraine"


def test_results_are_cached_by_question(client: TestClient) -> None:
    held = client.app.state.workspace  # type: ignore[attr-defined]
    first = client.get("/api/run", params={"scenario": "un-mandate"})
    size = len(held._cache)
    again = client.get("/api/run", params={"scenario": "un-mandate"})
    assert again.content == first.content
    assert len(held._cache) == size  # the same question: no new entry
    # the same overrides: the workspace is loaded once
    ws = held.workspace_for(["nations.GBR.rotation_ratio=4"])
    assert held.workspace_for(["nations.GBR.rotation_ratio=4"]) is ws
    assert held.workspace_for([]) is held.workspace


def test_the_openapi_schema_describes_every_endpoint(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/workspace",
        "/api/validate",
        "/api/run",
        "/api/montecarlo",
        "/api/sensitivity",
        "/api/source",
        "/api/sustain",
        "/api/deploy",
        "/api/timeline",
        "/api/compare",
        "/api/posture",
        "/api/posture/compare",
        "/api/supply",
        "/api/ledger/revisions",
    }
    assert expected <= set(paths)
    draws = next(p for p in paths["/api/montecarlo"]["get"]["parameters"] if p["name"] == "draws")
    assert "200,000" in draws["description"]
    assert "ScenarioDocument" in schema["components"]["schemas"]
    assert client.get("/docs").status_code == 404  # Swagger UI loads from a CDN: off


# -- the ledger: a revision posted with the token ----------------------------------


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    from helpers.ledger import require_extra, sqlite_url, write_history

    require_extra()
    url = sqlite_url(tmp_path)
    assert cli("ledger", "init", url).code == 0
    code, _, err = cli(
        "ledger", "import", str(write_history(tmp_path)), "--ledger", url, "--author", "importer"
    )
    assert code == 0, err
    return url


REVISION = {
    "pledge": "fra-bde",
    "date": "2026-02-01",
    "quantity": 2,
    "source": "https://example.org/fra-3",
    "author": "alice",
}
BEARER = {"Authorization": "Bearer s3cret"}


def test_a_revision_with_the_token_is_recorded_and_served(ledger_url: str) -> None:
    app = create_app(WebSettings(ledger=ledger_url, token="s3cret"))
    with TestClient(app) as c:
        # helpers/ledger.py: in scenario cf, GBR 1 brigade (5,000) + FRA 1 (5,000)
        # + DEU 2 companies (2 x 150) = 10,300
        before = c.get("/api/run", params={"scenario": "cf"}).json()["cf"]["personnel"]
        assert before == 10_300
        assert c.get("/api/workspace").json()["ledger"] is True
        r = c.post("/api/ledger/revisions", json=REVISION, headers=BEARER)
        assert r.status_code == 201, r.text
        assert r.json()["ledger"] == ledger_url
        assert len(r.json()["ids"]) == 1
        # FRA now 2 brigades: 5,000 + 2 x 5,000 + 300 = 15,300
        after = c.get("/api/run", params={"scenario": "cf"}).json()["cf"]["personnel"]
        assert after == 15_300
    assert cli_json("run", "--ledger", ledger_url, "-s", "cf")["cf"]["personnel"] == 15_300


def test_a_refused_revision_is_422_and_writes_nothing(ledger_url: str) -> None:
    app = create_app(WebSettings(ledger=ledger_url, token="s3cret"))
    with TestClient(app) as c:
        r = c.post(
            "/api/ledger/revisions", json={**REVISION, "pledge": "no-such-pledge"}, headers=BEARER
        )
        assert r.status_code == 422
        assert "no-such-pledge" in r.json()["detail"]
        assert c.get("/api/run", params={"scenario": "cf"}).json()["cf"]["personnel"] == 10_300
    assert cli_json("run", "--ledger", ledger_url, "-s", "cf")["cf"]["personnel"] == 10_300


def test_a_revision_needs_a_ledger() -> None:
    with TestClient(create_app(WebSettings(token="s3cret"))) as c:
        r = c.post("/api/ledger/revisions", json=REVISION, headers=BEARER)
    assert r.status_code == 409
    assert "--ledger" in r.json()["detail"]


def test_source_is_cached_apart_with_and_without_reproducible(client: TestClient) -> None:
    # review: the case above has no twin without `reproducible`, so a cache key without it
    # went unseen; the second answer here would be the first's
    params = {"requirement": "force-10k", "dependence_on": "none"}
    clocked = client.get("/api/source", params=params).json()
    worked = client.get("/api/source", params={**params, "reproducible": "true"}).json()
    assert clocked["time_limit"] == 20.0
    assert worked["time_limit"] is None
