"""Rich rendering of ``forcegen deploy`` results."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from forcegen import DeploymentResult
from forcegen.cli.console import make_console

MAX_BOTTLENECKS = 10
"""Bottlenecks listed in the terminal report (all are in --json)."""


def _day(value: int | None) -> str:
    return "-" if value is None else str(value)


def print_deploy_report(result: DeploymentResult) -> None:
    """Closure by nation and destination, late units, bottlenecks and disruptions."""
    console = make_console()
    plan = result.plan
    which = f"scenario {result.scenario}" if result.scenario else "every pledge (no scenario)"
    if result.requirement:
        which += f", sourced to {result.requirement}"
    personnel = sum(m.personnel for m in result.movements)
    closure = (
        f"in place on day {plan.closure_day}"
        if plan.closure_day is not None
        else f"NOT in place by day {plan.horizon}"
    )
    console.print(
        f"forcegen deploy: {which}: {personnel:,.0f} personnel in {len(result.movements)} "
        f"units, {closure} (personnel day {_day(plan.closure_by_load.get('personnel'))}, "
        f"cargo day {_day(plan.closure_by_load.get('cargo'))})",
        style="bold",
        highlight=False,
    )
    nations = Table(title="Closure by nation (days after activation)", title_justify="left")
    for column in ("nation", "units", "personnel", "short tons", "closure day", "late units"):
        nations.add_column(column, justify="left" if column == "nation" else "right")
    closure_by_nation = plan.nation_closure()
    for nation, day in closure_by_nation.items():
        units = [u for u in plan.units if u.movement.nation == nation]
        late = sum(1 for u in units if u.late_days)
        nations.add_row(
            nation,
            str(len(units)),
            f"{sum(u.movement.personnel for u in units):,.0f}",
            f"{sum(u.movement.short_tons for u in units):,.0f}",
            _day(day),
            Text(str(late), style="red") if late else Text("-"),
        )
    console.print(nations)
    places = Table(title="Destinations", title_justify="left")
    for column in ("destination", "zone", "personnel", "closure day", "km to line of contact"):
        places.add_column(column, justify="left" if column in ("destination", "zone") else "right")
    for row in result.destinations():
        km = row["km_to_line_of_contact"]
        places.add_row(
            str(row["name"]),
            str(row["zone"] or "-"),
            f"{float(row['personnel']):,.0f}",  # type: ignore[arg-type]
            _day(row["closure_day"]),  # type: ignore[arg-type]
            "-" if km is None else f"{float(km):,.0f}",  # type: ignore[arg-type]
        )
    console.print(places)
    late_units = [u for u in plan.units if u.late_days]
    if late_units:
        table = Table(title="Late units", title_justify="left")
        for column in ("unit", "nation", "destination", "ready", "required", "closure", "late"):
            table.add_column(
                column, justify="left" if column in ("unit", "nation", "destination") else "right"
            )
        for u in sorted(late_units, key=lambda u: -(u.late_days or 0)):
            table.add_row(
                u.movement.unit,
                u.movement.nation,
                u.movement.destination,
                str(u.movement.ready_day),
                _day(u.movement.required_day),
                _day(u.closure_day),
                Text(str(u.late_days), style="red"),
            )
        console.print(table)
    if plan.bottlenecks:
        console.print("Bottlenecks (binding capacities, largest shadow price first):", style="bold")
        for b in plan.bottlenecks[:MAX_BOTTLENECKS]:
            console.print(f"  - {b.text}", highlight=False)
        if len(plan.bottlenecks) > MAX_BOTTLENECKS:
            console.print(f"  ... {len(plan.bottlenecks) - MAX_BOTTLENECKS} more in --json")
    else:
        console.print("No binding capacity: every unit moves as fast as its route allows.")
    if plan.beyond_horizon:
        console.print(
            f"Cannot close within the horizon (day {plan.horizon:,}), left out of the plan "
            f"({len(plan.beyond_horizon)}): "
            + "; ".join(f"{b.unit} ({b.reason})" for b in plan.beyond_horizon[:8])
            + (" ..." if len(plan.beyond_horizon) > 8 else ""),
            highlight=False,
            markup=False,
        )
    if plan.not_moved:
        console.print(
            f"Not moved through the network ({len(plan.not_moved)}): "
            + "; ".join(f"{n.unit} ({n.reason})" for n in plan.not_moved[:8])
            + (" ..." if len(plan.not_moved) > 8 else ""),
            highlight=False,
        )
    if result.disruptions is not None:
        q = result.disruptions.quantiles()
        console.print(
            f"Disruptions: {len(result.disruptions.closure_days)} draws (seed "
            f"{result.disruptions.seed}): closure day p05 {_day(q['p05'])}, p50 "
            f"{_day(q['p50'])}, p95 {_day(q['p95'])}; not closed by day {plan.horizon}: "
            f"{result.disruptions.not_closed}",
            highlight=False,
        )
