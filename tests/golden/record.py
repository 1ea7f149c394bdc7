"""Record the golden ``--json`` outputs: ``python tests/golden/record.py``.

Golden files pin the behaviour of every engine on the built-in dataset (``run``,
``montecarlo --seed 1``, ``source``, ``sustain`` and ``deploy`` for every scenario, and
``source``/``deploy -r`` for every force option). They were recorded before the engine was
split into packages (issue 11) and must stay byte-identical unless a change of behaviour is
intended; then re-record them here and say why in the commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = [
    "no-ceasefire",
    "ceasefire-only",
    "ceasefire-us-backstop",
    "ceasefire-consent-backstop",
    "un-mandate",
]
REQUIREMENTS = ["force-100k", "force-64k", "force-25k", "force-15k", "force-10k"]


def cases() -> dict[str, list[str]]:
    """Golden file name -> the command's arguments (each with ``--json``)."""
    out: dict[str, list[str]] = {"run.json": ["run", "--json"]}
    for s in SCENARIOS:
        out[f"montecarlo-{s}.json"] = ["montecarlo", "-s", s, "--seed", "1", "--json"]
        out[f"sustain-{s}.json"] = ["sustain", "-s", s, "--json"]
        out[f"deploy-{s}.json"] = ["deploy", "-s", s, "--json"]
        for r in REQUIREMENTS:
            out[f"source-{r}-{s}.json"] = ["source", "-r", r, "-s", s, "--json"]
    out["montecarlo.json"] = ["montecarlo", "--seed", "1", "--json"]
    out["sustain.json"] = ["sustain", "--json"]
    for r in REQUIREMENTS:
        out[f"source-{r}.json"] = ["source", "-r", r, "--json"]
        out[f"deploy-{r}-ceasefire-only.json"] = [
            "deploy",
            "-r",
            r,
            "-s",
            "ceasefire-only",
            "--json",
        ]
    return out


def main() -> int:
    from typer.testing import CliRunner

    from forcegen.cli.app import app

    runner = CliRunner()
    for name, args in cases().items():
        result = runner.invoke(app, args)
        if result.exit_code != 0:
            print(f"{name}: exit {result.exit_code}\n{result.output}", file=sys.stderr)
            return 1
        (HERE / name).write_text(result.stdout, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
