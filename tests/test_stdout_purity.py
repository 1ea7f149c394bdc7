"""Stdout carries results only: every ``--json`` prints one JSON document and nothing else.

These run the installed command in a subprocess on purpose: solver libraries write to
the C-level file descriptors (HiGHS 1.16 prints a banner when its first solver object is
constructed), which an in-process runner would never see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers.data import SMALL
from helpers.workspaces import deployment_example_text


def _deployment_example(folder: Path) -> Path:
    path = folder / "network-example.yaml"
    path.write_text(deployment_example_text(), encoding="utf-8")
    return path


def _commands(small: str, network: str) -> list[tuple[str, ...]]:
    """Every command that has --json, on the built-in data and on small workspaces."""
    return [
        ("run", "--json"),
        ("run", small, "--json"),
        ("validate", "mnf-ukraine", "--json"),
        ("validate", small, "--json"),
        ("montecarlo", "-n", "2000", "--json"),
        ("montecarlo", small, "-n", "2000", "--json"),
        ("sweep", "--vary", "ceasefire=0,1", "-n", "500", "--serial", "--json"),
        ("sweep", small, "--vary", "backstop=0,1", "-n", "500", "--serial", "--json"),
        ("source", "-r", "force-10k", "-s", "ceasefire-only", "--json"),
        ("source", small, "-r", "opt-a", "-s", "cf", "--dependence-on", "GBR", "--json"),
        ("deploy", "-s", "ceasefire-only", "--json"),
        ("deploy", network, "--json"),
        ("posture", "-s", "ceasefire-only", "--compare", "--json"),
        ("supply", "-s", "ceasefire-us-backstop", "--cut", "przemysl:5", "--json"),
        ("sustain", "-s", "ceasefire-only", "--json"),
        ("sustain", small, "-s", "cf", "--json"),
        ("schema", "--json"),
    ]


def _run(args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "forcegen", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_every_json_command_prints_one_json_document_and_nothing_on_stderr(
    tmp_path: Path,
) -> None:
    commands = _commands(str(SMALL), str(_deployment_example(tmp_path)))
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_run, commands))
    for args, proc in zip(commands, results, strict=True):
        shown = "forcegen " + " ".join(args)
        assert proc.returncode == 0, f"{shown}: exit {proc.returncode}\n{proc.stderr}"
        try:
            json.loads(proc.stdout)
        except json.JSONDecodeError as exc:  # pragma: no cover - the failure being guarded
            pytest.fail(f"{shown}: stdout is not one JSON document ({exc}):\n{proc.stdout[:300]}")
        assert proc.stderr == "", f"{shown}: unexpected output on stderr:\n{proc.stderr[:500]}"


def test_solver_logs_go_to_stderr_only_when_verbose(tmp_path: Path) -> None:
    args = ("source", str(SMALL), "-r", "opt-a", "-s", "cf", "--dependence-on", "GBR", "--json")
    quiet, loud = _run(args), _run(("--verbose", *args))
    assert quiet.returncode == loud.returncode == 0
    assert json.loads(quiet.stdout) == json.loads(loud.stdout)
    assert quiet.stderr == ""
    assert "HiGHS" in loud.stderr or "MIP" in loud.stderr
