"""Stance checks: a pledge that contradicts its nation's latest public statement.

A nation's stance is the ``stance`` of its latest dated statement. Two contradictions
can be read from the data:

* ``no_troops`` or ``support_only`` and a pledge (not withdrawn) of **land**
  units that may serve in the host nation (a zone whose ``country`` is a nation with
  ``role: host``, Ukraine in the built-in data), or anywhere (a pledge without
  ``zones``). Without a host nation in the workspace, any zone outside the pledging
  nation's own territory counts. Host-nation support inside the nation's own borders
  (Poland's staging area in ``poland``), support from a neighbouring country, air and
  maritime units, and joint units (staff officers, monitors) do not contradict a
  refusal to send troops.
* ``conditional`` and a pledge of land units that requires nothing
  (``requires: true``): the nation said its troops come on conditions, the pledge
  names none.

Each conflict is a warning of ``validate`` and of the reports, with both sources: the
statement's and the pledge's. Nothing is removed or changed: the analyst decides which
record is out of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from forcegen.errors import Issue, in_sentence
from forcegen.model.capabilities import Capability, Domain
from forcegen.model.nations import Nation, NationRole, Stance, Statement
from forcegen.model.pledges import Pledge, PledgeStatus
from forcegen.model.zones import Zone

REFUSALS = (Stance.NO_TROOPS, Stance.SUPPORT_ONLY)
"""Stances that rule out troops abroad."""

GROUND = (Domain.LAND,)
"""Domains whose units are troops on the ground. Joint units (headquarters, staff
cells, ceasefire monitoring) are not: nations that refuse troops still second staff
officers and monitors (Estonia's and Portugal's staff cells)."""


@dataclass(frozen=True)
class StanceConflict:
    """A pledge against its nation's latest statement; dates are calendar days."""

    pledge: str
    nation: str
    nation_name: str
    stance: Stance
    statement_date: dt.date
    statement_summary: str
    statement_sources: tuple[str, ...]
    pledge_date: dt.date | None
    pledge_sources: tuple[str, ...]
    reason: str

    @property
    def message(self) -> str:
        """One line for people: what contradicts what, and which is more recent."""
        when = ""
        if self.pledge_date is not None:
            if self.pledge_date == self.statement_date:
                order = "the same day"
            else:
                order = "after it" if self.pledge_date > self.statement_date else "before it"
            when = f" (the pledge is dated {self.pledge_date.isoformat()}, {order})"
        return (
            f"pledge '{self.pledge}' by {self.nation_name} {self.reason}, but its latest "
            f"statement ({self.statement_date.isoformat()}) says "
            f"{self.stance.value.replace('_', ' ')}: "
            f'"{self.statement_summary}"{when}'
        )

    @property
    def sources_text(self) -> str:
        """Both sources, for the hint line of a warning."""
        statement = ", ".join(self.statement_sources) or "none"
        pledge = ", ".join(self.pledge_sources) or "none (not sourced)"
        return f"statement source: {statement}; pledge source: {pledge}"

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md, stance conflicts)."""
        return {
            "pledge": self.pledge,
            "nation": self.nation,
            "stance": self.stance.value,
            "statement_date": self.statement_date.isoformat(),
            "statement_summary": self.statement_summary,
            "statement_sources": list(self.statement_sources),
            "pledge_date": self.pledge_date.isoformat() if self.pledge_date else None,
            "pledge_sources": list(self.pledge_sources),
            "reason": self.reason,
        }

    def issue(self, index: int) -> Issue:
        """The warning at ``pledges[index].nation``."""
        return Issue(
            path=("pledges", index, "nation"),
            message=self.message,
            hint=self.sources_text,
            severity="warning",
        )


def _latest(nation: Nation) -> Statement | None:
    if not nation.statements:
        return None
    return max(nation.statements, key=lambda s: s.date)


def _in_theatre(pledge: Pledge, zones: Mapping[str, Zone], hosts: frozenset[str]) -> str | None:
    """Why the pledge's units may serve in the host nation (or abroad, without one)."""
    if pledge.zones is None:
        return "may serve anywhere"
    for zid in pledge.zones:
        zone = zones.get(zid)
        if zone is None or zone.country is None:
            continue
        if zone.country in hosts if hosts else zone.country != pledge.nation:
            return f"may serve in {zone.name}"
    return None


def stance_conflicts(
    nations: Mapping[str, Nation],
    pledges: Mapping[str, Pledge],
    capabilities: Mapping[str, Capability],
    zones: Mapping[str, Zone],
) -> list[StanceConflict]:
    """Every pledge that contradicts its nation's latest statement, in pledge order."""
    out: list[StanceConflict] = []
    hosts = frozenset(n.id for n in nations.values() if n.role is NationRole.HOST)
    for pid, pledge in pledges.items():
        if pledge.status is PledgeStatus.WITHDRAWN:
            continue
        nation = nations.get(pledge.nation)
        capability = capabilities.get(pledge.capability)
        if nation is None or capability is None or capability.domain not in GROUND:
            continue
        statement = _latest(nation)
        if statement is None:
            continue
        reason: str | None = None
        if statement.stance in REFUSALS:
            where = _in_theatre(pledge, zones, hosts)
            if where is not None:
                reason = f"offers {in_sentence(capability.name)} that {where}"
        elif statement.stance is Stance.CONDITIONAL and pledge.requires.strip() == "true":
            reason = f"offers {in_sentence(capability.name)} on no condition"
        if reason is None:
            continue
        out.append(
            StanceConflict(
                pledge=pid,
                nation=nation.id,
                nation_name=nation.name,
                stance=statement.stance,
                statement_date=statement.date,
                statement_summary=statement.summary,
                statement_sources=tuple(str(s.url) for s in statement.sources),
                pledge_date=pledge.date,
                pledge_sources=tuple(str(s.url) for s in pledge.sources),
                reason=reason,
            )
        )
    return out
