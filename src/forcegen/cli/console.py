"""The one way the CLI makes a Rich console: no emoji codes, no markup in user text.

Rich replaces ``:name:`` with an emoji by default, so an error at ``pledges.yaml:100:``
printed as ``pledges.yaml💯``. Every console of the CLI comes from here.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


def make_console(stderr: bool = False, **options: Any) -> Console:
    """A Rich console for stdout (or stderr) that never turns ``:100:`` into an emoji."""
    return Console(stderr=stderr, emoji=False, **options)
