"""Charts of a sweep: a line chart (one axis) or heat maps (two axes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from forcegen import SweepResult
from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction
from forcegen.plots import pyplot, save


def sweep_chart(
    result: SweepResult, directory: Path, out: OutputTransaction | None = None
) -> list[Path]:
    """Expected personnel and P(met) of each requirement over the grid, staged in the
    output transaction ``out`` (or written at once without it)."""
    if len(result.axes) == 1:
        return _lines(result, directory, out)
    if len(result.axes) == 2:
        return _heatmaps(result, directory, out)
    raise ForcegenError("charts of a sweep need one or two axes; use --csv for more")


def _requirements(result: SweepResult) -> list[str]:
    first = result.rows[0]
    return [k.split(":", 1)[1] for k in first if k.startswith("p_met:")]


def _lines(
    result: SweepResult, directory: Path, out: OutputTransaction | None = None
) -> list[Path]:
    plt = pyplot()
    axis = result.axes[0]
    x = [row[axis.condition] for row in result.rows]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
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
    top.legend(frameon=False, fontsize=8)
    for rid in _requirements(result):
        bottom.plot(x, [100 * r[f"p_met:{rid}"] for r in result.rows], marker=".", label=rid)
        bottom.plot(
            x,
            [100 * r[f"fill:{rid}"] for r in result.rows],
            linestyle=":",
            color=bottom.get_lines()[-1].get_color(),
        )
    bottom.set_ylabel("P(met) (solid), expected fill (dotted) [%]")
    bottom.set_xlabel(f"P({axis.condition})")
    bottom.legend(frameon=False, fontsize=8)
    fig.suptitle(_title(result))
    return save(fig, directory, "sweep", out)


def _heatmaps(
    result: SweepResult, directory: Path, out: OutputTransaction | None = None
) -> list[Path]:
    plt = pyplot()
    a, b = result.axes
    metrics = ["personnel_mean"] + [f"fill:{rid}" for rid in _requirements(result)]
    cols = min(3, len(metrics))
    rows = (len(metrics) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.6 * rows), squeeze=False)
    for k, metric in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        grid = np.array([row[metric] for row in result.rows]).reshape(len(a.values), len(b.values))
        scale = 1.0 if metric == "personnel_mean" else 100.0
        image = ax.imshow(grid * scale, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(b.values)), [f"{v:g}" for v in b.values], fontsize=7)
        ax.set_yticks(range(len(a.values)), [f"{v:g}" for v in a.values], fontsize=7)
        ax.set_xlabel(f"P({b.condition})", fontsize=8)
        ax.set_ylabel(f"P({a.condition})", fontsize=8)
        label = (
            "expected personnel"
            if metric == "personnel_mean"
            else f"expected fill {metric.split(':', 1)[1]} [%]"
        )
        ax.set_title(label, fontsize=9)
        fig.colorbar(image, ax=ax)
    for k in range(len(metrics), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(_title(result))
    fig.tight_layout()
    return save(fig, directory, "sweep", out)


def _title(result: SweepResult) -> str:
    how = "exact" if result.exact else f"{result.draws:,} draws per point, seed {result.seed}"
    return f"sweep over {', '.join(a.condition for a in result.axes)} ({how})"
