"""Charts of ``forcegen compare``: personnel by nation (grouped bars, nation colours, one
hatch per item) and personnel fill by force option (grouped bars per item, with the
100 % line)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from forcegen import ComparisonResult, Workspace, names
from forcegen.io.atomic import OutputTransaction
from forcegen.plots import FORMATS, pyplot, save
from forcegen.plots.style import caption, caption_text, nation_colours, thousands

HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")
"""One hatch per item (repeated beyond eight items)."""


def _letter(k: int) -> str:
    return chr(ord("A") + k % 26) + (str(k // 26 + 1) if k >= 26 else "")


def item_legend(result: ComparisonResult) -> list[str]:
    """'A: <scenario name>' for each item, with its workspace when the items come from
    more than one."""
    several = len(set(result.workspaces)) > 1
    return [
        f"{_letter(k)}: {result.scenario_names[k] or 'every pledge not withdrawn'}"
        + (f" ({Path(result.workspaces[k].removeprefix('builtin:')).name})" if several else "")
        for k in range(len(result.items))
    ]


def _caption(figure: object, result: ComparisonResult, workspace: Workspace) -> None:
    odds = result.draws > 0
    figure.tight_layout()  # type: ignore[attr-defined]
    where = sorted({w.removeprefix("builtin:") for w in result.workspaces})
    caption(
        figure,
        caption_text(
            workspace,
            scenario=f"items A-{_letter(len(result.items) - 1)} in the legend; workspace "
            + ", ".join(where),
            seed=result.seed if odds else None,
            draws=result.draws or None,
        ),
    )


def _name(workspaces: Sequence[Workspace], lookup: object, key: str) -> str:
    for ws in workspaces:
        name = lookup(ws, key)  # type: ignore[operator]
        if name != key:
            return str(name)
    return key


def nations_chart(
    result: ComparisonResult,
    workspaces: Sequence[Workspace],
    directory: Path,
    out: OutputTransaction | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Path]:
    """Active personnel by nation [persons], one bar per item in each nation's group, in
    the nation's colour, items told apart by hatching; ``compare_nations.png/.svg``."""
    plt = pyplot()
    from matplotlib.patches import Patch

    colours: dict[str, str] = {}
    for ws in reversed(list(workspaces)):
        colours.update(nation_colours(ws))
    nations = [iso3 for iso3, v in result.nations.items() if any(v)]
    nations.sort(key=lambda iso3: -max(result.nations[iso3]))
    n = len(result.items)
    width = 0.8 / n
    fig, ax = plt.subplots(figsize=(min(14.0, max(6.0, 0.3 * len(nations) * n + 2)), 4.8))
    for k in range(n):
        xs = [i - 0.4 + width * (k + 0.5) for i in range(len(nations))]
        ax.bar(
            xs,
            [result.nations[iso3][k] for iso3 in nations],
            width=width,
            color=[colours.get(iso3, "#999999") for iso3 in nations],
            hatch=HATCHES[k % len(HATCHES)],
            edgecolor="#333333",
            linewidth=0.5,
        )
    ax.set_xticks(range(len(nations)))
    ax.set_xticklabels(
        [_name(workspaces, names.nation, iso3) for iso3 in nations],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    ax.set_ylabel("active personnel [persons]")
    thousands(ax.yaxis)
    handles = [
        Patch(facecolor="white", edgecolor="#333333", hatch=HATCHES[k % len(HATCHES)], label=text)
        for k, text in enumerate(item_legend(result))
    ]
    ax.legend(handles=handles, frameon=False, fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0))
    fig.suptitle("Personnel by nation")
    _caption(fig, result, workspaces[0])
    return save(fig, directory, "compare_nations", out, formats)


def fill_chart(
    result: ComparisonResult,
    workspaces: Sequence[Workspace],
    directory: Path,
    out: OutputTransaction | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Path]:
    """Personnel fill [%] of each force option, one bar per item in each option's
    group, with the 100 % line (filled); ``compare_fill.png/.svg``."""
    plt = pyplot()
    options = list(result.requirements)
    n = len(result.items)
    width = 0.8 / n
    fig, ax = plt.subplots(figsize=(min(14.0, max(6.0, 0.6 * len(options) * n + 2)), 5.2))
    for k, text in enumerate(item_legend(result)):
        xs = [i - 0.4 + width * (k + 0.5) for i in range(len(options))]
        fills = [result.requirements[rid].personnel_fill[k] for rid in options]
        ax.bar(
            xs,
            [0.0 if f is None else 100 * f for f in fills],
            width=width,
            hatch=HATCHES[k % len(HATCHES)],
            edgecolor="#333333",
            linewidth=0.5,
            label=text,
        )
    ax.axhline(100, color="#444444", linestyle="--", linewidth=0.8)
    ax.text(1.0, 100, " 100 %: filled", transform=ax.get_yaxis_transform(), fontsize=7, va="bottom")
    ax.set_xticks(range(len(options)))
    ax.set_xticklabels(
        [_name(workspaces, names.requirement, rid) for rid in options],
        rotation=20,
        ha="right",
        fontsize=8,
    )
    ax.set_ylim(0, 110)
    ax.set_ylabel("personnel fill (filled / required personnel) [%]")
    ax.legend(frameon=False, fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0))
    fig.suptitle("Personnel fill by force option")
    _caption(fig, result, workspaces[0])
    return save(fig, directory, "compare_fill", out, formats)
