"""The timeline: personnel promised over time by pledge status, with an as-of
slider."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
from forcegen.web import charts
from forcegen.web.pages.common import (
    cell,
    friendly,
    house_colours,
    num,
    page_cached,
    render,
    router,
    scenario_caption,
    section,
    table,
)
from forcegen.web.state import workspace_state


@router.get("/timeline", response_class=HTMLResponse)
@friendly
def timeline(request: Request, as_of: str | None = None, at: int | None = None) -> HTMLResponse:
    """The promised force over time with an as-of slider (``forcegen.timeline`` up to
    the date chosen)."""
    held = workspace_state(request)
    ws = held.workspace
    full = page_cached(held, ("timeline", None), lambda: forcegen.timeline(ws).to_json())
    dates: list[str] = full["dates"]
    if at is not None and dates:
        as_of = dates[max(0, min(at, len(dates) - 1))]
    day = forcegen.parse_as_of(as_of) if as_of else None
    doc = (
        full
        if day is None
        else page_cached(
            held, ("timeline", day.isoformat()), lambda: forcegen.timeline(ws, end=day).to_json()
        )
    )
    colours = house_colours(held)
    caption = scenario_caption(ws, None)
    shown: list[str] = doc["dates"]
    statuses = [s for s in ("stated", "earmarked", "deployed") if s in doc["personnel"]]
    status_rows = [
        {"date": d, "series": s, "name": s, "personnel": doc["personnel"][s][i], "order": k}
        for k, s in enumerate(statuses)
        for i, d in enumerate(shown)
    ]
    nation_rows = [
        {"date": d, "series": n, "name": names.nation(ws, n), "personnel": series[i], "order": k}
        for k, (n, series) in enumerate(doc["by_nation"].items())
        if any(series)
        for i, d in enumerate(shown)
    ]
    events = doc["events"]
    marks = [  # summits, decisions and declarations: the dates that moved the force
        {"date": e["date"], "label": e["label"]}
        for e in events
        if e.get("kind") in {"summit", "decision", "declaration"}
    ]
    last = len(shown) - 1
    latest = [
        (
            {"data_nation": n},
            [cell(names.nation(ws, n)), num(series[last], data_field="personnel")],
        )
        for n, series in sorted(
            doc["by_nation"].items(), key=lambda kv: -kv[1][last] if last >= 0 else 0
        )
        if last >= 0 and series[last]
    ]
    status_table = [
        [cell(d)] + [num(doc["personnel"][s][i]) for s in statuses] + [num(doc["total"][i])]
        for i, d in reversed(list(enumerate(shown)))
    ]
    event_rows = [
        [cell(e["date"]), cell(e.get("kind") or ""), cell(e["label"]), cell(e.get("summary") or "")]
        for e in reversed(events)
    ]
    position = len(shown) - 1 if day is not None else len(dates) - 1
    sections = [
        section(
            "status",
            "The promised force by status",
            chart="status",
            caption=caption,
            table=table(
                "Personnel by status on each date, latest first",
                [("date", False)] + [(s, True) for s in statuses] + [("total", True)],
                status_table,
                id="table-status",
            ),
        ),
        section(
            "nations",
            "The promised force by nation",
            chart="nations",
            caption=caption,
            table=table(
                f"Personnel by nation on {shown[-1] if shown else '-'}",
                [("nation", False), ("personnel", True)],
                latest,
                id="table-nations",
            ),
        ),
        section(
            "events",
            "Events, offers and refusals",
            wide=True,
            table=table(
                "What happened, latest first",
                [("date", False), ("kind", False), ("what", False), ("summary", False)],
                event_rows,
                id="table-events",
            ),
        ),
    ]
    specs = {
        "status": charts.stacked_area(
            status_rows,
            None,
            "Personnel promised, by status",
            caption,
            marks=marks,
            as_of=day.isoformat() if day else None,
        ),
        "nations": charts.stacked_area(
            nation_rows,
            colours,
            "Personnel promised, by nation",
            caption,
            series_title="nation",
            as_of=day.isoformat() if day else None,
        ),
    }
    return render(
        request,
        "timeline.html",
        "Timeline",
        lead=f"The force as promised on {len(dates)} dates; as of {shown[-1] if shown else '-'}.",
        sections=sections,
        specs=specs,
        dates=dates,
        position=max(position, 0),
        as_of=shown[-1] if shown else "",
    )
