"""Rich rendering of ``forcegen deploy`` results."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from forcegen import DeploymentResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count

MAX_CAPACITIES = 10
"""Capacities listed in each list of the terminal report (all are in --json)."""

MAX_LISTED = 8
"""Units listed in one line (beyond the horizon, not moved)."""


def _day(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def not_moved_lines(result: DeploymentResult, workspace: Workspace) -> list[str]:
    """One line per reason a unit is not moved through the network, with its personnel,
    e.g. 'Maritime units for the Black Sea, 640 personnel (3 units), are not moved over
    land: the network has no destination node there.'"""
    groups: dict[tuple[str, str, str | None], list[float]] = {}
    for n in result.plan.not_moved:
        where: str | None
        if n.reason.startswith("home-based"):
            kind, where = "home", n.reason.split(": sits at ", 1)[-1]
        elif n.reason == "nation has no origin":
            kind, where = "origin", n.nation
        else:
            kind, where = "destination", n.zone
        groups.setdefault((kind, n.domain, where), []).append(n.personnel)
    lines = []
    for (kind, domain, where), personnel in groups.items():
        what = f"{domain.capitalize() or 'Other'} units"
        many = len(personnel)
        size = f"{count(sum(personnel))} personnel ({many:,} unit{'' if many == 1 else 's'})"
        if kind == "home":
            lines.append(
                f"Headquarters that sit at home ({where}), {size}, are not moved: they "
                "command from outside the theatre."
            )
        elif kind == "destination":
            place = names.zone(workspace, where) if where else "no zone"
            lines.append(
                f"{what} for {place}, {size}, are not moved over land: the network has no "
                "destination node there."
            )
        else:
            nation = names.nation(workspace, where or "")
            lines.append(
                f"{what} of {nation}, {size}, are not moved: the network has no origin "
                "node for that nation."
            )
    return lines


def _capacity_lines(items: Sequence[str], limit: int = MAX_CAPACITIES) -> list[str]:
    lines = [f"  - {text}" for text in items[:limit]]
    if len(items) > limit:
        lines.append(f"  ... {len(items) - limit:,} more in --json")
    return lines


