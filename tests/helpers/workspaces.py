"""Shared test helpers: issues of a workspace that must not load, and the documented
example network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import forcegen
from forcegen.errors import Issue, WorkspaceError

DOCS = Path(__file__).resolve().parents[2] / "docs"


def issues_of(path: Path) -> list[Issue]:
    """Every issue found loading ``path`` (which must fail to load)."""
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(path)
    return list(info.value.issues)


def only(path: Path) -> Issue:
    """The one issue found loading ``path``."""
    found = issues_of(path)
    assert len(found) == 1, [i.render() for i in found]
    return found[0]


def deployment_example_text() -> str:
    """The complete workspace with a network in docs/deployment.md."""
    text = (DOCS / "deployment.md").read_text(encoding="utf-8")
    match = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert match, "docs/deployment.md lost its example workspace"
    return match.group(1)
