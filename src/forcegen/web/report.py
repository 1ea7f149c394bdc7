"""``forcegen report``: the answers as one file to publish.

:func:`build_report` asks the public API (:func:`forcegen.evaluate`) about each scenario
and gathers the workspace's assumptions and sources; :func:`render_html` makes one
self-contained HTML file of it (every script and style inlined, the charts as Vega-Lite
specs drawn when the file is opened, nothing loaded from the network: a
Content-Security-Policy meta tag allows inline code only) and :func:`render_markdown` a
Markdown file whose charts are PNG files beside it (drawn by the CLI with the matplotlib
charts of ``forcegen compare``). Pure: nothing here writes a file (docs/report.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import forcegen
from forcegen import names
from forcegen.web import assets, charts


def dashboard_scripts() -> list[str]:
    """The scripts the dashboard's pages load (:data:`forcegen.web.assets.SCRIPTS`), in
    order, as paths under ``static/``: the report inlines exactly these, so that it draws
    its charts the way the pages do (vendored Vega, the expression interpreter, app.js)."""
    return list(assets.SCRIPTS)


CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src 'none'; connect-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)
"""The HTML report's Content-Security-Policy: inline scripts and styles only, no
request to any host (Vega draws with its expression interpreter, so no eval either)."""


@dataclass(frozen=True)
class Footnote:
    """One source, numbered in the order the report first cites it."""

    number: int
    url: str
    title: str | None
    date: str | None

    @property
    def is_link(self) -> bool:
        """True when the source is a web address (else a citation in words)."""
        return self.url.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Assumption:
    """A figure the workspace labels an assumption: record, field (``*``: every figure
    of a ``basis: assumption`` record) and why."""

    record: str
    field: str
    why: str


@dataclass(frozen=True)
class Row:
    """A table row: label, numbers, and the footnote numbers that support it."""

    label: str
    key: str
    values: Mapping[str, Any]
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScenarioSection:
    """One scenario: its force by nation [persons], the fill of each force option, the
    personnel hanging on each condition (veto) [persons]."""

    id: str
    name: str
    personnel: int
    nations: tuple[Row, ...]
    options: tuple[Row, ...]
    vetoes: tuple[Row, ...]
    notes: tuple[int, ...]


@dataclass(frozen=True)
class Report:
    """Everything a report shows, in the order it shows it."""

    title: str
    origin: str
    as_of: str | None
    overrides: tuple[str, ...]
    version: str
    requirements: tuple[tuple[str, str], ...]
    """(id, name) of each force option, in workspace order."""
    conditions: tuple[tuple[str, str], ...]
    """(id, name) of each condition, in workspace order."""
    scenarios: tuple[ScenarioSection, ...]
    charts: Mapping[str, dict[str, Any]]
    chart_tables: Mapping[str, tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]]
    assumptions: tuple[Assumption, ...]
    footnotes: tuple[Footnote, ...]
    results: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    """Each scenario's ``to_json()`` document (as ``run --json`` prints it)."""


class _Citations:
    """Numbers sources in the order they are first cited (one number per address)."""

    def __init__(self) -> None:
        self.by_url: dict[str, Footnote] = {}

    def cite(self, sources: Iterable[Any]) -> tuple[int, ...]:
        numbers: list[int] = []
        for source in sources:
            url = str(source.url)
            if url not in self.by_url:
                date = getattr(source, "date", None)
                self.by_url[url] = Footnote(
                    len(self.by_url) + 1, url, source.title, str(date) if date else None
                )
            number = self.by_url[url].number
            if number not in numbers:
                numbers.append(number)
        return tuple(sorted(numbers))


