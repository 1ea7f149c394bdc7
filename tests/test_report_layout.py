"""Every report reads well at 80 and 120 columns (issue 12, point 9).

For each command's report on the built-in data: no line is wider than the terminal, no
word is split or cut (every word of the report printed on a very wide terminal is found
whole at 80 and 120 columns), numbers of a thousand or more carry separators, and the
tables name capabilities, conditions and force options in words, not by their ids
(ids belong to ``--json``, and to hints such as ``--scenario ceasefire-only``).

``validate`` is not laid out: each diagnostic stays whole on one line
(``file:line: path: message``), as compilers print them, so that editors and grep can
jump to it (tests/test_hostile_input.py); only its names and numbers are checked here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from tests.helpers.cli import cli
from tests.helpers.layout import printed_words, too_wide

from forcegen import open_workspace

WIDE = 400

COMMANDS = {
    "run": ("run",),
    "run-scenario": ("run", "--scenario", "ceasefire-only"),
    "source": ("source", "--requirement", "force-25k", "--scenario", "ceasefire-consent-backstop"),
    "montecarlo": ("montecarlo", "--draws", "2000", "--seed", "1"),
    "deploy": ("deploy", "--scenario", "ceasefire-only"),
    "supply": (
        "supply",
        "--scenario",
        "ceasefire-us-backstop",
        "--cut",
        "lviv:5:100",
        "--critical",
        "7",
    ),
    "sustain": ("sustain", "--scenario", "ceasefire-consent-backstop"),
    "posture": ("posture", "--scenario", "ceasefire-us-backstop", "--posture", "forward-hubs"),
    "posture-compare": ("posture", "--scenario", "ceasefire-us-backstop", "--compare"),
    "sweep": ("sweep", "--vary", "ceasefire=0.2,0.5", "--draws", "500", "--serial"),
    "compare": ("compare", "ceasefire-only", "ceasefire-us-backstop", "mnf-ukraine", "-n", "500"),
    "sensitivity": ("sensitivity", "--scenario", "ceasefire-only"),
    "timeline": ("timeline",),
    "timeline-scenario": ("timeline", "--scenario", "ceasefire-only", "--from", "2025-06-01"),
}

DIAGNOSTICS = {"validate": ("validate", "mnf-ukraine")}


class _StoppedClock:
    """``time`` for the sourcing stages: every stage takes 0.00 s, so that two runs of
    ``source`` print the same words (the stage table has a seconds column)."""

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)

    @staticmethod
    def perf_counter() -> float:
        return 0.0


@pytest.fixture(scope="module", autouse=True)
def _stage_seconds_stopped() -> Iterator[None]:
    from forcegen.engine.sourcing import fill_stages, tie_breaks

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fill_stages, "time", _StoppedClock())
        patch.setattr(tie_breaks, "time", _StoppedClock())
        yield


@pytest.fixture(scope="module")
def wide() -> dict[str, str]:
    out = {}
    for name, args in {**COMMANDS, **DIAGNOSTICS}.items():
        code, text, err = cli(*args, columns=WIDE)
        assert code == 0, err
        out[name] = text
    return out


def _ids() -> set[str]:
    ws = open_workspace()
    ids = {c for c in ws.capabilities if "_" in c}
    ids |= {c for c in ws.conditions if "_" in c}
    ids |= set(ws.requirements)
    ids |= set(ws.scenarios)
    return ids


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_report_fits_and_keeps_words_whole(name: str, columns: int, wide: dict[str, str]) -> None:
    code, text, err = cli(*COMMANDS[name], columns=columns)
    assert code == 0, err
    assert too_wide(text, columns) == []
    missing = sorted(printed_words(wide[name]) - printed_words(text))
    assert missing == [], f"words split or cut at {columns} columns: {missing[:12]}"


@pytest.mark.parametrize("name", [*COMMANDS, *DIAGNOSTICS])
def test_report_uses_names_and_thousands_separators(name: str, wide: dict[str, str]) -> None:
    # ids stay where a report tells how to ask for more: "--scenario ceasefire-only"
    text = re.sub(r"--(scenario|requirement) \S+", "", wide[name])
    words = printed_words(text)
    leaked = sorted(i for i in _ids() if i in words or any(w.strip("(),:;'\"") == i for w in words))
    assert leaked == [], f"ids in the {name} report: {leaked}"
    bare = [m for m in re.findall(r"(?<![\d.,/:#-])\d{4,}(?![\d.,])", text) if not _is_year(m)]
    assert bare == [], f"numbers without thousands separators in {name}: {bare[:10]}"


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and 1900 <= int(digits) <= 2100
