"""Behaviour pinned by golden files: the ``--json`` of every engine on the built-in data.

Recorded before the engine was split into capability packages (issue 11), by
``tests/golden/record.py``; each must stay byte-identical.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forcegen.cli.app import app

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_record", GOLDEN / "record.py")
assert _spec and _spec.loader
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)
CASES = record.cases()


def test_every_golden_file_has_a_case() -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.json")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_output_is_byte_identical_to_its_golden_file(name: str) -> None:
    result = CliRunner().invoke(app, CASES[name])
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / name).read_text(encoding="utf-8"), (
        f"{' '.join(CASES[name])} changed; if intended, re-record with "
        "python tests/golden/record.py and say why"
    )
