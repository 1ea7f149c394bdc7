"""The tables of ``--csv`` and ``--xlsx``: the results' DataFrame views with readable
column names, units in the headers (``"personnel [persons]"``, ``"personnel fill
[0-1]"``), and each id next to its name (``"nation"``, ``"nation name"``).

Every command that exports has a list of tables, the first one its *main table*:
``--csv PATH`` writes the main table (a CSV file holds one table), ``--xlsx PATH`` writes
them all, one sheet each, after an "About" sheet (docs/outputs.md). Figures are the
unrounded values of ``--json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forcegen import names

if TYPE_CHECKING:
    import pandas as pd

    from forcegen import (
        DeploymentResult,
        MonteCarloResult,
        OutputTransaction,
        ScenarioResult,
        SourcingResult,
        SustainmentResult,
        SweepResult,
        Workspace,
    )

Tables = dict[str, "pd.DataFrame"]
"""Sheet name -> table, the main table first."""


def check_paths(csv: Path | None, xlsx: Path | None) -> None:
    """Before any work: the paths can be written, and openpyxl is there for ``xlsx``."""
    import forcegen
    from forcegen.cli.progress import output_file

    if xlsx is not None:
        forcegen.check_xlsx()
    for path in (csv, xlsx):
        if path is not None:
            output_file(path)


def write(
    out: OutputTransaction,
    workspace: Workspace,
    command: str,
    tables: Callable[[], Tables],
    csv: Path | None,
    xlsx: Path | None,
    *,
    scenario: str | Sequence[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    no_scenario: str = "every condition free",
) -> None:
    """Stage the main table as ``csv`` and every table as the workbook ``xlsx`` in
    ``out``; the tables are built only when one of them is asked for. ``no_scenario``
    says what no scenario means for this command."""
    import forcegen

    if csv is None and xlsx is None:
        return
    built = tables()
    if csv is not None:
        forcegen.write_csv(next(iter(built.values())), csv, out)
    if xlsx is not None:
        info = about(
            workspace,
            command,
            built,
            scenario=scenario,
            settings=settings,
            no_scenario=no_scenario,
        )
        forcegen.write_xlsx(built, xlsx, out, about=info)


def about(
    workspace: Workspace,
    command: str,
    tables: Tables,
    *,
    scenario: str | Sequence[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    no_scenario: str = "every condition free",
) -> list[tuple[str, str]]:
    """The "About" sheet: command, workspace, scenario (an id, None for every condition
    free, or several ids), settings (seed, draws...), forcegen version, data sources,
    then one line per table sheet."""
    import forcegen

    ids = [scenario] if scenario is None or isinstance(scenario, str) else list(scenario)
    rows = [
        ("command", f"forcegen {command}"),
        ("workspace", workspace.origin or "(built in memory)"),
        (
            "scenario" if len(ids) == 1 else "scenarios",
            "; ".join(
                names.scenario(workspace, sid) + f" ({sid})" if sid is not None else no_scenario
                for sid in ids
            ),
        ),
    ]
    if workspace.as_of is not None:
        rows.append(
            (
                "as of",
                f"{workspace.as_of.isoformat()} (each pledge as its latest revision by then)",
            )
        )
    if workspace.overrides:
        rows.append(("overrides (--set)", "; ".join(workspace.overrides)))
    for key, value in (settings or {}).items():
        rows.append(
            (
                key,
                f"{value:,}"
                if isinstance(value, int) and not isinstance(value, bool)
                else str(value),
            )
        )
    rows.append(("forcegen version", forcegen.__version__))
    rows.append(("data sources", sources_note(workspace)))
    rows.append(
        (
            "units",
            "in each column header: [persons] personnel, [units] capability units, "
            "[0-1] fractions and probabilities, [months] months; ids are the workspace's, "
            "names are for reading",
        )
    )
    rows += [(f"sheet: {name}", _describe(frame)) for name, frame in tables.items()]
    return rows


def sources_note(workspace: Workspace) -> str:
    """'forcegen dataset, N cited sources (most cited: ...); every figure ...'."""
    from forcegen.plots.style import source_publishers

    top, count = source_publishers(workspace)
    text = f"forcegen dataset, {count:,} cited sources"
    if top:
        text += " (most cited: " + ", ".join(top) + ")"
    return (
        text + "; every figure of the workspace carries a source or is labelled an "
        "assumption (docs/dataset.md, docs/nations-sourcing.md)"
    )


def _describe(frame: pd.DataFrame) -> str:
    rows = len(frame)
    return f"{rows:,} row{'s' if rows != 1 else ''}, {len(frame.columns):,} columns"


# -- run ------------------------------------------------------------------------------


def run_tables(workspace: Workspace, results: Mapping[str, ScenarioResult]) -> Tables:
    """Force options (main), nations, capabilities, lines and vetoes of each scenario."""
    import pandas as pd

    def scenario_columns(sid: str, frame: pd.DataFrame) -> pd.DataFrame:
        frame.insert(0, "scenario", sid)
        frame.insert(1, "scenario name", names.scenario(workspace, sid))
        return frame

    options, nations, capabilities, lines, vetoes = [], [], [], [], []
    for sid, result in results.items():
        req = result.requirements_frame().reset_index()
        options.append(
            scenario_columns(
                sid,
                pd.DataFrame(
                    {
                        "force option": req["requirement"],
                        "force option name": req["name"],
                        "required units [units]": req["required_units"],
                        "filled units [units]": req["filled_units"],
                        "unit fill [0-1]": req["fill_ratio"],
                        "required personnel [persons]": req["required_personnel"],
                        "filled personnel [persons]": req["filled_personnel"],
                        "personnel fill [0-1]": req["personnel_fill"],
                        "met": req["met"],
                        "blocking lines": req["blocking_lines"],
                    }
                ),
            )
        )
        nat = result.nations_frame().reset_index()
        nations.append(
            scenario_columns(
                sid,
                pd.DataFrame(
                    {
                        "nation": nat["nation"],
                        "nation name": [names.nation(workspace, n) for n in nat["nation"]],
                        "personnel [persons]": nat["personnel"],
                    }
                ),
            )
        )
        cap = result.capabilities_frame().reset_index()
        capabilities.append(
            scenario_columns(
                sid,
                pd.DataFrame(
                    {
                        "capability": cap["capability"],
                        "capability name": [
                            names.capability(workspace, c) for c in cap["capability"]
                        ],
                        "units [units]": cap["units"],
                        "personnel [persons]": cap["personnel"],
                    }
                ),
            )
        )
        line = result.lines_frame().reset_index()
        lines.append(
            scenario_columns(
                sid,
                pd.DataFrame(
                    {"force option": line["requirement"], **line_columns(workspace, line)}
                ),
            )
        )
        veto = result.veto_frame().reset_index()
        vetoes.append(
            scenario_columns(
                sid,
                pd.DataFrame(
                    {
                        "condition": veto["condition"],
                        "condition name": [
                            names.condition(workspace, c) for c in veto["condition"]
                        ],
                        "troops hanging on it [persons]": veto["veto"],
                        "holds": veto["value"],
                        "fixed by the scenario": veto["fixed_by_scenario"],
                    }
                ),
            )
        )
    return {
        "Force options": _concat(options),
        "Nations": _concat(nations),
        "Capabilities": _concat(capabilities),
        "Lines": _concat(lines),
        "Vetoes": _concat(vetoes),
    }


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# -- montecarlo -----------------------------------------------------------------------


def montecarlo_tables(workspace: Workspace, result: MonteCarloResult) -> Tables:
    """Force options (main), coalition personnel, nations, capabilities, pledges and the
    sensitivity to each free condition."""
    import pandas as pd

    req = result.requirements_frame().reset_index()
    quantiles = {
        f"{label} {q} [0-1]": req[f"{which}_{q}"]
        for which, label in (("fill_ratio", "unit fill"), ("personnel_fill", "personnel fill"))
        for q in ("p05", "p50", "p95")
    }
    options = pd.DataFrame(
        {
            "force option": req["requirement"],
            "force option name": [names.requirement(workspace, r) for r in req["requirement"]],
            "P(met) [0-1]": req["p_met"],
            "P(met) stderr [0-1]": req["stderr"],
            "expected unit fill [0-1]": req["expected_fill_ratio"],
            "expected personnel fill [0-1]": req["expected_personnel_fill"],
            "headline size [persons]": req["personnel"],
            "P(headcount) [0-1]": req["p_headcount"],
            "P(headcount) stderr [0-1]": req["p_headcount_stderr"],
            **quantiles,
        }
    )
    coalition = pd.DataFrame(
        {
            "statistic": list(result.personnel.to_json()),
            "personnel [persons]": list(result.personnel.to_json().values()),
        }
    )
    nat = result.nations_frame().reset_index()
    nations = pd.DataFrame(
        {
            "nation": nat["nation"],
            "nation name": [names.nation(workspace, n) for n in nat["nation"]],
            **{f"personnel {s} [persons]": nat[s].astype(float) for s in _STATISTICS},
        }
    )
    capabilities = pd.DataFrame(
        [
            {
                "capability": cid,
                "capability name": names.capability(workspace, cid),
                "expected units [units]": result.by_capability_units.get(cid, float("nan")),
                **{f"personnel {s} [persons]": v for s, v in dist.to_json().items()},
            }
            for cid, dist in result.by_capability.items()
        ]
    )
    pledges = pd.DataFrame(
        [
            {
                "pledge": pid,
                "pledge name": names.pledge(workspace, pid),
                "P(active) [0-1]": p.p,
                "P(active) stderr [0-1]": p.stderr,
            }
            for pid, p in result.pledges.items()
        ]
    )
    sensitivity = pd.DataFrame(
        [
            {
                "condition": s.condition,
                "condition name": names.condition(workspace, s.condition),
                "personnel if true [persons]": s.personnel_if_true,
                "personnel if false [persons]": s.personnel_if_false,
                "personnel swing [persons]": s.swing_personnel,
                "variance share [0-1]": s.variance_share,
                "Shapley share [0-1]": s.shapley,
                "Shapley share stderr [0-1]": s.shapley_stderr,
                "Shapley effect [persons^2]": s.shapley_personnel_variance,
                **{
                    f"P(met) swing, {names.requirement(workspace, r)} [-1 to 1]": v
                    for r, v in s.swing_p_met.items()
                },
            }
            for s in result.sensitivity
        ]
    )
    return {
        "Force options": options,
        "Coalition": coalition,
        "Nations": nations,
        "Capabilities": capabilities,
        "Pledges": pledges,
        "Sensitivity": sensitivity,
    }


_STATISTICS = ("mean", "stderr", "p05", "p50", "p95")


# -- sustain --------------------------------------------------------------------------


def sustain_tables(workspace: Workspace, result: SustainmentResult) -> Tables:
    """Nations (main), strength in the field and load by month (a column per nation)."""
    import pandas as pd

    nat = result.nations_frame().reset_index()
    nations = pd.DataFrame(
        {
            "nation": nat["nation"],
            "nation name": [names.nation(workspace, n) for n in nat["nation"]],
            "pledged [persons]": nat["pledged"],
            "peak load [persons]": nat["peak_load"],
            "pool [persons]": nat["pool"],
            "tied elsewhere [persons]": nat["tied"],
            "available [persons]": nat["available"],
            "ceiling [persons]": nat["ceiling"],
            "headroom [persons]": nat["headroom"],
            "sustainable": nat["sustainable"].astype(bool),
            "fails at month [months]": nat["fails_at_month"].astype("Int64"),
            "draw-down needed [persons]": nat["draw_down_needed"],
            "draw down from": nat["draw_down_from"],
            "personnel over the horizon [persons]": nat["personnel_over_horizon"],
            "steady-state pool [persons]": nat["steady_state_pool"],
        }
    )
    return {
        "Nations": nations,
        "Strength by month": _by_month(workspace, result.timeline_frame()),
        "Load by month": _by_month(workspace, result.load_frame()),
    }


def _by_month(workspace: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    renamed = {
        column: (
            "coalition [persons]"
            if column == "coalition"
            else f"{names.nation(workspace, column)} [persons]"
        )
        for column in frame.columns
    }
    flat = frame.rename(columns=renamed).reset_index()
    return flat.rename(columns={"month": "month [months]"})


def draws_settings(result: MonteCarloResult) -> dict[str, object]:
    """Seed and draws of a Monte Carlo run for the About sheet."""
    if result.exact:
        return {"draws": "exact enumeration of the free conditions"}
    return {"seed": result.seed, "draws": result.draws}


# -- source, sweep, deploy: workbooks (their CSVs keep the --json column names) --------


def line_columns(workspace: Workspace, line: pd.DataFrame) -> dict[str, Any]:
    """The readable columns of requirement lines (a ``lines_frame()`` with its index
    reset), shared by the run and source workbooks: ids beside names, units in the
    headers."""
    return {
        "line": line["line"],
        "capability": line["capability"],
        "capability name": [names.capability(workspace, c) for c in line["capability"]],
        "zone": line["zone"],
        "zone name": [
            names.zone(workspace, z if isinstance(z, str) else None) for z in line["zone"]
        ],
        "priority": line["priority"],
        "required [units]": line["required"],
        "filled [units]": line["filled"],
        "shortfall [units]": line["shortfall"],
        "offered [units]": line["offered"],
        "status": line["status"],
        "required personnel [persons]": line["required_personnel"],
        "filled personnel [persons]": line["filled_personnel"],
    }


def source_tables(workspace: Workspace, result: SourcingResult) -> Tables:
    """The lines of the requirement, filled from the pledges."""
    import pandas as pd

    line = result.lines_frame().reset_index()
    nation = result.dependence_nation
    table = pd.DataFrame({**line_columns(workspace, line), "filled by [units]": line["by_nation"]})
    if nation is not None and f"lost_without_{nation}" in line:
        who = names.nation(workspace, nation)
        table[f"lost without {who} [units]"] = line[f"lost_without_{nation}"]
        table[f"only {who} can fill it"] = line[f"only_{nation}"]
    return {"Lines": table}


_SWEEP_METRICS = {
    "p_met": "P(met), {} [0-1]",
    "p_met_stderr": "P(met) stderr, {} [0-1]",
    "fill": "unit fill, {} [0-1]",
    "personnel_fill": "personnel fill, {} [0-1]",
    "p_headcount": "P(headcount), {} [0-1]",
}


def sweep_tables(workspace: Workspace, result: SweepResult) -> Tables:
    """The sweep: one row per grid point, the varied values first."""
    frame = result.frame()
    renamed: dict[str, str] = {}
    for column in frame.columns:
        key = str(column)
        metric, _, rid = key.partition(":")
        if rid and metric in _SWEEP_METRICS:
            renamed[key] = _SWEEP_METRICS[metric].format(names.requirement(workspace, rid))
        elif key.startswith("personnel_"):
            renamed[key] = f"personnel {key.removeprefix('personnel_')} [persons]"
        elif key in workspace.conditions:
            renamed[key] = f"P({names.condition(workspace, key)}) [0-1]"
    return {"Sweep": frame.rename(columns=renamed)}


_UNIT_COLUMNS = [
    "unit",
    "pledge",
    "nation",
    "destination",
    "personnel",
    "short_tons",
    "ready_day",
    "closure_day",
    "required_day",
    "late_days",
]


def deploy_tables(workspace: Workspace, result: DeploymentResult) -> Tables:
    """Units, destinations, bottlenecks, daily utilisation, personnel in place."""
    import pandas as pd

    def node(node_id: object) -> object:
        try:
            return result.network.node(str(node_id)).name
        except KeyError:
            return node_id

    units = result.units_frame().reindex(columns=_UNIT_COLUMNS)
    units_table = pd.DataFrame(
        {
            "unit": units["unit"],
            "pledge": units["pledge"],
            "pledge name": [names.pledge(workspace, p) for p in units["pledge"]],
            "nation": units["nation"],
            "nation name": [names.nation(workspace, n) for n in units["nation"]],
            "destination": units["destination"],
            "destination name": [node(d) for d in units["destination"]],
            "personnel [persons]": units["personnel"],
            "cargo [short tons]": units["short_tons"],
            "ready day [day]": units["ready_day"],
            "closure day [day]": units["closure_day"],
            "required day [day]": units["required_day"],
            "late [days]": units["late_days"],
        }
    )
    dest = result.destinations_frame().reindex(
        columns=["node", "name", "zone", "personnel", "closure_day", "km_to_line_of_contact"]
    )
    destinations = pd.DataFrame(
        {
            "destination": dest["node"],
            "destination name": dest["name"],
            "zone": dest["zone"],
            "zone name": [
                names.zone(workspace, z if isinstance(z, str) else None) for z in dest["zone"]
            ],
            "personnel [persons]": dest["personnel"],
            "closure day [day]": dest["closure_day"],
            "to the line of contact [km]": dest["km_to_line_of_contact"],
        }
    )
    neck = result.bottlenecks_frame()
    bottlenecks = pd.DataFrame(
        {
            "resource": neck["resource"],
            "resource name": neck["name"],
            "what": neck["what"],
            "load": neck["load"],
            "first day [day]": neck["first_day"],
            "last day [day]": neck["last_day"],
            "shadow price [item-days per extra item a day]": neck["shadow_price"],
            "in words": neck["text"],
        }
    )
    daily = result.utilisation_frame().reindex(
        columns=["resource", "name", "kind", "load", "day", "flow", "capacity", "utilisation"]
    )
    utilisation = pd.DataFrame(
        {
            "resource": daily["resource"],
            "resource name": daily["name"],
            "kind": daily["kind"],
            "load": daily["load"],
            "unit": ["persons" if load == "personnel" else "short tons" for load in daily["load"]],
            "day [day]": daily["day"],
            "flow [unit a day]": daily["flow"],
            "capacity [unit a day]": daily["capacity"],
            "utilisation [0-1]": daily["utilisation"],
        }
    )
    in_place = result.in_place_frame()
    in_place = in_place.rename(
        columns={c: f"{names.nation(workspace, str(c))} [persons]" for c in in_place.columns}
    ).reset_index()
    in_place = in_place.rename(columns={"day": "day [day]"})
    return {
        "Units": units_table,
        "Destinations": destinations,
        "Bottlenecks": bottlenecks,
        "Utilisation": utilisation,
        "In place by day": in_place,
    }


def source_settings(
    workspace: Workspace, requirement: str, nation: str | None, time_limit: float | None = None
) -> dict[str, object]:
    """The requirement, the nation whose dependence is measured and the solve's budget
    (``time_limit`` [seconds]; None: bounded by work), for About."""
    return {
        "requirement": f"{names.requirement(workspace, requirement)} ({requirement})",
        "dependence on": "none measured"
        if nation is None
        else f"{names.nation(workspace, nation)} ({nation})",
        "budget": "solver work (--reproducible): the same result on every machine"
        if time_limit is None
        else f"{time_limit:g} s (--time-limit)",
    }


def sweep_settings(result: SweepResult) -> dict[str, object]:
    """Axes, seed and draws of a sweep, for About."""
    settings: dict[str, object] = {
        f"varied: {a.condition}": ", ".join(f"{v:g}" for v in a.values) for a in result.axes
    }
    if result.exact:
        settings["draws"] = "exact enumeration of the free conditions at each point"
    else:
        settings.update({"seed": result.seed, "draws per point": result.draws})
    return settings


def deploy_settings(result: DeploymentResult, draws: int, seed: int) -> dict[str, object]:
    """The requirement moved (if any) and the disruption draws, for About."""
    settings: dict[str, object] = {}
    if result.requirement is not None:
        settings["requirement"] = result.requirement
    if draws:
        settings.update({"disruption draws": draws, "seed": seed})
    return settings