def _records(ws: forcegen.Workspace) -> Iterator[tuple[str, Any]]:
    """(label, record) of every workspace record that can carry sources or assumptions,
    nested ones (a nation's statements, a network's legs) included, in workspace order."""
    sections: list[tuple[str, Any]] = [
        ("nation", ws.nations),
        ("capability", ws.capabilities),
        ("zone", ws.zones),
        ("condition", ws.conditions),
        ("pledge", ws.pledges),
        ("force option", ws.requirements),
        ("scenario", ws.scenarios),
        ("headquarters", ws.headquarters),
        ("event", ws.events),
        ("posture", ws.postures),
    ]
    for kind, section in sections:
        items = section.values() if isinstance(section, Mapping) else (section or ())
        for record in items:
            yield from _walk(f"{kind} {_ident(record)}", record)
    for label, record in (
        ("defaults", ws.defaults),
        ("posture settings", ws.posture),
        ("supply settings", ws.supply),
        ("network", ws.network),
    ):
        if record is not None:
            yield from _walk(label, record)


def _ident(record: Any) -> str:
    for name in ("id", "name"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    ends = [getattr(record, n, None) for n in ("origin", "destination")]
    if all(ends):
        return f"{ends[0]}-{ends[1]}"
    return ""


def _walk(label: str, record: Any) -> Iterator[tuple[str, Any]]:
    if hasattr(record, "sources") or hasattr(record, "assumptions"):
        yield label, record
    fields = getattr(type(record), "model_fields", {})
    for name in fields:
        if name in ("sources", "assumptions"):
            continue
        value = getattr(record, name, None)
        items: Iterable[Any] | None = None
        if isinstance(value, Mapping):
            items = value.values()
        elif isinstance(value, (list, tuple)):
            items = value
        if items is not None:
            for index, item in enumerate(items):
                if hasattr(type(item), "model_fields"):
                    ident = _ident(item) or str(index + 1)
                    yield from _walk(
                        f"{label}, {name[:-1] if name.endswith('s') else name} {ident}", item
                    )
        elif hasattr(type(value), "model_fields"):
            yield from _walk(f"{label}, {name}", value)


def _assumptions(ws: forcegen.Workspace) -> tuple[Assumption, ...]:
    out: list[Assumption] = []
    for label, record in _records(ws):
        basis = getattr(record, "basis", None)
        if basis is not None and str(getattr(basis, "value", basis)) == "assumption":
            out.append(Assumption(label, "*", "the record as a whole is the project's assumption"))
        for name, why in (getattr(record, "assumptions", None) or {}).items():
            out.append(Assumption(label, str(name), str(why)))
    return tuple(out)


def build_report(ws: forcegen.Workspace, scenarios: Sequence[str] | None = None) -> Report:
    """The report on ``scenarios`` (ids; None or empty: every scenario of ``ws``, in
    workspace order). An unknown id raises :class:`forcegen.UnknownIdError`."""
    ids = list(dict.fromkeys(scenarios)) if scenarios else list(ws.scenarios)
    for sid in ids:
        ws.scenario(sid)  # unknown id: one clear error before any work
    results: dict[str, dict[str, Any]] = {sid: forcegen.evaluate(ws, sid).to_json() for sid in ids}
    cites = _Citations()
    requirements = tuple((rid, names.requirement(ws, rid)) for rid in ws.requirements)
    conditions = tuple((cid, names.condition(ws, cid)) for cid in ws.conditions)
    by_nation_pledges: dict[str, list[Any]] = {}
    for pledge in ws.pledges.values():
        by_nation_pledges.setdefault(pledge.nation, []).append(pledge)

    sections = []
    for sid, doc in results.items():
        nations = tuple(
            Row(
                names.nation(ws, iso3),
                iso3,
                {"personnel": personnel, "share": personnel / doc["personnel"]},
                cites.cite(
                    s for p in by_nation_pledges.get(iso3, ()) for s in getattr(p, "sources", ())
                ),
            )
            for iso3, personnel in sorted(doc["by_nation"].items(), key=lambda kv: -kv[1])
            if personnel > 0
        )
        options = tuple(
            Row(
                name,
                rid,
                {
                    k: doc["requirements"][rid][k]
                    for k in (
                        "required_personnel",
                        "filled_personnel",
                        "personnel_fill",
                        "fill_ratio",
                        "met",
                    )
                },
                cites.cite(ws.requirements[rid].sources),
            )
            for rid, name in requirements
            if rid in doc["requirements"]
        )
        vetoes = tuple(
            Row(name, cid, {"personnel": doc["veto"][cid]}, cites.cite(ws.conditions[cid].sources))
            for cid, name in conditions
            if cid in doc.get("veto", {})
        )
        sections.append(
            ScenarioSection(
                sid,
                names.scenario(ws, sid),
                int(doc["personnel"]),
                nations,
                options,
                vetoes,
                cites.cite(ws.scenarios[sid].sources)
                if hasattr(ws.scenarios[sid], "sources")
                else (),
            )
        )
    assumptions = _assumptions(ws)
    for _, record in _records(ws):  # every other source, numbered after those cited above
        cites.cite(getattr(record, "sources", ()) or ())

    personnel_rows = [
        {"scenario": s.id, "name": s.name, "personnel": s.personnel} for s in sections
    ]
    fill_rows = [
        {
            "scenario": s.name,
            "option": row.label,
            "fill": row.values["personnel_fill"],
            "met": "met" if row.values["met"] else "not met",
        }
        for s in sections
        for row in s.options
    ]
    return Report(
        title=f"forcegen report: {ws.origin}",
        origin=str(ws.origin),
        as_of=str(ws.as_of) if ws.as_of else None,
        overrides=tuple(str(o) for o in ws.overrides),
        version=forcegen.__version__,
        requirements=requirements,
        conditions=conditions,
        scenarios=tuple(sections),
        charts={
            "personnel": charts.scenario_personnel(personnel_rows),
            "fill": charts.fill_heatmap(
                [
                    {
                        "scenario": r["scenario"],
                        "option": r["option"],
                        "personnel_fill": r["fill"],
                        "met": r["met"] == "met",
                        "label": f"{r['fill']:.0%}" + (" ✓" if r["met"] == "met" else ""),
                    }
                    for r in fill_rows
                ]
            ),
        },
        chart_tables={
            "personnel": (
                ("scenario", "personnel"),
                tuple((r["name"], r["personnel"]) for r in personnel_rows),
            ),
            "fill": (
                ("scenario", "force option", "personnel fill", "met"),
                tuple((r["scenario"], r["option"], r["fill"], r["met"]) for r in fill_rows),
            ),
        },
        assumptions=assumptions,
        footnotes=tuple(cites.by_url.values()),
        results=results,
    )


def _static(name: str) -> str:
    return (files("forcegen.web") / "static" / name).read_text(encoding="utf-8")


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (UTF-8 text)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(files("forcegen.web") / "templates")),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    scripts = [_static(path) for path in dashboard_scripts()]
    for text in scripts:  # an inlined script must not close its own element
        if "</script" in text.lower():
            raise forcegen.ForcegenError("a vendored script holds '</script': cannot inline it")
    return env.get_template("report.html").render(
        report=report, csp=CSP, style=_static("style.css"), scripts=scripts
    )


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(head: Sequence[str], rows: Iterable[Sequence[object]], right: int = 1) -> str:
    lines = ["| " + " | ".join(head) + " |"]
    lines.append("|" + "|".join("---" if i < right else "---:" for i in range(len(head))) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _md_notes(numbers: Sequence[int]) -> str:
    return "".join(f"[^{n}]" for n in numbers)


def render_markdown(report: Report, charts_png: Mapping[str, str]) -> str:
    """The report as Markdown; ``charts_png`` maps a caption to the PNG file name (beside
    the Markdown file) that draws it."""
    out = [f"# {report.title}", ""]
    out.append(_md_meta(report))
    out += [
        "",
        "## Summary",
        "",
        "Personnel that materialise in each scenario, and the fill "
        "of each force option (personnel fill: its filled personnel over its required "
        "personnel, as on the dashboard; ✓ met, ✗ not met).",
        "",
    ]
    head = ["scenario", "personnel"] + [name for _, name in report.requirements]
    rows = []
    for s in report.scenarios:
        fills = {r.key: r.values for r in s.options}
        rows.append(
            [s.name, f"{s.personnel:,}"]
            + [
                f"{fills[rid]['personnel_fill']:.0%} {'✓' if fills[rid]['met'] else '✗'}"
                if rid in fills
                else "-"
                for rid, _ in report.requirements
            ]
        )
    out += [_md_table(head, rows), ""]
    out += ["Vetoes: personnel that hangs on each condition [persons].", ""]
    head = ["scenario"] + [name for _, name in report.conditions]
    rows = [
        [s.name]
        + [
            f"{v.values['personnel']:,}" if (v := {r.key: r for r in s.vetoes}.get(cid)) else "-"
            for cid, _ in report.conditions
        ]
        for s in report.scenarios
    ]
    out += [_md_table(head, rows), "", "## Charts", ""]
    for caption, png in charts_png.items():
        out += [f"![{caption}]({png})", ""]
    for name, (columns, table) in report.chart_tables.items():
        out += [
            f"{report.charts[name]['title']['text']}:",
            "",
            _md_table(
                columns,
                [
                    [
                        f"{c:.1%}"
                        if isinstance(c, float)
                        else f"{c:,}"
                        if isinstance(c, int)
                        else c
                        for c in row
                    ]
                    for row in table
                ],
            ),
            "",
        ]
    for s in report.scenarios:
        out += [f"## {s.name}", "", f"`{s.id}`: {s.personnel:,} personnel.{_md_notes(s.notes)}", ""]
        out += [
            "### Force by nation",
            "",
            _md_table(
                ["nation", "personnel", "share"],
                [
                    [
                        f"{r.label}{_md_notes(r.notes)}",
                        f"{r.values['personnel']:,}",
                        f"{r.values['share']:.1%}",
                    ]
                    for r in s.nations
                ],
            ),
            "",
        ]
        out += [
            "### Force options",
            "",
            _md_table(
                ["force option", "required personnel", "filled personnel", "personnel fill", "met"],
                [
                    [
                        f"{r.label}{_md_notes(r.notes)}",
                        f"{r.values['required_personnel']:,.0f}",
                        f"{r.values['filled_personnel']:,.0f}",
                        f"{r.values['personnel_fill']:.1%}",
                        "yes" if r.values["met"] else "no",
                    ]
                    for r in s.options
                ],
            ),
            "",
        ]
        out += [
            "### Vetoes",
            "",
            _md_table(
                ["condition", "personnel hanging on it"],
                [
                    [f"{r.label}{_md_notes(r.notes)}", f"{r.values['personnel']:,}"]
                    for r in s.vetoes
                ],
            ),
            "",
        ]
    out += [
        "## Assumptions made",
        "",
        f"{len(report.assumptions):,} figures of the workspace "
        "are the project's assumptions, not reported figures:",
        "",
    ]
    out += [
        _md_table(
            ["record", "figure", "why"],
            [
                [a.record, "every figure" if a.field == "*" else a.field, a.why]
                for a in report.assumptions
            ],
            right=9,
        ),
        "",
    ]
    out += ["## Sources", ""]
    for note in report.footnotes:
        out.append(f"[^{note.number}]: {_md_source(note)}")
    return "\n".join(out) + "\n"


def _md_meta(report: Report) -> str:
    parts = [f"Workspace {report.origin}"]
    if report.as_of:
        parts.append(f"the force as of {report.as_of}")
    if report.overrides:
        parts.append("with --set " + "; ".join(report.overrides))
    parts.append(f"forcegen {report.version}")
    return ", ".join(parts) + "."


def _md_source(note: Footnote) -> str:
    text = note.title or note.url
    if note.date:
        text += f" ({note.date})"
    return f"{text}, <{note.url}>" if note.is_link else f"{text}"
