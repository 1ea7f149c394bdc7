"""Tornado chart of planning sensitivity: each planning figure varied down and up, and
the change in coalition strength in the field at the horizon [persons].

:func:`figure_label` is the one wording of a row (``United Kingdom rotation ratio 5 -> 4
/ 6``), shared with the ``sensitivity`` report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forcegen import PlanningSensitivity, names
from forcegen.io.atomic import OutputTransaction
from forcegen.model.workspace import Workspace
from forcegen.plots import pyplot, save
from forcegen.plots.style import caption, caption_text, thousands

FIGURE_WORDS = {
    "rotation_ratio": "rotation ratio",
    "deployable_fraction": "deployable fraction",
    "tour_months": "tour months",
    "readiness_days": "readiness days",
}
"""Each planning figure in words, as tables and charts name it."""

LOW_COLOUR = "#4c72b0"
HIGH_COLOUR = "#dd8452"


def _value(value: float, clamped: bool = False) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"
    return text + ("*" if clamped else "")


def figure_label(workspace: Workspace | None, bar: Any) -> str:
    """``United Kingdom rotation ratio 5 -> 4 / 6`` for a bar of a
    :class:`~forcegen.PlanningSensitivity`: who, which figure, base -> low / high (* marks
    a value the valid range or whole units moved)."""
    who = "Workspace default" if bar.nation is None else names.nation(workspace, bar.nation)
    what = FIGURE_WORDS[bar.figure]
    if bar.from_default and bar.nation is not None:
        what += " (default)"
    if bar.figure == "readiness_days" and len(bar.paths) > 1:
        what += f" (longest of {len(bar.paths):,} pledges)"
    return (
        f"{who} {what} {_value(bar.base)} -> {_value(bar.low.value, bar.low.clamped)} / "
        f"{_value(bar.high.value, bar.high.clamped)}"
    )


def tornado_chart(
    result: PlanningSensitivity,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
    top: int = 20,
) -> list[Path]:
    """Horizontal bars, largest effect on top: the change in coalition strength in the
    field at the horizon [persons] with each figure at its low and at its high value (at
    most ``top`` rows, in the result's rank order); writes ``sensitivity_tornado``."""
    plt = pyplot()
    bars = list(result.bars[:top])
    fig, ax = plt.subplots(figsize=(10, 1.4 + 0.38 * max(len(bars), 1)))
    ys = range(len(bars))
    ax.barh(
        list(ys),
        [b.low.at_horizon for b in bars],
        color=LOW_COLOUR,
        height=0.7,
        label=f"figure -{result.spread:.0%}",
    )
    ax.barh(
        list(ys),
        [b.high.at_horizon for b in bars],
        color=HIGH_COLOUR,
        height=0.7,
        alpha=0.85,
        label=f"figure +{result.spread:.0%}",
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(list(ys), [figure_label(workspace, b) for b in bars], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(
        f"change in coalition strength in the field at month {result.months:,} [persons] "
        f"(base {result.base_at_horizon:,.0f})"
    )
    thousands(ax.xaxis)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    scenario = names.scenario(workspace, result.scenario)
    ax.set_title(f"Sensitivity to planning figures: {scenario}")
    if workspace is not None:
        more = len(result.bars) - len(bars)
        note = "* clamped to the valid range or rounded to whole units"
        if more > 0:
            note += f"; {more:,} smaller rows not shown"
        caption(fig, caption_text(workspace, scenario=scenario, note=note))
    return save(fig, directory, "sensitivity_tornado", out)
