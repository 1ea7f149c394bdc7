"""Shared fixtures: the hand-computed small workspace and a helper to write YAML files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import forcegen
from helpers.data import SMALL


@pytest.fixture(scope="session")
def small() -> forcegen.Workspace:
    """The workspace of tests/data/small.yaml (results computed by hand)."""
    return forcegen.load_workspace(SMALL)


@pytest.fixture(scope="session")
def builtin() -> forcegen.Workspace:
    """The built-in mnf-ukraine dataset."""
    return forcegen.load_builtin("mnf-ukraine")


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented YAML text to ``tmp_path/name`` and return the path."""

    def write(text: str, name: str = "ws.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