def print_deploy_report(result: DeploymentResult, workspace: Workspace) -> None:
    """Personnel moved and not moved, why the force closes when it does, closure by
    nation and destination, late units, binding and congested capacities, disruptions."""
    console = make_console()

    def say(text: str, style: str | None = None) -> None:
        console.print(text, style=style, highlight=False, markup=False)

    plan = result.plan
    which = (
        names.scenario(workspace, result.scenario)
        if result.scenario
        else "every pledge (no scenario)"
    )
    if result.requirement:
        which += f", sourced to {names.requirement(workspace, result.requirement)}"
    closure = (
        f"in place on day {plan.closure_day:,}"
        if plan.closure_day is not None
        else f"NOT in place by day {plan.horizon:,}"
    )
    if result.requirement:
        counted = "sourced to the requirement"
    elif result.scenario:
        counted = "active in the scenario (as forcegen run counts them)"
    else:
        counted = "pledged (every pledge not withdrawn)"
    say(
        f"forcegen deploy: {which}: {count(result.active_personnel)} personnel {counted}; "
        f"{count(result.moved_personnel)} in {len(result.movements):,} units move through "
        f"the network, {closure} (personnel day "
        f"{_day(plan.closure_by_load.get('personnel'))}, cargo day "
        f"{_day(plan.closure_by_load.get('cargo'))})",
        "bold",
    )
    for line in not_moved_lines(result, workspace):
        say(line)
    if result.critical_path is not None and result.movements:
        say(f"Why: the force {result.critical_path.text}.")

    nations = FittedTable(
        [
            Column("nation", key=True),
            Column("units", "right"),
            Column("personnel", "right"),
            Column("short tons", "right"),
            Column("closure day", "right"),
            Column("late units", "right"),
        ],
        title="Closure by nation (days after activation)",
    )
    for nation, day in plan.nation_closure().items():
        units = [u for u in plan.units if u.movement.nation == nation]
        late = sum(1 for u in units if u.late_days)
        nations.add_row(
            names.nation(workspace, nation),
            f"{len(units):,}",
            count(sum(u.movement.personnel for u in units)),
            count(sum(u.movement.short_tons for u in units)),
            _day(day),
            Text(f"{late:,}", style="red") if late else Text("-"),
        )
    if plan.units:
        console.print(nations)
    places = FittedTable(
        [
            Column("destination", key=True),
            Column("zone"),
            Column("personnel", "right"),
            Column("closure day", "right"),
            Column("km to line of contact", "right"),
        ],
        title="Destinations",
    )
    for row in result.destinations():
        km = row["km_to_line_of_contact"]
        zone = row["zone"]
        places.add_row(
            str(row["name"]),
            names.zone(workspace, str(zone)) if zone else "-",
            count(float(row["personnel"])),  # type: ignore[arg-type]
            _day(row["closure_day"]),  # type: ignore[arg-type]
            "-" if km is None else count(float(km)),  # type: ignore[arg-type]
        )
    if places.rows:
        console.print(places)
    late_units = [u for u in plan.units if u.late_days]
    if late_units:
        table = FittedTable(
            [
                Column("unit", key=True),
                Column("destination"),
                Column("ready", "right"),
                Column("required", "right"),
                Column("closure", "right"),
                Column("late", "right"),
            ],
            title="Late units (days after activation)",
        )
        for u in sorted(late_units, key=lambda u: -(u.late_days or 0)):
            table.add_row(
                names.pledge(workspace, u.movement.pledge),
                result.network.node(u.movement.destination).name,
                _day(u.movement.ready_day),
                _day(u.movement.required_day),
                _day(u.closure_day),
                Text(f"{u.late_days:,}", style="red"),
            )
        console.print(table)
    critical = result.critical_path
    if critical is not None and critical.binding:
        together = critical.binding[0].proof == "relaxed together"
        day = critical.binding[0].closure_without
        say(
            "Binding capacities ("
            + (
                "no single one moves the closure day; lifting all of these limits together "
                f"brings it to day {_day(day)}"
                if together
                else "lifting the limit moves the closure day"
            )
            + "):",
            "bold",
        )
        for line in _capacity_lines(
            [
                c.text
                + (
                    ""
                    if c.closure_without is None or together
                    else f" (without its limit: day {c.closure_without:,})"
                )
                for c in critical.binding
            ]
        ):
            say(line)
    elif plan.units and plan.closure_day is not None:
        say("No binding capacity: lifting any limit would not bring the closure day earlier.")
    if critical is not None and critical.congested:
        reason = (
            "the closure day is set by readiness and transit"
            if critical.cause == "readiness"
            else "lifting one limit does not move the closure day"
        )
        say(f"Congested, not binding (saturated, but {reason}):", "bold")
        for line in _capacity_lines([c.text for c in critical.congested]):
            say(line)
    if plan.beyond_horizon:
        say(
            f"Cannot close within the horizon (day {plan.horizon:,}), left out of the plan "
            f"({len(plan.beyond_horizon):,}): "
            + "; ".join(f"{b.unit} ({b.reason})" for b in plan.beyond_horizon[:MAX_LISTED])
            + (" ..." if len(plan.beyond_horizon) > MAX_LISTED else "")
        )
    draws = result.disruptions
    if draws is not None:
        q = draws.quantiles()
        say(
            f"Disruptions: {len(draws.closure_days):,} draws (seed {draws.seed:,}): closure "
            f"day p05 {_day(q['p05'])}, p50 {_day(q['p50'])}, p95 {_day(q['p95'])}; not "
            f"closed by day {plan.horizon:,}: {draws.not_closed:,}"
        )
        later = draws.later_than_plan
        if plan.closure_day is None:
            pass
        elif later:
            worst = ", ".join(f"{d} ({n:,})" for d, n in list(draws.delaying().items())[:3])
            say(
                f"  {later:,} draws close later than day {plan.closure_day:,}; the "
                f"disruptions in them most often: {worst}."
            )
        else:
            say(
                f"  No draw closes later than day {plan.closure_day:,}: in each, the "
                "capacities left still admit a plan that closes that day."
            )
