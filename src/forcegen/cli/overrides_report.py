"""What a command's workspace was read with: the date it stands as of (``--as-of``), the
ledger it came from (``--ledger``, ``--known-at``) and the overrides (``--set``), in
reports and in ``--json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from forcegen import Workspace


def print_overrides(workspace: Workspace) -> None:
    """Before the report: a line saying the date the force stands as of, when one was
    asked for, and one (wrapped between words) listing the ``--set`` overrides the
    workspace was loaded with; nothing when there are neither."""
    from forcegen.cli.console import make_console

    if workspace.as_of is not None:
        recorded = workspace.recorded()
        made = len(workspace.pledges)
        make_console().print(
            Text(
                f"As of {workspace.as_of:%d %B %Y}: {made} of {len(recorded.pledges)} pledges "
                f"made by then, each as its latest revision on or before that date; "
                f"{len(workspace.requirements)} of {len(recorded.requirements)} force options "
                "floated.",
                style="bold",
            )
        )
    if not workspace.overrides:
        return
    count = len(workspace.overrides)
    label = f"Override{'s' if count != 1 else ''} applied (--set): "
    make_console().print(Text(label + "; ".join(workspace.overrides), style="bold"))


def with_overrides(payload: Any, workspace: Workspace) -> Any:
    """``payload`` as a JSON document (:func:`forcegen.json_document`: ``as_of`` and
    ``overrides`` added when the workspace has them)."""
    import forcegen

    return forcegen.json_document(payload, workspace)
