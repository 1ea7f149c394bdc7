"""The overrides a command ran with (``--set``), in reports and in ``--json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from forcegen import Workspace


def print_overrides(workspace: Workspace) -> None:
    """One line (wrapped between words) listing the ``--set`` overrides the workspace was
    loaded with, before the report; nothing when there are none."""
    if not workspace.overrides:
        return
    from forcegen.cli.console import make_console

    count = len(workspace.overrides)
    label = f"Override{'s' if count != 1 else ''} applied (--set): "
    make_console().print(Text(label + "; ".join(workspace.overrides), style="bold"))


def with_overrides(payload: Any, workspace: Workspace) -> Any:
    """A JSON object with a top-level ``"overrides"`` list (the ``--set`` texts in order)
    when the workspace was loaded with any; the payload unchanged otherwise."""
    if not workspace.overrides or not isinstance(payload, dict):
        return payload
    return {**payload, "overrides": list(workspace.overrides)}
