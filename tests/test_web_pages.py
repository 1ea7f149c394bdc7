"""The dashboard's pages and the explorer's what-if endpoint (issue 16): every page renders
with its charts and tables, the explorer shows what /api/whatif answers, a condition
flipped changes the force by what the pledges say, and nothing points off the machine."""

from __future__ import annotations

import json
import re
import warnings
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

with warnings.catch_warnings():  # starlette's notice that httpx2 will replace httpx
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

import forcegen
from forcegen.web import WebSettings, charts, create_app
from forcegen.web.pages import PAGES
from forcegen.web.pages.odds import planning_seconds
from helpers.data import SMALL

URL = re.compile(r"https?://[^\s\"'<>)`]*")

VENDORED_IDENTIFIERS = {
    "http://www.w3.org/2000/svg",  # XML namespaces: identifiers, never fetched
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/1999/xlink",
    "https://vega.github.io/schema/vega/v6.json",  # the compiled spec's $schema
    "https://vega.github.io/editor/",  # vega-embed's "open in editor" action (actions: false)
    "https://github.com/Starcounter-Jack/JSON-Patch",  # a comment in vega-embed
    "https://github.com/vega/vega-lite/issues/2415",  # a comment in vega-lite
    "https://",  # vega-embed's check of a URL's scheme
    "http://",
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


class Page(HTMLParser):
    """The parts of a page the tests read: chart figures, spec scripts, tables, and
    every element with a data-* attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[str] = []
        self.tables = 0
        self.captions = 0
        self.specs: dict[str, str] = {}
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts = 0
        self._script: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "figure" and "chart" in (a.get("class") or "").split():
            self.figures.append(a.get("data-spec") or "")
        if tag == "table" and "data" in (a.get("class") or "").split():
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "script":
            if a.get("type") == "application/json":
                self._script = a.get("id") or ""
                self._text = []
            elif not a.get("src"):
                self.inline_scripts += 1

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.specs[self._script] = "".join(self._text)
            self._script = None

    def first(self, **wanted: str) -> dict[str, str | None]:
        for _, attrs in self.elements:
            if all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items()):
                return attrs
        raise AssertionError(f"no element with {wanted}")


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def has_data(spec: dict[str, Any]) -> bool:
    """True when the spec (or one of its layers) carries inline rows."""
    values = (spec.get("data") or {}).get("values")
    if values:
        return True
    return any(has_data(layer) for layer in spec.get("layer", []))


@pytest.mark.parametrize("path", [p for p, _ in PAGES])
def test_every_page_renders_its_charts_with_data_and_tables(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    page = parse(response.text)
    assert page.figures, f"{path}: no chart"
    for name in page.figures:
        spec = json.loads(page.specs[name])  # valid JSON, embedded for the figure
        assert spec["$schema"].endswith("/vega-lite/v6.json")
        assert has_data(spec), f"{path}: {name} has no data"
        assert "url" not in json.dumps(spec.get("data", {})), "charts carry their data inline"
    # every chart has a table beside or under it, and every table a caption
    assert page.tables >= len(page.figures)
    assert page.captions >= page.tables
    assert page.inline_scripts == 0, "CSP script-src 'self': no inline scripts"
    # every page is in the navigation, and says what it is
    assert all(f'href="{p}"' in response.text for p, _ in PAGES)
    assert "<h1>" in response.text
    # nothing on the page points off the machine: the specs' $schema is an identifier
    found = set(URL.findall(response.text)) - {"https://vega.github.io/schema/vega-lite/v6.json"}
    assert found == set(), f"{path}: {found}"


def test_the_explorer_shows_what_the_whatif_endpoint_answers(client: TestClient) -> None:
    page = parse(client.get("/explorer", params={"scenario": "ceasefire-only"}).text)
    answer = client.post("/api/whatif", json={"scenario": "ceasefire-only"}).json()
    assert float(page.first(data_field="personnel")["data-value"] or "nan") == answer["personnel"]
    conditions = [
        a["data-condition"] for t, a in page.elements if t == "select" and "data-condition" in a
    ]
    assert conditions == ["ceasefire", "russian_consent", "us_backstop", "unsc_mandate"]
    # each force option's row: filled personnel, fill ratio, met as the API says
    rows = [
        a["data-requirement"] for t, a in page.elements if t == "tr" and "data-requirement" in a
    ]
    assert rows == list(answer["requirements"])
    html = client.get("/explorer", params={"scenario": "ceasefire-only"}).text
    for rid, fill in answer["requirements"].items():
        row = html.split(f'data-requirement="{rid}"', 1)[1].split("</tr>", 1)[0]
        values = {f: v for v, f in re.findall(r'data-value="([^"]*)"[^>]*data-field="(\w+)"', row)}
        assert float(values["filled_personnel"]) == fill["filled_personnel"]
        assert float(values["fill_ratio"]) == fill["fill_ratio"]
        assert values["met"] == json.dumps(fill["met"])
    for cid, veto in answer["veto"].items():
        row = html.split(f'data-veto="{cid}"', 1)[1].split("</tr>", 1)[0]
        (value,) = re.findall(r'data-value="([^"]*)"[^>]*data-field="personnel"', row)
        assert int(value) == veto


def test_setting_the_us_backstop_adds_the_pledges_that_wait_for_it(client: TestClient) -> None:
    base = client.post("/api/whatif", json={"scenario": "ceasefire-only"}).json()
    flipped = client.post(
        "/api/whatif", json={"scenario": "ceasefire-only", "conditions": {"us_backstop": True}}
    ).json()
    # active pledges of the built-in dataset that require "ceasefire and us_backstop":
    # DEU battlegroup 1,000 + NLD companies 300 + NLD air defence 120 + SWE Gripen 250
    # + SWE mine countermeasures 90 + USA ISTAR 300 + USA tankers 160 = 2,220 persons
    # (the GBR and FRA battlegroups that also wait for it are withdrawn)
    assert flipped["personnel"] - base["personnel"] == 2_220
    assert base["veto"]["us_backstop"] == 2_220  # as `run --json` reports the veto
    assert flipped["conditions"]["us_backstop"] is True
    assert base["conditions"]["us_backstop"] is False
    assert flipped["scenario"] == "ceasefire-only"
    assert flipped["by_nation"]["DEU"] - base["by_nation"]["DEU"] == 1_000


def test_freeing_the_ceasefire_leaves_no_force(client: TestClient) -> None:
    # every pledge of the built-in dataset requires the ceasefire; freed, it counts false
    answer = client.post(
        "/api/whatif", json={"scenario": "ceasefire-only", "conditions": {"ceasefire": None}}
    ).json()
    assert answer["personnel"] == 0
    assert answer["conditions"]["ceasefire"] is None
    assert "ceasefire" in answer["assumed_false"]


def test_an_override_is_applied_and_reported(client: TestClient) -> None:
    answer = client.post(
        "/api/whatif",
        json={"scenario": "ceasefire-only", "overrides": ["pledges.gbr-brigade-1.quantity=2"]},
    ).json()
    # a second British brigade of 5,000 on top of the scenario's 13,590
    assert answer["personnel"] == 13_590 + 5_000
    assert answer["overrides"] == ["pledges.gbr-brigade-1.quantity=2"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"scenario": "nope"}, "unknown scenario 'nope'"),
        ({"conditions": {"us_backstp": True}}, "unknown condition 'us_backstp'"),
        ({"overrides": ["no-equals-sign"]}, "--set #1"),
    ],
)
def test_bad_questions_get_422_with_the_cli_message(
    client: TestClient, body: dict[str, Any], message: str
) -> None:
    response = client.post("/api/whatif", json=body)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_a_condition_value_must_be_a_boolean(client: TestClient) -> None:
    response = client.post("/api/whatif", json={"conditions": {"ceasefire": 1}})
    assert response.status_code == 422


def test_unknown_ids_in_page_parameters_get_422(client: TestClient) -> None:
    page = client.get("/explorer", params={"scenario": "nope"})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")  # a page, with the navigation
    assert "unknown scenario &#39;nope&#39;" in page.text  # escaped by Jinja2
    assert client.get("/sourcing", params={"requirement": "nope"}).status_code == 422
    assert client.get("/compare", params={"items": "ceasefire-only"}).status_code == 422
    assert client.get("/odds", params={"draws": 0}).status_code == 422


def test_no_static_file_points_off_the_machine() -> None:
    static = Path(str(files("forcegen.web"))) / "static"
    for file in sorted(static.rglob("*")):
        if not file.is_file() or "LICENSE" in file.name or file.suffix == ".md":
            continue  # licence texts and the vendoring notes name their sources
        found = set(URL.findall(file.read_text(encoding="utf-8")))
        assert found <= VENDORED_IDENTIFIERS, f"{file.name}: {found - VENDORED_IDENTIFIERS}"


# -- the odds page's planning-figures tornado (computed on request) ---------------------


@pytest.fixture(scope="module")
def small_client() -> TestClient:
    return TestClient(create_app(WebSettings(workspace=SMALL)))


def test_the_planning_tornado_spec_draws_each_figure_down_and_up() -> None:
    rows = [
        {"name": "Germany deployable fraction 0.5 -> 0.4 / 0.6", "low": -40.0, "high": 0.0},
        {"name": "United Kingdom rotation ratio 5 -> 4 / 6", "low": 0.0, "high": 25.0},
        {"name": "Workspace default tour months 6 -> 5 / 7", "low": -10.0, "high": 8.0},
    ]
    spec = charts.planning_tornado(rows, 36, 0.2, "Scenario: full")
    assert spec["data"]["values"] == rows
    assert spec["height"] == 90  # 3 rows x 30 px
    assert charts.planning_tornado(rows[:2], 36, 0.2)["height"] == 80  # 60 px, at least 80
    assert spec["title"]["text"] == "Planning figures: change in strength in the field at month 36"
    assert spec["description"].endswith(". Scenario: full")
    # one bar per figure and variant: the rows folded into (variant, change)
    assert spec["transform"] == [{"fold": ["low", "high"], "as": ["variant", "change"]}]
    bars, rule = spec["layer"]
    assert bars["encoding"]["x"]["field"] == "change"
    assert bars["encoding"]["y"]["sort"] is None  # the rank order of the rows
    colour = bars["encoding"]["color"]
    assert colour["scale"] == {"domain": ["low", "high"], "range": ["#4c72b0", "#dd8452"]}
    assert "'figure -20%'" in colour["legend"]["labelExpr"]
    assert "'figure +20%'" in colour["legend"]["labelExpr"]
    assert rule["encoding"]["x"] == {"datum": 0}


def test_planning_seconds_follows_the_fit() -> None:
    # 8 nations, fills, closure: 8 x 0.75 + 0.012 x 8^3 = 6 + 6.144 = 12.1 -> 12
    assert planning_seconds(8, fills=True, closure=True) == 12
    # 24 nations, no scenario, closure: 24 x 0.06 + 0.012 x 13,824 = 1.44 + 165.9 -> 167
    assert planning_seconds(24, fills=False, closure=True) == 167
    # 4 nations, fills, no network: 4 x 0.75 = 3
    assert planning_seconds(4, fills=True, closure=False) == 3
    assert planning_seconds(0, fills=False, closure=False) == 1  # never "about 0 s"


def test_the_odds_page_offers_the_planning_tornado_without_computing_it(
    small_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the odds page must not work out the planning tornado")

    monkeypatch.setattr(forcegen, "planning_sensitivity", never)
    response = small_client.get("/odds", params={"scenario": "full", "draws": 500})
    assert response.status_code == 200, response.text[:500]
    page = parse(response.text)
    button = page.first(id="planning-compute")
    assert button is not None
    # small.yaml: 4 nations (GBR, FRA, DEU, EST) with personnel in "full", no network:
    # 4 x 0.75 s = 3 s
    assert "Compute the planning-figures tornado (about 3 s)</button>" in response.text
    assert "spec-planning" not in page.figures  # no figure until the button is pressed
    assert json.loads(page.specs["spec-planning"])["data"] == {"values": []}
    data = json.loads(page.specs["page-data"])["planning"]
    assert data["url"] == "/api/sensitivity?scenario=full&months=36&spread=0.2&closure=false"
    assert data["nations"]["GBR"] == "United Kingdom"
    assert data["figures"]["rotation_ratio"] == "rotation ratio"


def test_the_planning_tornado_url_answers_on_the_small_workspace(
    small_client: TestClient,
) -> None:
    page = parse(small_client.get("/odds", params={"scenario": "full", "draws": 500}).text)
    url = json.loads(page.specs["page-data"])["planning"]["url"]
    response = small_client.get(url)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert (doc["scenario"], doc["months"], doc["spread"]) == ("full", 36, 0.2)
    assert doc["closure"] is False  # small.yaml has no network
    # the rows the page draws: 4 nations x (rotation ratio, deployable fraction) and the
    # workspace's default tour length = 9
    assert len(doc["rows"]) == 9
    assert {r["figure"] for r in doc["rows"]} == {
        "rotation_ratio",
        "deployable_fraction",
        "tour_months",
    }
    for row in doc["rows"]:
        assert isinstance(row["low"]["at_horizon"], float | int)
        assert isinstance(row["high"]["at_horizon"], float | int)


def test_the_odds_page_shows_an_option_without_a_headline_size(small_client: TestClient) -> None:
    """small.yaml's options have no ``personnel``: P(headcount) is null, shown as '-'
    (the page failed with a TypeError before)."""
    response = small_client.get("/odds", params={"draws": 500})
    assert response.status_code == 200, response.text[:500]
    pmet = json.loads(parse(response.text).specs["spec-pmet"])
    assert {row["measure"] for row in pmet["data"]["values"]} == {"P(met)"}
