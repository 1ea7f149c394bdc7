"""Paths of the test data."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SMALL = DATA / "small.yaml"
"""The hand-computed small workspace (results in the tests computed by hand)."""
