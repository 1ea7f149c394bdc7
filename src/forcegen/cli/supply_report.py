"""Rich rendering of ``forcegen supply`` results."""

from __future__ import annotations

from rich.text import Text

from forcegen import SupplyResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count, percent

MAX_RESOURCES = 10
"""Legs and nodes listed in the resupply table (all are in --json)."""

MAX_CRITICAL = 5
"""Single cuts listed by --critical (all are in --json)."""

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
    total = result.total("base")
    water = result.by_class().get("water", 0.0)
    say(
        f"forcegen supply: {which}: {count(result.personnel)} personnel in "
        f"{len(result.demands):,} units in place need {count(total)} short tons a day "
        f"(water counted as carried: {percent(water / total if total else 0.0, 0)} of "
        f"it; fuel a historical range: low {count(result.total('low'))}, high "
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
    verdict = "carries it" if flow.feasible else "CANNOT carry it"
    say(
        f"Resupply from {sources}: the network {verdict}; highest utilisation "
        f"{_share(flow.utilisation)} (fuel low {_share(result.utilisation_by_case['low'])}, "
        f"high {_share(result.utilisation_by_case['high'])}). Through the gauge break: "
        f"{count(result.gauge_break_short_tons())} short tons a day.",
        None if flow.feasible else "red",
    )
    cut = result.binding_cut()
    if cut is not None:
        members = cut["members"]
        parts = []
        if cut["legs"]:
            parts.append(f"{cut['legs']:,} leg" + ("s" if cut["legs"] > 1 else ""))
        if cut["nodes"]:
            parts.append(f"{cut['nodes']:,} node" + ("s" if cut["nodes"] > 1 else ""))
        what = (
            f"{members[0]['name']}"
            if len(members) == 1
            else f"the cut of {' and '.join(parts)} between the supply sources and the destinations"
        )
        say(
            f"The binding limit is {what} ({count(cut['capacity_short_tons_per_day'])} "
            f"short tons a day{' together' if len(members) > 1 else ''}), used at "
            f"{_share(cut['utilisation'])}"
            + (
                ": " + "; ".join(str(m["name"]) for m in members) + ". The flow is spread "
                "to level the utilisation across the cut, so no one of them binds alone; "
                "the table gives each leg's share of its capacity."
                if len(members) > 1
                else "."
            )
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
    if worst is not None and result.overlap.days:
        where = "" if worst.binding is None else f" at {result.resource_name(*worst.binding[:2])}"
        bad = result.overlap.infeasible_days
        say(
            f"While the force closes (days {result.overlap.days[0].day:,}-"
            f"{result.overlap.days[-1].day:,}), resupply of the units in place on its steady "
            "routes beside the movement's own cargo: worst day "
            f"{worst.day:,}, {count(worst.demand)} short tons a day take "
            f"{_share(worst.utilisation)} of what the movement leaves{where}"
            + (
                "; every day fits."
                if not bad
                else f": the movement and the resupply COLLIDE on {len(bad):,} days "
                f"(first day {bad[0]:,})."
            ),
            None if not bad else "red",
        )
    autonomy = result.autonomy
    if autonomy is not None:
        cuts = ", ".join(
            f"{c.target} days {(result.cut_start if c.start is None else c.start):,}-"
            f"{(result.cut_start if c.start is None else c.start) + c.days - 1:,}"
            for c in result.cuts
        )
        out = [u for u in autonomy.units if u.runs_out_day is not None]
        peak = max(flow.leg_utilisation.values(), default=0.0)
        limits = (
            f"Model limits: the steady resupply uses at most {percent(peak, 0)} of any leg, "
            "sources hold unlimited stock, transit lag is ignored and stock drawn down "
            "is not rebuilt (docs/supply.md)."
        )
        if not out:
            how = (
                "the network reroutes around it (full deliveries every day)"
                if autonomy.lowest_share >= 1 - 1e-9
                else f"at worst {percent(autonomy.lowest_share, 0)} of a destination's "
                f"demand arrives a day, and the {s.stock_days:,} days of stock cover the rest"
            )
            say(f"Cut {cuts}: no unit runs out: {how}. {limits}")
        else:
            say(
                f"Cut {cuts}: {count(autonomy.personnel_without)} personnel run out of "
                f"supply ({count(autonomy.person_days_without)} person-days without). "
                f"{limits}",
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

    ranked = result.critical
    if ranked is not None:
        hit = [c for c in ranked if c.personnel_out > 0]
        say(
            f"Single points of failure, each leg and node the resupply uses cut alone for "
            f"{result.critical_days:,} days from day {result.cut_start:,}: "
            f"{len(ranked):,} tried, {len(hit):,} leave units without supply."
        )
        table = FittedTable(
            [
                Column("cut alone", key=True),
                Column("personnel out", "right"),
                Column("first day out", "right"),
                Column("days without", "right"),
                Column("least share delivered", "right"),
            ],
            title=f"Top {MAX_CRITICAL} single cuts (days after activation)",
        )
        for c in ranked[:MAX_CRITICAL]:
            table.add_row(
                result.resource_name(c.kind, c.target) + f" ({c.kind})",
                count(c.personnel_out),
                _day(c.first_out_day),
                f"{c.max_days_without:,}",
                percent(c.lowest_share, 0),
            )
        if table.rows:
            console.print(table)
