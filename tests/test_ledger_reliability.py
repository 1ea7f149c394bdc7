"""The ledger under load and failure, on SQLite and PostgreSQL: writers at the same
moment lose nothing and duplicate nothing; a process killed in the middle of an import
leaves all of it or none."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import forcegen
import helpers.ledger as fixtures

fixtures.require_extra()

# the fixtures: a new ledger URL on SQLite and on PostgreSQL (helpers/ledger.py)
ledger_url = fixtures.ledger_url
postgres_url = fixtures.postgres_url

WRITERS = 4
REVISIONS = 250
START = dt.date(2025, 1, 1)


def coalition(pledges: int, revisions: int) -> str:
    """A workspace of ``pledges`` pledges (one per writer) with ``revisions`` revisions
    each, as YAML text: pledge k made on 2024-12-31 with 1 unit of 100 persons; its
    revision r, dated START + r days, sets personnel to 1,000 (k + 1) + r."""
    lines = [
        "capabilities:",
        "  - {id: coy, name: Company, domain: land, personnel: 100, basis: assumption}",
        "nations:",
        "  - {id: GBR, name: United Kingdom, active_personnel: 141330, land_personnel: 75320,",
        "     basis: assumption}",
        "pledges:",
    ]
    for k in range(pledges):
        lines.append(
            f"  - {{id: p{k}, nation: GBR, capability: coy, quantity: 1, date: 2024-12-31, "
            "basis: assumption" + ("}" if not revisions else ", revisions: [")
        )
        if revisions:
            lines.append(
                ",\n".join(
                    f"      {{date: {START + dt.timedelta(days=r)}, "
                    f"personnel: {1000 * (k + 1) + r}, basis: assumption}}"
                    for r in range(revisions)
                )
                + "]}"
            )
    return "\n".join(lines) + "\n"


WRITER = textwrap.dedent(
    """
    import datetime as dt, os, sys, time
    import forcegen

    url, worker, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    start = dt.date(2025, 1, 1)
    with forcegen.open_ledger(url) as ledger:
        while not os.path.exists(go):  # start together
            time.sleep(0.005)
        for r in range(count):
            ledger.record(
                {"pledge": f"p{worker}", "date": str(start + dt.timedelta(days=r)),
                 "personnel": 1000 * (worker + 1) + r, "basis": "assumption"},
                author=f"writer-{worker}",
            )
    print("done", worker)
    """
)


def test_four_writers_at_once_lose_nothing_and_duplicate_nothing(
    ledger_url: str, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws.yaml"
    workspace.write_text(coalition(WRITERS, 0), encoding="utf-8")
    forcegen.init_ledger(ledger_url)
    with forcegen.open_ledger(ledger_url) as ledger:
        base = len(ledger.import_workspace(workspace, author="importer").ids)
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, ledger_url, str(w), str(REVISIONS), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    go.touch()
    outcomes = [w.communicate(timeout=900) for w in writers]
    assert [w.returncode for w in writers] == [0] * WRITERS, [err for _, err in outcomes]
    with forcegen.open_ledger(ledger_url) as ledger:
        entries = ledger.entries()
    assert len(entries) == base + WRITERS * REVISIONS
    assert len({e.id for e in entries}) == len(entries)
    revisions = [e for e in entries if e.kind == "revision"]
    assert len({(e.record_id, e.valid_from) for e in revisions}) == WRITERS * REVISIONS
    for w in range(WRITERS):
        mine = [e for e in revisions if e.record_id == f"p{w}"]
        assert {e.author for e in mine} == {f"writer-{w}"}
        assert [e.body["personnel"] for e in mine] == [1000 * (w + 1) + r for r in range(REVISIONS)]
    # the writers did run at once: their entries interleave in recorded order (one after
    # another would change writer WRITERS - 1 times; a loaded machine can start them far
    # apart, so one interleaving is all that is asked)
    order = [e.record_id for e in revisions]
    assert sum(a != b for a, b in itertools.pairwise(order)) > WRITERS - 1
    # the force as of a few dates: personnel of pledge k = 1,000 (k + 1) + days since START
    for days in (0, 1, 137, REVISIONS - 1, 5_000):
        day = START + dt.timedelta(days=days)
        ws = forcegen.ledger_workspace(ledger_url, as_of=day)
        step = min(days, REVISIONS - 1)
        by_pledge = {pid: ws.pledge_personnel(pid) for pid in ws.pledges}
        assert by_pledge == {f"p{w}": 1000 * (w + 1) + step for w in range(WRITERS)}
    before = forcegen.ledger_workspace(ledger_url, as_of=dt.date(2024, 12, 31))
    assert {pid: before.pledge_personnel(pid) for pid in before.pledges} == {
        f"p{w}": 100 for w in range(WRITERS)
    }


IMPORTER = textwrap.dedent(
    """
    import sys, time
    import forcegen

    url, path, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])

    def progress(done, total):
        print(f"sent {done} of {total}", flush=True)
        time.sleep(pause)  # a slow import: killed while it waits here

    with forcegen.open_ledger(url) as ledger:
        result = ledger.import_workspace(path, author="importer", progress=progress)
    print(f"committed {len(result.ids)}", flush=True)
    """
)


def _import(url: str, path: Path, pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", IMPORTER, url, str(path), str(pause)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_import_killed_midway_leaves_nothing_and_a_full_one_everything(
    ledger_url: str, tmp_path: Path
) -> None:
    workspace = tmp_path / "big.yaml"
    workspace.write_text(coalition(400, 9), encoding="utf-8")  # 4,002 entries: 5 statements
    total = 2 + 400 * 10
    forcegen.init_ledger(ledger_url)
    killed = _import(ledger_url, workspace, pause=600)
    assert killed.stdout is not None
    first = killed.stdout.readline()  # the first 1,000 rows are in the database, uncommitted
    assert first.startswith("sent 1000 of"), (first, killed.stderr.read() if killed.stderr else "")
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)  # closes its pipes
    assert killed.returncode == -signal.SIGKILL
    with forcegen.open_ledger(ledger_url) as ledger:
        assert ledger.count() == 0
    # the ledger is not left locked or damaged: the same import, in full
    done = _import(ledger_url, workspace, pause=0)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    assert out.splitlines()[-1] == f"committed {total}"
    with forcegen.open_ledger(ledger_url) as ledger:
        assert ledger.count() == total
    ws = forcegen.ledger_workspace(ledger_url, as_of=START + dt.timedelta(days=3))
    assert ws.pledge_personnel("p399") == 1000 * 400 + 3
