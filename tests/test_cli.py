"""The command line end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import forcegen
from conftest import SMALL


def forcegen_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forcegen", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )


def test_run_json_on_a_workspace() -> None:
    proc = forcegen_cli("run", str(SMALL), "--scenario", "cf", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert list(payload) == ["cf"]
    cf = payload["cf"]
    assert cf["personnel"] == 5300
    assert cf["by_nation"] == {"GBR": 5300, "FRA": 0, "DEU": 0, "EST": 0}
    assert cf["requirements"]["opt-a"]["fill_ratio"] == 0.4
    assert cf["requirements"]["opt-a"]["met"] is False
    assert cf["veto"] == {"ceasefire": 5300, "consent": 300, "backstop": 10000}
    assert cf["assumed_false"] == ["consent", "backstop"]


def test_run_report_on_the_builtin_dataset() -> None:
    proc = forcegen_cli("run")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Scenarios at a glance" in out
    assert "biggest vetoes" in out
    assert "assumed false" in out
    ws = forcegen.load_builtin()
    for sid in ws.scenarios:
        assert sid in out


def test_run_json_on_the_builtin_dataset_covers_every_scenario() -> None:
    proc = forcegen_cli("run", "mnf-ukraine", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    ws = forcegen.load_builtin()
    assert list(payload) == list(ws.scenarios)
    for result in payload.values():
        assert set(result["requirements"]) == set(ws.requirements)
        assert set(result["veto"]) == set(ws.conditions)
        assert result["personnel"] == sum(result["by_nation"].values())


def test_bad_workspace_exits_2_with_nothing_on_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SMALL.read_text(encoding="utf-8").replace("quantity: 2, req", "quantity: -2, req"),
        encoding="utf-8",
    )
    for command in (["run", str(bad), "--json"], ["run", str(bad)], ["validate", str(bad)]):
        proc = forcegen_cli(*command)
        assert proc.returncode == 2, command
        assert proc.stdout == "", command
        assert "bad.yaml:" in proc.stderr
        assert "pledges[3].quantity" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_validate_reports_ok_and_json(tmp_path: Path) -> None:
    proc = forcegen_cli("validate", str(SMALL))
    assert proc.returncode == 0 and "valid" in proc.stdout
    proc = forcegen_cli("validate", str(SMALL), "--json")
    payload = json.loads(proc.stdout)
    assert payload["valid"] is True and payload["counts"]["pledges"] == 6
    bad = tmp_path / "bad.yaml"
    bad.write_text("nations: 3\n", encoding="utf-8")
    proc = forcegen_cli("validate", str(bad), "--json")
    assert proc.returncode == 2
    payload = json.loads(proc.stdout)
    assert payload["valid"] is False and payload["errors"][0]["line"] == 1


def test_unknown_scenario_and_missing_workspace_exit_2() -> None:
    proc = forcegen_cli("run", str(SMALL), "--scenario", "ful")
    assert proc.returncode == 2 and "did you mean 'full'" in proc.stderr.lower()
    proc = forcegen_cli("run", "no/such/place.yaml")
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_init_writes_an_editable_workspace_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "mnf"
    proc = forcegen_cli("init", str(target))
    assert proc.returncode == 0, proc.stderr
    assert (target / "pledges.yaml").exists()
    assert forcegen_cli("validate", str(target)).returncode == 0
    again = forcegen_cli("init", str(target))
    assert again.returncode == 2 and "not empty" in again.stderr
    builtin = forcegen_cli("run", "--json").stdout
    assert forcegen_cli("run", str(target), "--json").stdout == builtin


def test_help_and_version_do_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from forcegen.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'pydantic', 'yaml') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr
    version = forcegen_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("forcegen ")


def test_init_into_unwritable_places_exits_2(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for target in (afile / "sub", tmp_path / "no" / "such" / "parent", afile):
        proc = forcegen_cli("init", str(target))
        assert proc.returncode == 2, (target, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_montecarlo_json_shape_and_determinism(tmp_path: Path) -> None:
    args = ("montecarlo", str(SMALL), "--draws", "50000", "--seed", "5", "--json")
    first = forcegen_cli(*args)
    assert first.returncode == 0, first.stderr
    payload = json.loads(first.stdout)
    assert payload["draws"] == 50000 and payload["seed"] == 5
    assert set(payload["personnel"]) == {"mean", "stderr", "p05", "p50", "p95"}
    assert set(payload["requirements"]) == {"opt-a", "opt-b"}
    assert set(payload["requirements"]["opt-a"]) >= {"p_met", "stderr"}
    sens = payload["sensitivity"]
    assert set(sens) == {"ceasefire", "consent", "backstop"}
    assert set(sens["ceasefire"]) >= {"swing_personnel", "swing_p_met", "variance_share"}
    assert set(sens["ceasefire"]["swing_p_met"]) == {"opt-a", "opt-b"}
    again = forcegen_cli(*args, "--workers", "2")
    assert again.stdout == first.stdout
    exact = json.loads(forcegen_cli("montecarlo", str(SMALL), "--exact", "--json").stdout)
    assert exact["exact"] is True and exact["personnel"]["mean"] == 4210.0


def test_montecarlo_report_and_plots(tmp_path: Path) -> None:
    proc = forcegen_cli("montecarlo", "--draws", "20000", "--plot", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "Sensitivity" in proc.stdout and "P(met)" in proc.stdout
    for stem in ("personnel_distribution", "sensitivity_tornado"):
        for suffix in ("png", "svg"):
            assert (tmp_path / f"{stem}.{suffix}").stat().st_size > 1000


def test_montecarlo_bad_input_exits_2(tmp_path: Path) -> None:
    for draws in ("0", "-3", "many"):
        proc = forcegen_cli("montecarlo", str(SMALL), "--draws", draws)
        assert proc.returncode == 2 and proc.stdout == "", draws
        assert "Traceback" not in proc.stderr
    text = SMALL.read_text(encoding="utf-8")
    bad_p = tmp_path / "p.yaml"
    bad_p.write_text(text.replace("probability: 0.3", "probability: 1.3"), encoding="utf-8")
    cyclic = tmp_path / "cyclic.yaml"
    cyclic.write_text(
        text.replace(
            "probability: 0.5\n",
            "probability: {given: {consent: true}, p: 0.5, otherwise: 0.1}\n",
            1,
        ),
        encoding="utf-8",
    )
    for path, fragment in ((bad_p, "less than or equal to 1"), (cyclic, "cycle")):
        proc = forcegen_cli("montecarlo", str(path), "--json")
        assert proc.returncode == 2 and proc.stdout == ""
        assert fragment in proc.stderr


def test_progress_bar_renders_on_a_terminal() -> None:
    import io

    from rich.console import Console

    from forcegen.cli.progress import progress_bar

    out = io.StringIO()
    bar, update = progress_bar(
        "sampling", 3_000_000, "draws", console=Console(file=out, force_terminal=True, width=100)
    )
    assert update is not None
    with bar:
        update(1_000_000, 9_000_000)
        update(9_000_000, 9_000_000)
    _, none = progress_bar("x", 10, "points", console=Console(file=io.StringIO()))
    assert none is None


def test_montecarlo_and_sweep_refuse_bad_options(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    cases = [
        ("montecarlo", str(SMALL), "--seed", "-1"),
        ("montecarlo", str(SMALL), "--workers", "0"),
        ("montecarlo", str(SMALL), "--plot", str(afile)),
        ("montecarlo", str(SMALL), "--plot", str(afile / "sub")),
        ("sweep", str(SMALL), "--vary", "consent=0,1", "--workers", "0"),
        ("sweep", str(SMALL), "--vary", "consent=0:inf:0.1", "--serial"),
        ("sweep", str(SMALL), "--vary", "consent=0:1:1e-12", "--serial"),
        (
            "sweep",
            str(SMALL),
            "--vary",
            "consent=0:1:0.001",
            "--vary",
            "backstop=0:1:0.01",
            "--serial",
        ),
        ("sweep", str(SMALL), "--vary", "consent=0,1", "--serial", "--csv", str(tmp_path)),
        ("sweep", str(SMALL), "--vary", "consent=0,1", "--scheduler", "notaproto://x"),
    ]
    for args in cases:
        proc = forcegen_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stdout == "" and "Traceback" not in proc.stderr, args
