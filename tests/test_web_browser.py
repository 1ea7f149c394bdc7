"""The dashboard in a real browser (issue 16, point 5): Debian's Chromium through
Playwright opens every page served by uvicorn on loopback (the built-in dataset), waits
for the charts, and checks that each chart is a non-empty SVG (or says "nothing to show"),
that the console shows no error and no warning (Vega's "WARN ...") and that no request
left 127.0.0.1 (every other request is aborted and fails the test). A full-page
screenshot of each page goes to ``FORCEGEN_TEST_ARTIFACTS`` (default tests/artifacts/).
The explorer tests toggle conditions and compare the numbers on screen with
``POST /api/whatif`` for the same question, a slow question followed by a fast one
included.

Skipped without Chromium (``apt-get install chromium chromium-driver``), except under
``FORCEGEN_REQUIRE_BROWSER=1`` (``.ci/run``), where that is a failure; see
tests/helpers/browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forcegen.web import WebSettings, create_app
from forcegen.web.pages import PAGES
from helpers import browser as b
from helpers.data import SMALL

EXPLORER_SCENARIO = "ceasefire-us-backstop"
TOGGLED = "us_backstop"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One browser for the module (closed at its end: Playwright's sync API runs one at
    a time in a process, and tests/test_report_html.py starts its own)."""
    with b.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    """The app on the built-in dataset, served on 127.0.0.1 (a free port)."""
    with b.live_server(create_app(WebSettings())) as url:
        yield url


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(b.TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "overview"


@pytest.mark.parametrize("path", [path for path, _ in PAGES], ids=[t for _, t in PAGES])
def test_page_renders_offline(context: Any, origin: str, path: str) -> None:
    page = context.new_page()
    seen = b.watch(page, origin + "/")
    response = page.goto(origin + path, wait_until="load")
    assert response is not None and response.status == 200, path
    state = b.wait_for_charts(page)
    page.screenshot(path=str(b.artifacts_dir() / f"page-{_slug(path)}.png"), full_page=True)
    assert state == "drawn", f"{path}: body[data-charts] is {state!r}"
    assert page.locator("figure.chart").count() > 0, f"{path}: no figure.chart"
    assert b.chart_problems(page) == [], path
    # Every chart has a data table beside or under it (contract 3).
    assert page.locator("table.data").count() >= page.locator("figure.chart").count()
    assert seen.problems() == [], path
    assert seen.console_warnings == [], path  # e.g. Vega's 'WARN Dropping "fit-y"'
    assert seen.requests, "no request was recorded: the watch is broken"
    assert all(url.startswith(origin + "/") for url in seen.requests), seen.requests


def test_outside_request_is_refused_and_reported(chromium: Any, origin: str) -> None:
    """The guard itself: a page that asks another host gets nothing, and it is noted.
    (The app's Content-Security-Policy would stop the fetch first; the guard must hold
    without it, so this context bypasses the CSP.)"""
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        seen = b.watch(page, origin + "/")
        page.goto(origin + "/", wait_until="load")
        page.evaluate("fetch('http://example.org/x').catch(() => null)")
        page.wait_for_timeout(200)
        assert seen.refused == ["http://example.org/x"]
        assert seen.problems()[0] == "request left the allowed origin: http://example.org/x"
    finally:
        context.close()


def _number(text: str | None) -> float:
    assert text is not None and text != "", "data-value missing"
    return float(text)


def _on_screen(page: Any) -> dict[str, Any]:
    """The explorer's numbers, read from the data-value attributes (contract 2)."""
    return page.evaluate(
        """() => {
      const value = (root, field) => {
        const cell = root.querySelector(`[data-field="${field}"]`);
        return cell ? cell.dataset.value : null;
      };
      const out = {personnel: value(document, 'personnel'), requirements: {}, veto: {}};
      document.querySelectorAll('tr[data-requirement]').forEach((row) => {
        out.requirements[row.dataset.requirement] = {
          filled_personnel: value(row, 'filled_personnel'),
          fill_ratio: value(row, 'fill_ratio'),
          met: value(row, 'met'),
        };
      });
      document.querySelectorAll('tr[data-veto]').forEach((row) => {
        out.veto[row.dataset.veto] = value(row, 'personnel');
      });
      return out;
    }"""
    )


def test_explorer_toggle_matches_the_api(context: Any, origin: str) -> None:
    page = context.new_page()
    seen = b.watch(page, origin + "/")
    response = page.goto(f"{origin}/explorer?scenario={EXPLORER_SCENARIO}", wait_until="load")
    assert response is not None and response.status == 200
    assert b.wait_for_charts(page) == "drawn"
    select = page.locator(f'select[data-condition="{TOGGLED}"]')
    assert select.count() == 1, f"no select[data-condition={TOGGLED}]"
    assert sorted(select.locator("option").evaluate_all("os => os.map(o => o.value)")) == [
        "",
        "false",
        "true",
    ]
    before = _on_screen(page)
    # The scenario assumes a US backstop; take it away.
    page.evaluate("document.body.dataset.whatif = ''")
    with page.expect_response(lambda r: r.url.endswith("/api/whatif")) as answered:
        select.select_option("false")
    assert answered.value.status == 200
    assert b.wait_for_whatif(page) == "ready"
    shown = _on_screen(page)

    expected = _api_whatif(page, origin, {TOGGLED: False}, [])
    assert expected["conditions"][TOGGLED] is False
    _assert_shown_is(shown, expected)
    # Without the backstop the US-conditional pledges fall away: the screen changed.
    assert shown != before
    assert b.chart_problems(page) == []
    page.screenshot(path=str(b.artifacts_dir() / "explorer-toggled.png"), full_page=True)
    assert seen.problems() == []
    assert seen.console_warnings == []


def _api_whatif(
    page: Any, origin: str, conditions: dict[str, bool], overrides: list[str]
) -> dict[str, Any]:
    body = {"scenario": EXPLORER_SCENARIO, "conditions": conditions, "overrides": overrides}
    api = page.request.post(origin + "/api/whatif", data=body)
    assert api.status == 200, api.text()
    return dict(api.json())


def _assert_shown_is(shown: dict[str, Any], expected: dict[str, Any]) -> None:
    assert _number(shown["personnel"]) == expected["personnel"]
    assert set(shown["requirements"]) == set(expected["requirements"])
    for rid, row in shown["requirements"].items():
        want = expected["requirements"][rid]
        assert _number(row["filled_personnel"]) == pytest.approx(
            want["filled_personnel"], rel=1e-9
        ), rid
        assert _number(row["fill_ratio"]) == pytest.approx(want["fill_ratio"], rel=1e-9), rid
        assert row["met"] == ("true" if want["met"] else "false"), rid
    assert set(shown["veto"]) == set(expected["veto"])
    for cid, personnel in shown["veto"].items():
        assert _number(personnel) == pytest.approx(expected["veto"][cid], rel=1e-9), cid


SLOW_OVERRIDE = "pledges.gbr-brigade-1.quantity=2"


def test_explorer_draws_the_latest_question_not_the_last_answer(context: Any, origin: str) -> None:
    """A slow question (a new --set override and russian_consent=true, never cached)
    followed at once by the base question (cached, answered at once): the page must end
    on the base question's numbers (15,810 persons for ceasefire-us-backstop), not on
    the slow answer that arrives last (24,445), and say "ready" only then. The slow
    answer is held back by the test until the fast one is on screen, so the order of
    arrival is certain."""
    page = context.new_page()
    seen = b.watch(page, origin + "/")
    page.goto(f"{origin}/explorer?scenario={EXPLORER_SCENARIO}", wait_until="load")
    assert b.wait_for_charts(page) == "drawn"
    base = _api_whatif(page, origin, {}, [])  # also puts the base answer in the cache
    slow = _api_whatif(page, origin, {"russian_consent": True}, [SLOW_OVERRIDE])
    assert base["personnel"] == 15810 and slow["personnel"] != base["personnel"]

    held: list[Any] = []

    def hold_the_slow_one(route: Any) -> None:
        if SLOW_OVERRIDE in (route.request.post_data or ""):
            held.append(route)  # answered below, after the fast one
        else:
            route.continue_()

    page.route("**/api/whatif", hold_the_slow_one)
    page.evaluate("document.body.dataset.whatif = ''")
    page.locator("input[data-override]").fill(SLOW_OVERRIDE)
    page.locator('select[data-condition="russian_consent"]').select_option("true")  # ask 1
    page.wait_for_timeout(10)
    page.locator("input[data-override]").fill("")
    with page.expect_response(lambda r: r.url.endswith("/api/whatif")) as answered:
        page.locator('select[data-condition="russian_consent"]').select_option("")  # ask 2
    assert answered.value.status == 200
    assert b.wait_for_whatif(page) == "ready"
    assert len(held) == 1, "the slow question was not asked"
    _assert_shown_is(_on_screen(page), base)
    # Now the slow answer arrives (the page may have given up on it: then nothing arrives).
    page.evaluate("document.body.dataset.whatif = ''")
    try:
        with page.expect_response(lambda r: r.url.endswith("/api/whatif"), timeout=5000):
            held[0].continue_()
    except Exception:  # the page aborted the request it no longer needs
        pass
    page.wait_for_timeout(300)  # time for a (wrong) redraw of the late answer
    assert page.evaluate("document.body.dataset.whatif") in ("", "ready")
    shown = _on_screen(page)
    _assert_shown_is(shown, base)
    assert _number(shown["personnel"]) == 15810
    assert b.chart_problems(page) == []
    assert seen.problems() == []
    assert seen.console_warnings == []


def test_explorer_with_no_force_says_nothing_to_show(context: Any, origin: str) -> None:
    """No ceasefire: nothing deploys (0 personnel), so the nations chart has no rows. It
    says "nothing to show" instead of an empty chart (no Vega warning "Infinite extent"),
    and is drawn again when the force comes back."""
    page = context.new_page()
    seen = b.watch(page, origin + "/")
    page.goto(f"{origin}/explorer?scenario={EXPLORER_SCENARIO}", wait_until="load")
    assert b.wait_for_charts(page) == "drawn"
    nations = page.locator("#chart-nations")
    assert nations.locator("svg").count() == 1
    page.evaluate("document.body.dataset.whatif = ''")
    page.locator('select[data-condition="ceasefire"]').select_option("false")
    assert b.wait_for_whatif(page) == "ready"
    assert page.locator('output[data-field="personnel"]').get_attribute("data-value") == "0"
    assert nations.get_attribute("data-empty") == "true"
    assert nations.inner_text().strip() == "nothing to show"
    assert nations.locator("svg").count() == 0
    assert page.locator("#table-nations tbody tr").count() == 0
    assert b.chart_problems(page) == []
    page.evaluate("document.body.dataset.whatif = ''")
    page.locator('select[data-condition="ceasefire"]').select_option("")
    assert b.wait_for_whatif(page) == "ready"
    assert nations.get_attribute("data-empty") is None
    assert nations.locator("svg").count() == 1
    assert b.chart_problems(page) == []
    assert seen.problems() == []
    assert seen.console_warnings == []  # no 'Infinite extent' for the empty chart


@pytest.fixture(scope="module")
def small_origin() -> Iterator[str]:
    """The app on the small test workspace (tests/data/small.yaml): its planning
    sensitivity takes a fraction of a second, the built-in data's tens of seconds."""
    with b.live_server(create_app(WebSettings(workspace=SMALL))) as url:
        yield url


def test_odds_planning_tornado_is_drawn_on_request(context: Any, small_origin: str) -> None:
    """The odds page computes the planning-figures tornado only when asked: the button
    fetches /api/sensitivity, then the chart is an SVG and the table shows the API's
    numbers (small.yaml, scenario ``full``: 4 nations, no network)."""
    page = context.new_page()
    seen = b.watch(page, small_origin + "/")
    response = page.goto(small_origin + "/odds?scenario=full&draws=500", wait_until="load")
    assert response is not None and response.status == 200
    assert b.wait_for_charts(page) == "drawn"
    button = page.locator("#planning-compute")
    # 4 nations x 0.75 s (fills), no network: round(3.0) = 3
    assert button.inner_text() == "Compute the planning-figures tornado (about 3 s)"
    assert page.locator("#chart-planning").count() == 0, "computed before it was asked for"
    with page.expect_response(lambda r: "/api/sensitivity?" in r.url) as answered:
        button.click()
    assert answered.value.status == 200
    page.locator("body[data-planning=ready]").wait_for()  # a locator: no eval under the CSP
    expected = answered.value.json()
    assert expected["scenario"] == "full" and expected["rows"], expected
    assert b.chart_problems(page) == []
    assert page.locator("#chart-planning svg").count() == 1
    rows = page.locator("#table-planning tbody tr")
    assert rows.count() == len(expected["rows"])
    for k, want in enumerate(expected["rows"]):
        cell = rows.nth(k).locator('[data-field="at_horizon_low"]')
        assert float(cell.get_attribute("data-value") or "nan") == want["low"]["at_horizon"]
        cell = rows.nth(k).locator('[data-field="at_horizon_high"]')
        assert float(cell.get_attribute("data-value") or "nan") == want["high"]["at_horizon"]
    assert (
        page.locator("[data-compute-status=planning-compute]")
        .inner_text()
        .startswith("worked out in")
    )
    page.screenshot(path=str(b.artifacts_dir() / "odds-planning-tornado.png"), full_page=True)
    assert seen.problems() == []
    assert seen.console_warnings == []


def test_odds_planning_tornado_shows_an_error(context: Any, small_origin: str) -> None:
    """A failing request leaves the page usable: the CLI's message and an error state."""
    page = context.new_page()
    page.goto(small_origin + "/odds?scenario=full&draws=500", wait_until="load")
    assert b.wait_for_charts(page) == "drawn"
    # the page's request, sent on to the app for a scenario the workspace lacks
    page.route(
        "**/api/sensitivity?*",
        lambda route: route.continue_(
            url=small_origin + "/api/sensitivity?scenario=no-such-scenario"
        ),
    )
    page.locator("#planning-compute").click()
    page.locator("body[data-planning=error]").wait_for()
    status = page.locator("[data-compute-status=planning-compute]")
    assert "The tornado failed:" in status.inner_text()
    assert "no-such-scenario" in status.inner_text()
    assert page.locator("#planning-compute").is_enabled()


@pytest.mark.parametrize("required", ["", "1"])
def test_missing_chromium_skips_unless_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, required: str
) -> None:
    """A laptop without Chromium skips with the install line; .ci/run
    (FORCEGEN_REQUIRE_BROWSER=1) fails instead."""
    monkeypatch.setattr(b, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv(b.REQUIRE_VARIABLE, required)
    expected = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(expected) as caught, b.chromium():
        pass  # pragma: no cover - never reached
    assert "no Chromium: apt-get install chromium chromium-driver" in str(caught.value)
