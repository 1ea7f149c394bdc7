"""``forcegen report`` (issue 16, point 7): one self-contained HTML file that loads
nothing from the network (checked in the parsed HTML and in headless Chromium, offline),
whose summary equals ``run --json``, with every source a numbered footnote; and the
Markdown variant with its PNG charts beside it. See docs/report.md."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from helpers import browser as b
from helpers.cli import invoke

VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "col", "area", "base"}


class Parsed(HTMLParser):
    """Every element as (tag, attributes, ancestors' ids and classes); fails on a closing
    tag that does not match the open one (the HTML must nest)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.stack: list[tuple[str, str]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        context = tuple(f"{t}#{label}" for t, label in self.stack)
        self.elements.append((tag, attributes, context))
        if tag not in VOID:
            label = attributes.get("id", "") + "." + attributes.get("class", "")
            self.stack.append((tag, label))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def parse(text: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(text)
    parsed.close()
    assert parsed.errors == []
    assert [t for t, _ in parsed.stack] == []
    return parsed


@pytest.fixture(scope="module")
def html_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report on the built-in dataset, every scenario."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    result = invoke("report", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote {path}\n"
    return path


def test_html_parses_and_loads_nothing_from_the_network(html_report: Path) -> None:
    text = html_report.read_text(encoding="utf-8")
    parsed = parse(text)
    tags = [tag for tag, _, _ in parsed.elements]
    assert tags.count("html") == 1 and tags.count("body") == 1
    csp = [
        a["content"]
        for t, a, _ in parsed.elements
        if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp and "default-src 'none'" in csp[0] and "connect-src 'none'" in csp[0]
    for tag, attributes, context in parsed.elements:
        assert "src" not in attributes, f"<{tag} src=...>: the report must inline everything"
        assert tag not in ("link", "iframe", "img", "object", "embed", "base"), tag
        href = attributes.get("href", "")
        if re.match(r"(?i)\s*(https?:)?//", href):
            # a citation (a link the reader may follow), never a loaded resource: only
            # in the numbered footnotes
            assert tag == "a", (tag, href)
            assert any(c.startswith("ol#.footnotes") for c in context), href
    assert 'src="http' not in text and "@import" not in text and "url(http" not in text
    # The scripts the dashboard loads are inline: vega, vega-lite, vega-embed (and
    # whatever else templates/base.html names), then app.js, which draws the charts.
    scripts = [a for t, a, _ in parsed.elements if t == "script" and not a.get("type")]
    assert len(scripts) >= 4
    assert "vegaEmbed(" in text and "dataset.charts" in text
    assert 1_000_000 < len(text.encode()) < 2_000_000


def _cells(text: str) -> dict[str, dict[str, Any]]:
    """The summary's numbers by scenario: personnel, each option's fill, each veto."""
    out: dict[str, dict[str, Any]] = {}
    scenario = None
    for tag, a, context in parse(text).elements:
        if not any(
            c.startswith(("table#summary-options", "table#summary-vetoes")) for c in context
        ):
            continue
        if tag == "tr" and "data-scenario" in a:
            scenario = out.setdefault(a["data-scenario"], {"requirements": {}, "veto": {}})
        elif tag == "td" and scenario is not None:
            if a.get("data-field") == "personnel":
                scenario["personnel"] = int(a["data-value"])
            elif "data-requirement" in a:
                scenario["requirements"][a["data-requirement"]] = {
                    "fill_ratio": float(a["data-fill-ratio"]),
                    "personnel_fill": float(a["data-personnel-fill"]),
                    "filled_personnel": float(a["data-filled-personnel"]),
                    "met": a["data-met"] == "true",
                }
            elif "data-veto" in a:
                scenario["veto"][a["data-veto"]] = int(a["data-value"])
    return out


def test_summary_equals_run_json(html_report: Path) -> None:
    run = invoke("run", "--json")
    assert run.exit_code == 0, run.stderr
    expected = json.loads(run.stdout)
    shown = _cells(html_report.read_text(encoding="utf-8"))
    assert list(shown) == list(expected)  # every scenario, in workspace order
    for sid, doc in expected.items():
        assert shown[sid]["personnel"] == doc["personnel"], sid
        assert shown[sid]["veto"] == doc["veto"], sid
        assert shown[sid]["requirements"] == {
            rid: {k: r[k] for k in ("fill_ratio", "personnel_fill", "filled_personnel", "met")}
            for rid, r in doc["requirements"].items()
        }, sid
    # The built-in dataset, by its documented figures: ceasefire-us-backstop fields 15,810.
    assert shown["ceasefire-us-backstop"]["personnel"] == 15_810
    # the cell shows the personnel fill, the measure of the dashboard's overview (96 % of
    # the UK-French contingent in ceasefire-only), not the unit fill (70 %)
    text = html_report.read_text(encoding="utf-8")
    cell = re.search(
        r'data-scenario="ceasefire-only".*?data-requirement="force-10k"[^>]*>([^<]*)<', text, re.S
    )
    assert cell is not None and cell.group(1).startswith("96%"), cell


def test_report_opens_offline_in_chromium(html_report: Path) -> None:
    with b.chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
        page = context.new_page()
        seen = b.watch(page, "file://")
        page.goto(html_report.as_uri(), wait_until="load")
        assert b.wait_for_charts(page) == "drawn"
        assert page.locator("figure.chart").count() == 2
        assert b.chart_problems(page) == []
        page.screenshot(path=str(b.artifacts_dir() / "report.png"), full_page=False)
        context.close()
    assert seen.problems() == []
    assert seen.console_warnings == []  # no Vega warning (dropped encodings, fit)
    assert seen.requests == [html_report.as_uri()]  # the file itself, nothing else


SOURCED = """
conditions:
  - id: ceasefire
    description: A ceasefire is in force.
    probability: 0.5
    sources: [{url: "https://example.org/shared", title: Shared}]
    assumptions: {probability: the project's guess}
capabilities:
  - {id: bde, name: Brigade, domain: land, personnel: 5000, basis: assumption}
  - {id: coy, name: Company, domain: land, personnel: 150, basis: assumption}
nations:
  - id: GBR
    name: United Kingdom
    active_personnel: 141330
    land_personnel: 75320
    sources: ["https://example.org/gbr"]
    assumptions: {land_personnel: read off a chart}
  - {id: FRA, name: France, active_personnel: 264000, land_personnel: 120000, sources: ["https://example.org/fra"]}
pledges:
  - {id: gbr-bde, nation: GBR, capability: bde, quantity: 1, requires: ceasefire, sources: ["https://example.org/gbr-pledge"]}
  - {id: fra-coy, nation: FRA, capability: coy, quantity: 2, requires: ceasefire, sources: ["https://example.org/shared"]}
requirements:
  - id: opt
    name: Option
    sources: ["https://example.org/option"]
    lines:
      - {capability: bde, quantity: 2, priority: 1}
scenarios:
  - {id: cf, name: Ceasefire, assume: {ceasefire: true}}
"""


def test_every_source_is_a_numbered_footnote(
    write_yaml: Callable[[str, str], Path], tmp_path: Path
) -> None:
    ws = write_yaml(SOURCED, "ws.yaml")
    out = tmp_path / "r.html"
    result = invoke("report", str(ws), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    # Numbered as first cited: the force by nation, largest first: GBR 1 x 5,000 (its
    # pledge's source: 1), FRA 2 x 150 = 300 (the shared source: 2); the force option
    # (3); the condition (the shared source again: 2); then the sources not cited in the
    # tables, in workspace order: the nations GBR (4) and FRA (5).
    notes = re.findall(r'<li id="fn-(\d+)">.*?<a href="([^"]+)"', text)
    assert notes == [
        ("1", "https://example.org/gbr-pledge"),
        ("2", "https://example.org/shared"),
        ("3", "https://example.org/option"),
        ("4", "https://example.org/gbr"),
        ("5", "https://example.org/fra"),
    ]
    refs = re.findall(r'<sup class="fn"><a href="#fn-(\d+)">\1</a></sup>', text)
    assert sorted(set(refs)) == ["1", "2", "3"]
    assert "5,000" in text and "5,300" in text  # 5,000 + 2 x 150
    # The assumptions: the condition's probability, GBR's land personnel, and the two
    # capabilities labelled assumptions as a whole.
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>[^<]+</td></tr>",
        text.split('id="assumptions-table"')[1].split("</table>")[0],
    )
    assert sorted(rows) == [
        ("capability bde", "every figure"),
        ("capability coy", "every figure"),
        ("condition ceasefire", "probability"),
        ("nation GBR", "land_personnel"),
    ]


def test_the_same_input_makes_the_same_report_byte_for_byte(
    html_report: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.html"
    assert invoke("report", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == html_report.read_bytes()  # no date, clock or random id


def test_markdown_writes_its_pngs_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = invoke("report", "-s", "ceasefire-only", "-s", "un-mandate", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert images == ["compare_nations.png", "compare_fill.png"]
    for name in images:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [*sorted(images), "report.md"]
    for heading in (
        "## Summary",
        "## Ceasefire without Russian consent or US backstop",
        "## UN-mandated force",
        "## Assumptions made",
        "## Sources",
    ):
        assert heading in text
    assert "| Ceasefire without Russian consent or US backstop | 13,590 |" in text
    assert re.search(r"\[\^1\]: .+", text) and "[^1]" in text.split("## Sources")[0]
    assert "No ceasefire" not in text.split("## Assumptions made")[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "expected a file name ending in .html or .md"),
        ("missing/report.html", "the folder"),
    ],
)
def test_bad_output_exits_2_and_writes_nothing(tmp_path: Path, name: str, expected: str) -> None:
    result = invoke("report", "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_scenario_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    result = invoke("report", "-s", "nope", "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2
    assert "unknown scenario 'nope'" in result.stderr
    assert list(tmp_path.iterdir()) == []
