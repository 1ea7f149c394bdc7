"""Rich rendering of ``forcegen supply`` results."""

from __future__ import annotations

from rich.text import Text

from forcegen import SupplyResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count, percent

MAX_RESOURCES = 10
"""Legs and nodes listed in the resupply table (all are in --json)."""

CLASS_NAMES = {
    "class_i": "I rations",
    "water": "water",
    "class_ii": "II clothing",
    "class_iii_bulk": "III fuel",
    "class_iii_packaged": "III packaged",
    "class_iv": "IV construction",
    "class_v": "V ammunition",
    "class_viii": "VIII medical",
    "mail": "mail",
}


def _day(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _share(value: float | None) -> str:
    return "unreachable" if value is None or value == float("inf") else percent(value, 1)


def print_supply_report(result: SupplyResult, workspace: Workspace) -> None:
    """Demand by destination and class, resupply utilisation and the binding capacity,
    the days the force closes, and who runs out of stock under the cuts and draws."""
    console = make_console()

    def say(text: str, style: str | None = None) -> None:
        console.print(text, style=style, highlight=False, markup=False)

    which = (
        names.scenario(workspace, result.scenario)
        if result.scenario
        else "every pledge (no scenario)"
    )
    s = result.settings
    fuel = s.fuel if isinstance(s.fuel, float) else s.fuel.value
    say(
        f"forcegen supply: {which}: {count(result.personnel)} personnel in "
        f"{len(result.demands):,} units in place need {count(result.total('base'))} short "
        f"tons a day (fuel low {count(result.total('low'))}, high "
        f"{count(result.total('high'))}); {s.stock_days:,} days of stock, "
        f"{s.climate.value}, {s.ammunition_posture.value} ammunition, fuel {fuel}",
        "bold",
    )
    not_supplied = result.deployment.plan.not_moved
    if not_supplied:
        say(
            f"Not supplied over the network: {count(sum(n.personnel for n in not_supplied))} "
            f"personnel in {len(not_supplied):,} units not moved through it (see deploy)."
        )
    places = FittedTable(
        [
            Column("destination", key=True),
            Column("zone"),
            Column("personnel", "right"),
            Column("short tons/day", "right"),
            Column("low", "right"),
            Column("high", "right"),
        ],
        title="Daily demand by destination (short tons a day)",
    )
    for row in result.destinations():
        zone = row["zone"]
        places.add_row(
            str(row["name"]),
            names.zone(workspace, str(zone)) if zone else "-",
            count(float(row["personnel"])),
            count(float(row["base"])),
            count(float(row["low"])),
            count(float(row["high"])),
        )
    if places.rows:
        console.print(places)
    classes = FittedTable(
        [Column("class of supply", key=True), Column("short tons/day", "right")],
        title="Daily demand by class (fuel at the setting)",
    )
    for key, tons in result.by_class().items():
        classes.add_row(CLASS_NAMES.get(key, key), count(tons))
    if classes.rows:
        console.print(classes)

    flow = result.resupply
    sources = ", ".join(result.network.node(n).name for n in result.sources)
    binding = result.binding()
    verdict = "carries it" if flow.feasible else "CANNOT carry it"
    say(
        f"Resupply from {sources}: the network {verdict}; highest utilisation "
        f"{_share(flow.utilisation)} (fuel low {_share(result.utilisation_by_case['low'])}, "
        f"high {_share(result.utilisation_by_case['high'])})"
        + (f", at {binding['name']}" if binding else "")
        + f". Through the gauge break: {count(result.gauge_break_short_tons())} short tons "
        "a day.",
        None if flow.feasible else "red",
    )
    cut = flow.binding_set
    if len(cut) > 1:
        legs = {leg.id: leg for leg in result.network.legs}
        total = sum(legs[i].capacity.short_tons_per_day for k, i, _ in cut if k == "leg")
        say(
            f"The limit is a cut of {len(cut):,} legs and nodes"
            + (f" ({count(total)} short tons a day of leg capacity together)" if total else "")
            + ": "
            + "; ".join(result.resource_name(k, i) for k, i, _ in cut)
            + "."
        )
    if flow.unreachable:
        say("No route from a source to: " + ", ".join(flow.unreachable), "red")
    resources = FittedTable(
        [
            Column("leg or node", key=True),
            Column("short tons/day", "right"),
            Column("capacity", "right"),
            Column("utilisation", "right"),
        ],
        title="Busiest legs and nodes of the resupply",
    )
    rows = [r for r in result.resources() if r["utilisation"] is not None]
    rows.sort(key=lambda r: -float(r["utilisation"]))
    for r in rows[:MAX_RESOURCES]:
        resources.add_row(
            str(r["name"])
            + (" (gauge break)" if r["gauge_break"] and "gauge" not in str(r["name"]) else ""),
            count(float(r["flow_short_tons_per_day"])),
            count(float(r["capacity_short_tons_per_day"])),
            percent(float(r["utilisation"]), 1),
        )
    if resources.rows:
        console.print(resources)
    worst = result.overlap.worst
    if worst is not None:
        where = "" if worst.binding is None else f" at {result.resource_name(*worst.binding[:2])}"
        say(
            f"While the force closes (to day {_day(result.deployment.plan.closure_day)}): "
            f"worst day {worst.day:,}, {count(worst.demand)} short tons a day for the units "
            f"in place take {_share(worst.utilisation)} of what the movement leaves{where}"
            + ("." if result.overlap.feasible else ": NOT carried."),
            None if result.overlap.feasible else "red",
        )
    autonomy = result.autonomy
    if autonomy is not None:
        cuts = ", ".join(
            f"{c.target} days {(result.cut_start if c.start is None else c.start):,}-"
            f"{(result.cut_start if c.start is None else c.start) + c.days - 1:,}"
            for c in result.cuts
        )
        out = [u for u in autonomy.units if u.runs_out_day is not None]
        if not out:
            how = (
                "the network reroutes around it (full deliveries every day)"
                if autonomy.lowest_share >= 1 - 1e-9
                else f"at worst {percent(autonomy.lowest_share, 0)} of a destination's "
                f"demand arrives a day, and the {s.stock_days:,} days of stock cover the rest"
            )
            say(f"Cut {cuts}: no unit runs out: {how}.")
        else:
            say(
                f"Cut {cuts}: {count(autonomy.personnel_without)} personnel run out of "
                f"supply ({count(autonomy.person_days_without)} person-days without).",
                "bold",
            )
            table = FittedTable(
                [
                    Column("unit", key=True),
                    Column("destination"),
                    Column("personnel", "right"),
                    Column("runs out on day", "right"),
                    Column("days without", "right"),
                ],
                title="Units that run out of stock (days after activation)",
            )
            pledges = {d.unit: d.pledge for d in result.demands}
            for u in out:
                table.add_row(
                    names.pledge(workspace, pledges[u.unit]),
                    result.network.node(u.destination).name,
                    count(u.personnel),
                    _day(u.runs_out_day),
                    Text(f"{u.days_without:,}", style="red"),
                )
            console.print(table)
    draws = result.draws
    if draws is not None:
        days = draws.quantiles(draws.max_days_without)
        people = draws.quantiles(draws.personnel_without)

        def q(value: float | None) -> str:
            return "-" if value is None else count(value)

        say(
            f"Disruptions: {len(draws.max_days_without):,} draws (seed {draws.seed:,}): most "
            f"days without supply p05 {q(days['p05'])}, p50 {q(days['p50'])}, p95 "
            f"{q(days['p95'])}; personnel without supply p05 {q(people['p05'])}, p50 "
            f"{q(people['p50'])}, p95 {q(people['p95'])}; {draws.short_draws:,} draws "
            "leave some unit without supply."
        )
