"""Charts of a sweep: a line chart (one axis) or heat maps (two axes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from forcegen import SweepResult, Workspace, names
from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction
from forcegen.plots import pyplot, save
from forcegen.plots.style import caption, caption_text, thousands


def sweep_chart(
    workspace: Workspace,
    result: SweepResult,
    directory: Path,
    out: OutputTransaction | None = None,
    scenario: str | None = None,
) -> list[Path]:
    """Expected personnel and P(met) of each requirement over the grid, staged in the
    output transaction ``out`` (or written at once without it); conditions and force
    options by name, the scenario (id) and seed in the caption."""
    if len(result.axes) == 1:
        return _lines(workspace, result, directory, out, scenario)
    if len(result.axes) == 2:
        return _heatmaps(workspace, result, directory, out, scenario)
    raise ForcegenError("charts of a sweep need one or two axes; use --csv for more")


SUSTAIN = ("sustain_at_horizon", "sustain_personnel_over_horizon")
"""Row keys of the sustainment figures (present when an axis is a field path)."""


def _sustain_label(result: SweepResult, key: str) -> str:
    months = result.sustain_months
    if key == "sustain_at_horizon":
        return f"sustained at month {months} [persons]"
    return f"personnel over {months} months [persons]"


def _requirements(result: SweepResult) -> list[str]:
    first = result.rows[0]
    return [k.split(":", 1)[1] for k in first if k.startswith("p_met:")]


def _caption(
    figure: object, workspace: Workspace, result: SweepResult, scenario: str | None
) -> None:
    name = names.scenario(workspace, scenario) if scenario is not None else None
    caption(
        figure,
        caption_text(
            workspace,
            scenario=name,
            seed=result.seed,
            draws=result.draws or None,
            exact=result.exact,
        ),
    )


def _lines(
    workspace: Workspace,
    result: SweepResult,
    directory: Path,
    out: OutputTransaction | None,
    scenario: str | None,
) -> list[Path]:
    plt = pyplot()
    axis = result.axes[0]
    x = [row[axis.condition] for row in result.rows]
    panels = 3 if result.sustain_months is not None else 2
    fig, axs = plt.subplots(panels, 1, figsize=(8, 3.5 * panels), sharex=True)
    top, bottom = axs[0], axs[-1]
    if result.sustain_months is not None:
        held = axs[1]
        for key in SUSTAIN:
            held.plot(
                x, [r[key] for r in result.rows], marker="o", label=_sustain_label(result, key)
            )
        held.set_ylabel("coalition sustainment [persons]")
        thousands(held.yaxis)
        held.legend(frameon=False, fontsize=8)
    mean = [row["personnel_mean"] for row in result.rows]
    top.fill_between(
        x,
        [r["personnel_p05"] for r in result.rows],
        [r["personnel_p95"] for r in result.rows],
        alpha=0.2,
        label="5-95 %",
    )
    top.plot(x, mean, marker="o", label="mean")
    top.set_ylabel("personnel [persons]")
    thousands(top.yaxis)
    top.legend(frameon=False, fontsize=8)
    for rid in _requirements(result):
        head = [r.get(f"p_headcount:{rid}") for r in result.rows]
        bottom.plot(
            x,
            [100 * r[f"personnel_fill:{rid}"] for r in result.rows],
            marker=".",
            label=names.requirement(workspace, rid),
        )
        if all(h is not None for h in head):
            bottom.plot(
                x,
                [100 * float(h) for h in head if h is not None],
                linestyle=":",
                color=bottom.get_lines()[-1].get_color(),
            )
    bottom.set_ylabel("personnel fill (solid), P(headcount) (dotted) [%]")
    bottom.set_ylim(0, 100)
    bottom.set_xlabel(axis.label(workspace))
    bottom.legend(frameon=False, fontsize=8)
    fig.suptitle(_title(workspace, result))
    _caption(fig, workspace, result, scenario)
    return save(fig, directory, "sweep", out)


def _heatmaps(
    workspace: Workspace,
    result: SweepResult,
    directory: Path,
    out: OutputTransaction | None,
    scenario: str | None,
) -> list[Path]:
    plt = pyplot()
    a, b = result.axes
    counts = ["personnel_mean"]
    if result.sustain_months is not None:
        counts += list(SUSTAIN)
    metrics = counts + [f"personnel_fill:{rid}" for rid in _requirements(result)]
    cols = min(3, len(metrics))
    rows = (len(metrics) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.6 * rows), squeeze=False)
    for k, metric in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        grid = np.array([row[metric] for row in result.rows]).reshape(len(a.values), len(b.values))
        scale = 1.0 if metric in counts else 100.0
        # fills share one scale, 0-100 %, so that the panels compare side by side
        limits = {} if metric in counts else {"vmin": 0.0, "vmax": 100.0}
        image = ax.imshow(grid * scale, origin="lower", aspect="auto", cmap="viridis", **limits)
        ax.set_xticks(range(len(b.values)), [f"{v:g}" for v in b.values], fontsize=7)
        ax.set_yticks(range(len(a.values)), [f"{v:g}" for v in a.values], fontsize=7)
        ax.set_xlabel(b.label(workspace), fontsize=8)
        ax.set_ylabel(a.label(workspace), fontsize=8)
        if metric == "personnel_mean":
            label = "expected personnel"
        elif metric in SUSTAIN:
            label = _sustain_label(result, metric)
        else:
            label = "expected personnel fill [%]\n" + names.requirement(
                workspace, metric.split(":", 1)[1]
            )
        ax.set_title(label, fontsize=9)
        bar = fig.colorbar(image, ax=ax)
        if metric in counts:
            thousands(bar.ax.yaxis)
    for k in range(len(metrics), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(_title(workspace, result))
    fig.tight_layout()
    _caption(fig, workspace, result, scenario)
    return save(fig, directory, "sweep", out)


def _title(workspace: Workspace, result: SweepResult) -> str:
    how = "exact" if result.exact else f"{result.draws:,} draws per point, seed {result.seed:,}"
    varied = ", ".join(a.label(workspace) for a in result.axes)
    return f"Sweep over {varied} ({how})"
