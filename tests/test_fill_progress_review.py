"""Review of 46faace (fill progress, StudyPace): defects found, as failing tests.

- requirement_fills holds every requirement's BatchFill (a [rows x lines] float matrix
  each) until the first solve: peak memory grows with the lines of *all* requirements
  instead of one requirement's.
- StudyPace reads a Dask batch's pace from chunks that run in parallel: the first chunk
  back says the batch will take about ``workers`` times longer than it does.
- StudyPace judges each batch alone: a study of many batches each under a minute is
  never warned about, however long the study.
- The CLI prints the pace warning with a console of its own while the Rich bars are
  live: on a terminal it lands inside the bars and the next refresh wipes part of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from benchmarks.synthetic_odds import synthetic_odds

import forcegen
from forcegen.engine.odds.outcomes import requirement_fills
from forcegen.engine.sourcing.fill import fill_batch
from forcegen.engine.study_cost import StudyPace, estimate


def _peak(run: object) -> float:
    tracemalloc.start()
    try:
        run()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_requirement_fills_peak_memory_is_that_of_one_requirement_at_a_time() -> None:
    # 20 requirements x 20 lines, every line in closed form (no solve at all):
    # 20,000 rows: 153 MB against 36 MB one requirement at a time
    # (200,000 rows: 1,107 MB against 179 MB)
    ws = forcegen.build_workspace(
        synthetic_odds(conditions=24, options=20, lines=20, pledges=160, substitutes=0.0)
    )
    active = np.random.default_rng(0).random((20_000, len(ws.pledges))) < 0.6
    cache: dict[object, object] = {}
    together = _peak(lambda: requirement_fills(ws, active, cache))
    alone = _peak(
        lambda: [fill_batch(ws, r, active, cache, personnel=True) for r in ws.requirements.values()]
    )
    assert together <= 2 * alone, (together, alone)


def test_a_dask_batch_under_a_minute_is_not_warned_about() -> None:
    # distributed_fills on 2 workers (the CLI's default): 8 chunks of 100 patterns,
    # 8.75 s each, two at a time: the batch takes 35 s. The first chunk back (8.75 s,
    # 100 of 800) projects 70 s.
    pace = StudyPace(estimate("montecarlo", 1_000), "patterns", parallel=2)
    assert not pace.warned
    assert pace.check(0, 800, 0.0) is None
    said = []
    for wave in range(4):
        for k in range(2):
            done = (2 * wave + k + 1) * 100
            said.append(pace.check(done, 800, 8.75 * (wave + 1)))
    assert said == [None] * 8, [s for s in said if s]


def test_a_study_of_many_batches_each_under_a_minute_is_warned_about() -> None:
    # the base table: 100 fills at 0.5 s (50 s); then 8 forced cases of 20 fills at
    # 0.5 s (10 s each): 130 s in all, where the estimate said under a minute
    pace = StudyPace(estimate("montecarlo", 1_000))
    now, said = 0.0, []
    for total in [100] + [20] * 8:
        said.append(pace.check(0, total, now))
        for done in range(1, total + 1):
            now += 0.5
            said.append(pace.check(done, total, now))
    assert now == 130.0
    assert sum(s is not None for s in said) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_the_pace_warning_is_printed_above_the_live_bars(tmp_path: Path) -> None:
    import pty

    import yaml

    ws = tmp_path / "ws.yaml"
    ws.write_text(
        yaml.safe_dump(
            synthetic_odds(conditions=6, options=1, lines=6, pledges=40, substitutes=1.0),
            sort_keys=False,
        )
    )
    script = (
        "import sys, forcegen\n"
        "from forcegen.engine import study_cost\n"
        "study_cost.PACE_SECONDS = 0.0\n"
        "study_cost.SLOW_SECONDS = -1.0\n"
        "forcegen.study_cost = lambda *a, **k: None\n"
        "from forcegen.__main__ import run\n"
        f"sys.argv = ['forcegen', 'montecarlo', {str(ws)!r}, '--draws', '300', '--seed',"
        " '2', '--serial', '--json']\n"
        "run()\n"
    )
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm", COLUMNS="120")
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=slave,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    raw = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        raw += chunk
    os.close(master)
    assert process.wait(timeout=120) == 0
    text = raw.decode()
    at = text.index("warning: the requirement fills are slower")
    assert "━" in text[:at], "no live bars on the terminal"
    # Rich prints above live bars by clearing them first (cursor up, erase line); the
    # warning must not start right after a bar's text
    before = text[:at]
    assert before.endswith("\n") or before.endswith("\x1b[2K"), repr(before[-80:])
