"""Every limit forcegen enforces, in one place, with its unit and the reason for it.

Input beyond a limit is refused with exit code 2 and a message that states the limit
and why it exists (see :func:`Limit.refusal`). ``docs/limits.md`` lists the same table
(kept in step by a test) together with the measured cost of each command against
workspace size.

The bounds are far above any real coalition (the largest armed force in the world has
about 2 million active personnel) and low enough that every total stays exact: a sum
of ``MAX_RECORDS`` pledges of ``MAX_PERSONNEL`` persons is below 2**53, so it is exact
in a float64 as well as in an int64.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One documented bound: ``value`` in ``unit``, with the reason for it."""

    name: str
    value: int | float
    unit: str
    applies_to: str
    why: str

    def describe(self) -> str:
        """``at most 10,000,000 persons (why)``."""
        return f"{self.at_most()} ({self.why})"

    def at_most(self) -> str:
        """``at most 10,000,000 persons``."""
        return f"at most {_number(self.value)} {self.unit}"

    def refusal(self, found: object) -> str:
        """A one-line refusal: what was found, the bound, and why."""
        shown = _number(found) if isinstance(found, int | float) else str(found)
        return f"{shown} is over the limit of {_number(self.value)} {self.unit}: {self.why}"


def _number(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:g}"
    return str(value)


LIMITS: dict[str, Limit] = {}


def _limit(name: str, value: int | float, unit: str, applies_to: str, why: str) -> int | float:
    LIMITS[name] = Limit(name, value, unit, applies_to, why)
    return value


# -- workspace files ------------------------------------------------------------------

MAX_YAML_DEPTH = int(
    _limit(
        "MAX_YAML_DEPTH",
        64,
        "levels of nesting",
        "YAML lists and mappings",
        "a workspace needs about 6; deeper input is refused before it is parsed",
    )
)
MAX_FILE_BYTES = int(
    _limit(
        "MAX_FILE_BYTES",
        64 * 1024 * 1024,
        "bytes per workspace file",
        "each YAML file of a workspace",
        "a workspace of 100,000 pledges is about 15 MB; bigger files are refused unread",
    )
)
MAX_RECORDS = int(
    _limit(
        "MAX_RECORDS",
        100_000,
        "records per section",
        "nations, pledges, conditions, requirements... and network nodes and legs",
        "validation is linear in the records (about 11 s and 0.4 GB at this size on a 2-core "
        "machine)",
    )
)
MAX_ID_CHARS = int(
    _limit(
        "MAX_ID_CHARS",
        64,
        "characters",
        "record ids",
        "ids are names, not data",
    )
)
MAX_EXPRESSION_CHARS = int(
    _limit(
        "MAX_EXPRESSION_CHARS",
        100_000,
        "characters",
        "a condition expression (requires:)",
        "a real expression is a few dozen characters",
    )
)

# -- figures --------------------------------------------------------------------------

MAX_QUANTITY = int(
    _limit(
        "MAX_QUANTITY",
        100_000,
        "units",
        "quantities of pledges, requirement lines, substitutions and organic enablers",
        "no coalition fields more; it keeps unit counts exact",
    )
)
MAX_PERSONNEL = int(
    _limit(
        "MAX_PERSONNEL",
        10_000_000,
        "persons",
        "any one personnel figure: a pledge (given or quantity x per-unit strength), a "
        "capability's strength per unit, a nation's active, land and committed personnel",
        "five times the largest armed force in the world; every total stays exact",
    )
)
MAX_TOTAL_UNITS = int(
    _limit(
        "MAX_TOTAL_UNITS",
        MAX_RECORDS * MAX_QUANTITY,
        "units",
        "the quantities of all pledges added up (checked by the engines)",
        "the most that MAX_RECORDS pledges of MAX_QUANTITY units can add up to; sums stay exact",
    )
)
MAX_TOTAL_PERSONNEL = int(
    _limit(
        "MAX_TOTAL_PERSONNEL",
        MAX_RECORDS * MAX_PERSONNEL,
        "persons",
        "the personnel of all pledges added up (checked by the engines)",
        "the most that MAX_RECORDS pledges of MAX_PERSONNEL persons can add up to; every "
        "total stays exact in a 64-bit integer and a float64 (below 2**53)",
    )
)
MAX_DAYS = int(
    _limit(
        "MAX_DAYS",
        3_650,
        "days",
        "readiness_days, needed_by_day, the network's horizon_days, transit and dwell days, "
        "disruption start and length",
        "ten years; the deployment planner's time-expanded network grows with the horizon",
    )
)
MAX_CAPACITY = _limit(
    "MAX_CAPACITY",
    1e9,
    "per day",
    "node handling and leg capacities [persons/day, short tons/day]",
    "a thousand times the largest port; keeps the planner's LP well scaled",
)
MAX_MONTHS = int(
    _limit(
        "MAX_MONTHS",
        600,
        "months",
        "sustain --months and tour lengths",
        "fifty years; the rotation model keeps one row per month",
    )
)

