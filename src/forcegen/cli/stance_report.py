"""Stance conflicts in reports: pledges against their nation's latest statement."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from forcegen import StanceConflict


def stance_notes(conflicts: Iterable[StanceConflict]) -> Text | None:
    """'Stance conflicts' with each pledge, the statement and both sources; None if none."""
    conflicts = list(conflicts)
    if not conflicts:
        return None
    text = Text()
    text.append(f"Stance conflicts ({len(conflicts):,})\n", style="bold yellow")
    for conflict in conflicts:
        text.append(f"warning: {conflict.message}\n", style="yellow")
        text.append(f"  {conflict.sources_text}\n", style="dim")
    return text
