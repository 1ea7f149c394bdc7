"""Stance conflicts in reports: pledges against their nation's latest statement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.console import Console
from rich.text import Text

from forcegen import StanceConflict


def print_stance_notes(
    console: Console,
    conflicts: Iterable[StanceConflict],
    active_in: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """'Stance conflicts': each pledge against the statement, wrapped between words, the
    scenarios it is active in (``active_in``: pledge id -> scenario names), then both
    sources one URL a line (a URL is never wrapped, even when longer than the
    terminal). Prints nothing when there is no conflict."""
    conflicts = list(conflicts)
    if not conflicts:
        return
    console.print(Text(f"Stance conflicts ({len(conflicts):,})", style="bold yellow"))
    for conflict in conflicts:
        console.print(Text(f"warning: {conflict.message}", style="yellow"))
        if active_in and active_in.get(conflict.pledge):
            console.print(
                Text("  active in: " + "; ".join(active_in[conflict.pledge]), style="dim")
            )
        for label, urls in (
            ("statement source", conflict.statement_sources),
            ("pledge source", conflict.pledge_sources),
        ):
            console.print(Text(f"  {label}:" + ("" if urls else " none"), style="dim"))
            for url in urls:
                console.print(f"    {url}", style="dim", soft_wrap=True, highlight=False)