MAX_ROTATION_RATIO = _limit(
    "MAX_ROTATION_RATIO",
    100,
    "persons in the cycle per person deployed",
    "rotation_ratio of nations and commitments",
    "harmony guidelines give 3 to 10; keeps rotation totals exact",
)
MAX_SHORT_TONS_PER_UNIT = _limit(
    "MAX_SHORT_TONS_PER_UNIT",
    1_000_000,
    "short tons per unit",
    "a capability's lift.short_tons",
    "ten times the displacement of the largest aircraft carrier; keeps cargo totals exact",
)
MAX_VEHICLES_PER_UNIT = int(
    _limit(
        "MAX_VEHICLES_PER_UNIT",
        100_000,
        "vehicles per unit",
        "a capability's lift.vehicles",
        "more than a field army's; keeps vehicle totals exact",
    )
)
MAX_ROUTE_KM = _limit(
    "MAX_ROUTE_KM",
    40_075,
    "km",
    "a leg's length_km and the posture distances (within_km, risk_km, segment_km)",
    "the Earth's circumference; no route or distance on the ground is longer",
)
MAX_SEGMENTS = int(
    _limit(
        "MAX_SEGMENTS",
        100_000,
        "segments",
        "the line of contact split into pieces of posture segment_km for coverage",
        "each segment is timed from every station; a 1,200 km line at 10 km has 120",
    )
)
MAX_PRIORITY = int(
    _limit(
        "MAX_PRIORITY",
        100,
        "(the lowest priority)",
        "priority of requirement lines (1 = highest)",
        "each distinct priority is one more stage of the sourcing optimiser; real force "
        "lists use a handful",
    )
)

MAX_FACTOR = _limit(
    "MAX_FACTOR",
    1_000_000,
    "lb, gal or short tons per person or unit per day",
    "planning factors' quantity, quantity_high and lb_per_gal",
    "ten thousand times the heaviest per-person factor known (about 100 lb/person/day "
    "with fuel); keeps tonnage totals exact",
)
MAX_CUTS = int(
    _limit(
        "MAX_CUTS",
        100,
        "cuts",
        "supply --cut",
        "each cut adds days to the stock simulation; a few are what a question asks",
    )
)

# -- command options ------------------------------------------------------------------

MAX_DRAWS = int(
    _limit(
        "MAX_DRAWS",
        1_000_000_000,
        "draws",
        "montecarlo --draws and sweep --draws (per grid point)",
        "about 10 minutes on one core without requirements; results converge long before",
    )
)
MAX_DISRUPTIONS = int(
    _limit(
        "MAX_DISRUPTIONS",
        10_000,
        "draws",
        "deploy --disruptions and supply --disruptions",
        "each draw may re-plan the deployment (up to seconds each)",
    )
)
MAX_WORKERS = int(
    _limit(
        "MAX_WORKERS",
        256,
        "workers",
        "--workers of montecarlo and sweep; --dask-workers of montecarlo",
        "more threads or processes than this only add overhead on any one machine",
    )
)
MAX_EXACT_CONDITIONS = int(
    _limit(
        "MAX_EXACT_CONDITIONS",
        20,
        "free conditions",
        "montecarlo --exact and sweep --exact",
        "exact enumeration visits 2**n combinations (about a million at 20)",
    )
)
MAX_FREE_CONDITIONS = int(
    _limit(
        "MAX_FREE_CONDITIONS",
        62,
        "free conditions",
        "Monte Carlo sampling",
        "a draw's condition pattern is packed into one 64-bit integer",
    )
)
MAX_AXIS_VALUES = int(
    _limit(
        "MAX_AXIS_VALUES",
        1_000,
        "values per axis",
        "sweep --vary",
        "a chart or table of more points cannot be read",
    )
)
MAX_GRID_POINTS = int(
    _limit(
        "MAX_GRID_POINTS",
        10_000,
        "grid points",
        "sweep (the product of every --vary axis)",
        "each point is a full Monte Carlo run",
    )
)
MIN_SWEEP_STEP = _limit(
    "MIN_SWEEP_STEP",
    1e-6,
    "(smallest step)",
    "sweep --vary NAME=START:STOP:STEP",
    "probabilities are meaningful to six decimals at most",
)
SCHEDULER_TIMEOUT_SECONDS = _limit(
    "SCHEDULER_TIMEOUT_SECONDS",
    10.0,
    "seconds",
    "sweep --scheduler: connecting and the Dask handshake",
    "a scheduler answers in milliseconds; anything slower is not a Dask scheduler",
)


def limits_markdown() -> str:
    """The table of limits for ``docs/limits.md``."""
    out = ["| limit | value | applies to | why |", "|---|---|---|---|"]
    for limit in LIMITS.values():
        out.append(
            f"| `{limit.name}` | {_number(limit.value)} {limit.unit} | {limit.applies_to} "
            f"| {limit.why} |"
        )
    return "\n".join(out) + "\n"
