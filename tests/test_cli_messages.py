"""What the CLI prints around results: error lines exactly as located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from helpers.cli import invoke


def test_error_on_line_100_is_not_turned_into_an_emoji(
    write_yaml: Callable[[str, str], Path],
) -> None:
    padding = "".join(f"# line {n}\n" for n in range(1, 100))
    path = write_yaml(padding + "pledges: 3\n")
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:100: pledges: section 'pledges' must be a list" in result.stderr
    assert "\N{HUNDRED POINTS SYMBOL}" not in result.stderr
