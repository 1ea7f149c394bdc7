"""The ``ledger`` benchmark: a pledge ledger of 100,000 revisions on SQLite, asked 1,000
times for the force as of a random date, against rebuilding that force from YAML.

The history (:func:`pledge_history`, seeded): ``pledges`` pledges of one capability, by
40 nations, each made on a date in 2024-2025 with a personnel figure, and
``revisions`` revisions in all (spread evenly), each dated after the one before and
setting the pledge's personnel (and now and then its status). Written as one YAML file.

Measured in the same run:

- ``import_seconds``: ``forcegen.open_ledger(url).import_workspace(yaml)`` into a new
  SQLite ledger (validation included, one transaction).
- ``seconds``: 1,000 as-of queries answered in SQL from the ledger: for each random date,
  the personnel of every pledge made by then as its latest entry on or before the date
  says (:data:`AS_OF_SQL`), summed.
- ``baseline_seconds``: the same 1,000 answers by rebuilding the snapshot from YAML for
  each date (``forcegen.open_workspace(yaml, as_of=day)``, then the pledges' personnel
  summed), timed on ``baseline_queries`` dates and extrapolated to 1,000.
- ``ledger_workspace_seconds``: the same, through the ledger's own full build
  (``forcegen.ledger_workspace(url, as_of=day)``: what every command does with
  ``--ledger``), timed on the same dates and extrapolated.
- ``identical``: the SQL answer equals both rebuilt answers on every timed date.

``ratio`` is ``baseline_seconds / seconds`` (a speed-up).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

AS_OF_SQL = """
SELECT COALESCE(SUM(CAST(json_extract(e.body, '$.personnel') AS INTEGER)), 0)
FROM ledger_entries AS e
WHERE e.id IN (
    SELECT (
        SELECT latest.id FROM ledger_entries AS latest
        WHERE latest.section = 'pledges' AND latest.record_id = made.record_id
          AND latest.valid_from <= :day AND latest.kind IN ('pledge', 'revision')
        ORDER BY latest.valid_from DESC, latest.id DESC
        LIMIT 1
    )
    FROM ledger_entries AS made
    WHERE made.kind = 'pledge' AND made.valid_from <= :day
)
"""
"""The force as of ``:day`` [persons]: each pledge made by then at the personnel of its
latest entry (as made, or a revision) on or before the day: one index seek per pledge
(``ix_ledger_entries_record``: section, record, valid date, id). Exact for this history
(every entry gives personnel; none is corrected)."""

FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2026, 6, 30)


def pledge_history(pledges: int = 2_000, revisions: int = 100_000, seed: int = 0) -> dict[str, Any]:
    """Workspace data of a seeded pledge history (see the module docstring)."""
    import pycountry

    rng = random.Random(seed)
    codes = sorted(c.alpha_3 for c in pycountry.countries)[:40]
    span = (LAST_DAY - FIRST_DAY).days
    items: list[dict[str, Any]] = []
    per = revisions // pledges
    extra = revisions - per * pledges
    for k in range(pledges):
        made = FIRST_DAY + dt.timedelta(days=rng.randrange(0, span // 2))
        count = per + (1 if k < extra else 0)
        gaps = sorted(rng.sample(range(1, (LAST_DAY - made).days + 1), count))
        revs = []
        for gap in gaps:
            revision: dict[str, Any] = {
                "date": str(made + dt.timedelta(days=gap)),
                "personnel": rng.randrange(50, 5_000),
                "basis": "assumption",
            }
            if rng.random() < 0.1:
                revision["status"] = rng.choice(["stated", "earmarked", "deployed"])
            revs.append(revision)
        items.append(
            {
                "id": f"p{k}",
                "nation": codes[k % len(codes)],
                "capability": "coy",
                "quantity": 1,
                "personnel": rng.randrange(50, 5_000),
                "date": str(made),
                "basis": "assumption",
                "revisions": revs,
            }
        )
    return {
        "capabilities": [
            {
                "id": "coy",
                "name": "Company",
                "domain": "land",
                "personnel": 150,
                "basis": "assumption",
            }
        ],
        "nations": [
            {
                "id": code,
                "name": code,
                "active_personnel": 1_000_000,
                "land_personnel": 500_000,
                "basis": "assumption",
            }
            for code in codes
        ],
        "pledges": items,
    }


def _force(workspace: Any) -> int:
    return sum(workspace.pledge_personnel(pid) for pid in workspace.pledges)


def bench_ledger(
    queries: int = 1_000,
    baseline_queries: int = 3,
    pledges: int = 2_000,
    revisions: int = 100_000,
    seed: int = 0,
) -> dict[str, Any]:
    """Run the benchmark (see the module docstring); the figures as a dict."""
    import sqlalchemy as sa
    import yaml

    import forcegen

    data = pledge_history(pledges, revisions, seed=seed)
    revisions = sum(len(p["revisions"]) for p in data["pledges"])
    rng = random.Random(seed + 1)
    span = (LAST_DAY - FIRST_DAY).days
    days = [FIRST_DAY + dt.timedelta(days=rng.randrange(0, span + 1)) for _ in range(queries)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.yaml"
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False), encoding="utf-8")
        url = f"sqlite:///{folder}/ledger.db"
        forcegen.init_ledger(url)
        start = time.perf_counter()
        with forcegen.open_ledger(url) as ledger:
            entries = len(ledger.import_workspace(path, author="benchmark").ids)
        import_seconds = time.perf_counter() - start

        engine = sa.create_engine(url)
        answers: list[int] = []
        with engine.connect() as connection:
            statement = sa.text(AS_OF_SQL)
            start = time.perf_counter()
            for day in days:
                answers.append(
                    int(connection.execute(statement, {"day": day.isoformat()}).scalar_one())
                )
            seconds = time.perf_counter() - start
        engine.dispose()

        timed = days[:baseline_queries]
        start = time.perf_counter()
        from_yaml = [_force(forcegen.open_workspace(path, as_of=day)) for day in timed]
        baseline_per_query = (time.perf_counter() - start) / len(timed)
        start = time.perf_counter()
        from_ledger = [_force(forcegen.ledger_workspace(url, as_of=day)) for day in timed]
        ledger_per_query = (time.perf_counter() - start) / len(timed)
    return {
        "seconds": seconds,
        "baseline_seconds": baseline_per_query * queries,
        "ledger_workspace_seconds": ledger_per_query * queries,
        "import_seconds": import_seconds,
        "entries": entries,
        "revisions": revisions,
        "queries": queries,
        "baseline_measured_queries": len(timed),
        "seconds_per_query": seconds / queries,
        "baseline_seconds_per_query": baseline_per_query,
        "ledger_workspace_seconds_per_query": ledger_per_query,
        "identical": answers[: len(timed)] == from_yaml == from_ledger,
        "mean_force": sum(answers) / len(answers),
    }


__all__ = ["AS_OF_SQL", "bench_ledger", "pledge_history"]
