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
from forcegen.web.pages.odds import planning_seconds, wilson_interval
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


# -- hostile review (issue 16): parameters, intervals, labels ----------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/odds?draws=0", "--draws must be a whole number of at least 1; got 0"),
        ("/odds?draws=abc", "--draws: expected a whole number; got &#39;abc&#39;"),
        ("/odds?draws=300000", "--draws: at most 200,000 on the web; got 300,000"),
        ("/sustainment?months=0", "--months must be a whole number of at least 1; got 0"),
        ("/sustainment?months=x", "--months: expected a whole number; got &#39;x&#39;"),
    ],
)
def test_a_bad_page_parameter_gets_the_html_error_page(
    client: TestClient, url: str, message: str
) -> None:
    """Pages answer a bad parameter with the CLI's message on the HTML error page (the
    navigation kept), never FastAPI's JSON validation document."""
    response = client.get(url)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert f'<p class="error-message" role="alert">{message}' in response.text
    assert '"detail"' not in response.text and "int_parsing" not in response.text


def test_the_api_keeps_its_json_validation_errors(client: TestClient) -> None:
    response = client.get("/api/montecarlo", params={"draws": "abc"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "int_parsing"


def test_wilson_interval_by_hand() -> None:
    z2 = 1.959963984540054**2  # 3.8415
    # 0 of 20,000: 0 to z²/(n + z²) = 3.8415 / 20,003.8415 = 0.000192
    low, high = wilson_interval(0.0, 20_000)
    assert low == 0.0
    assert high == pytest.approx(z2 / (20_000 + z2), rel=1e-12)
    assert high == pytest.approx(0.000192, abs=5e-7)
    # 50 of 100: centre 0.5; half = 1.96 / 1.038415 * sqrt(0.0025 + 3.8415 / 40,000)
    #          = 1.88749 * 0.050951 = 0.096170  -> 0.40383 .. 0.59617
    low, high = wilson_interval(0.5, 100)
    assert (low, high) == (pytest.approx(0.40383, abs=1e-5), pytest.approx(0.59617, abs=1e-5))
    # exact enumeration (draws 0): the probability itself
    assert wilson_interval(0.25, 0) == (0.25, 0.25)


def test_the_odds_page_says_when_no_option_is_met(client: TestClient) -> None:
    """The built-in data never meets an option: the page says so above the chart with
    the upper bound (0 of 2,000: 3.8415 / 2,003.8415 = 0.19 %), every P(met) interval is
    0.0 % - 0.19 % (not "±0.0%"), Shapley shares have one decimal, first-order shares are
    labelled so and a note says why they do not add up to 100 %."""
    response = client.get("/odds", params={"draws": 2000})
    assert response.status_code == 200
    text = response.text
    intro = re.search(r'<h2 id="h-p-met">[^<]*</h2>\s*<p class="intro">([^<]*)</p>', text)
    assert intro is not None
    assert intro.group(1).startswith(
        "No force option is met in any of the 2,000 draws (95 % upper bound of P(met): 0.19 %)."
    )
    assert "Closest: " in intro.group(1) and "whose headcount is reached" in intro.group(1)
    assert "±" not in text
    bounds = re.findall(r'data-low="0.0" data-high="([0-9.e-]+)">0.0 % - 0.19 %<', text)
    assert len(bounds) >= 5  # one per force option of the built-in data (P(met))
    assert all(float(b) == pytest.approx(0.0019171, abs=1e-6) for b in bounds)
    pmet = json.loads(parse(text).specs["spec-pmet"])
    met_rows = [r for r in pmet["data"]["values"] if r["measure"] == "P(met)"]
    assert all(r["high"] == pytest.approx(0.0019171, abs=1e-6) for r in met_rows)
    shapley = re.findall(r'data-field="shapley">([^<]*)<', text)
    assert shapley and all(re.fullmatch(r"\d+\.\d%", s) for s in shapley), shapley
    assert re.findall(r'data-field="first_order">([^<]*)<', text)
    assert '<th scope="col" class="num">first-order share</th>' in text
    assert "variance share" not in text
    note = re.search(r'<p class="note" data-note="tornado">([^<]*)</p>', text)
    assert note is not None and "do not add up to 100 %" in note.group(1)
    assert "interactions" in note.group(1)


def test_sustainment_says_fails_after_month_as_the_cli(client: TestClient) -> None:
    """The UK holds its load through month 18 (the CLI: "fails after month 18"): the
    column says so, and the Gantt's sustained bar covers months 1-18 (end 19, exclusive),
    the grey shortfall from month 19."""
    text = client.get("/sustainment").text
    assert '<th scope="col" class="num">fails after month</th>' in text
    assert "fails at month" not in text
    assert re.search(r'data-value="18" data-field="fails_after_month">18<', text)
    spec = json.loads(parse(text).specs["spec-rotation"])
    rows = [r for r in spec["data"]["values"] if r["label"] == "United Kingdom"]
    assert [(r["nation"], r["start"], r["end"]) for r in rows] == [
        ("GBR", 1, 19),
        ("short", 19, 37),  # months 19..36 of 36
    ]


def test_wilson_interval_is_exact_at_the_ends() -> None:
    # 2,000 of 2,000 met: 1 - 3.8415 / 2,003.8415 = 0.998083 .. 1 exactly
    assert wilson_interval(1.0, 2000) == (pytest.approx(0.998083, abs=1e-6), 1.0)
    assert wilson_interval(0.0, 2000)[0] == 0.0
