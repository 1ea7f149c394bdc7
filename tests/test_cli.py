"""The command line: every command in this process (``CliRunner``); start-up, the
installed command and exit codes of the process end to end, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import forcegen
from helpers.cli import ENV, cli, forcegen_process
from helpers.data import SMALL


def test_run_json_on_a_workspace() -> None:
    result = cli("run", str(SMALL), "--scenario", "cf", "--json")
    assert result.code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert list(payload) == ["cf"]
    cf = payload["cf"]
    assert cf["personnel"] == 5300
    assert cf["by_nation"] == {"GBR": 5300, "FRA": 0, "DEU": 0, "EST": 0}
    assert cf["requirements"]["opt-a"]["fill_ratio"] == 0.4
    assert cf["requirements"]["opt-a"]["met"] is False
    assert cf["veto"] == {"ceasefire": 5300, "consent": 300, "backstop": 10000}
    assert cf["assumed_false"] == ["consent", "backstop"]


def test_run_report_on_the_builtin_dataset() -> None:
    result = cli("run")
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "Scenarios at a glance" in out
    assert "biggest vetoes" in out
    assert "assumed false" in out
    ws = forcegen.load_builtin()
    for sid in ws.scenarios:
        assert sid in out


def test_run_json_on_the_builtin_dataset_covers_every_scenario() -> None:
    result = cli("run", "mnf-ukraine", "--json")
    assert result.code == 0, result.stderr
    payload = json.loads(result.stdout)
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
        result = cli(*command)
        assert result.code == 2, command
        assert result.stdout == "", command
        assert "bad.yaml:" in result.stderr
        assert "pledges[3].quantity" in result.stderr
        assert "Traceback" not in result.stderr


def test_validate_reports_ok_and_json(tmp_path: Path) -> None:
    result = cli("validate", str(SMALL))
    assert result.code == 0 and "valid" in result.stdout
    result = cli("validate", str(SMALL), "--json")
    payload = json.loads(result.stdout)
    assert payload["valid"] is True and payload["counts"]["pledges"] == 6
    bad = tmp_path / "bad.yaml"
    bad.write_text("nations: 3\n", encoding="utf-8")
    result = cli("validate", str(bad), "--json")
    assert result.code == 2
    payload = json.loads(result.stdout)
    assert payload["valid"] is False and payload["errors"][0]["line"] == 1


def test_unknown_scenario_and_missing_workspace_exit_2() -> None:
    result = cli("run", str(SMALL), "--scenario", "ful")
    assert result.code == 2 and "did you mean 'full'" in result.stderr.lower()
    result = cli("run", "no/such/place.yaml")
    assert result.code == 2 and "no such file" in result.stderr


def test_init_writes_an_editable_workspace_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "mnf"
    result = cli("init", str(target))
    assert result.code == 0, result.stderr
    assert (target / "pledges.yaml").exists()
    assert cli("validate", str(target)).code == 0
    again = cli("init", str(target))
    assert again.code == 2 and "not empty" in again.stderr
    builtin = cli("run", "--json").stdout
    assert cli("run", str(target), "--json").stdout == builtin


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
    version = cli("--version")
    assert version.code == 0 and version.stdout.startswith("forcegen ")


def test_the_installed_command_starts_and_answers_help_and_version() -> None:
    """End to end: the console script that installing forcegen creates."""
    command = Path(sysconfig.get_path("scripts")) / "forcegen"
    assert command.exists(), f"{command}: forcegen is not installed in this environment"
    help_ = subprocess.run(
        [str(command), "--help"], capture_output=True, text=True, timeout=60, env=ENV
    )
    assert help_.returncode == 0, help_.stderr
    assert help_.stdout.lstrip().startswith("Usage: forcegen ")
    for name in ("run", "validate", "montecarlo", "sweep", "source", "deploy", "sustain"):
        assert f" {name} " in help_.stdout, name
    assert help_.stderr == ""
    version = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, timeout=60, env=ENV
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"forcegen {forcegen.__version__}\n"


def test_exit_codes_of_the_process(tmp_path: Path) -> None:
    """End to end, in a subprocess: 0 with the result on stdout, 2 for bad input with
    nothing on stdout and the message on stderr, 2 for a usage error."""
    ok = forcegen_process("run", str(SMALL), "--scenario", "cf", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["cf"]["personnel"] == 5300
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SMALL.read_text(encoding="utf-8").replace("quantity: 2, req", "quantity: -2, req"),
        encoding="utf-8",
    )
    refused = forcegen_process("run", str(bad), "--json")
    assert refused.returncode == 2 and refused.stdout == ""
    assert "bad.yaml:" in refused.stderr and "pledges[3].quantity" in refused.stderr
    assert "Traceback" not in refused.stderr
    usage = forcegen_process("run", "--no-such-option")
    assert usage.returncode == 2 and usage.stdout == ""
    assert "No such option" in usage.stderr and "Traceback" not in usage.stderr


def test_init_into_unwritable_places_exits_2(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for target in (afile / "sub", tmp_path / "no" / "such" / "parent", afile):
        result = cli("init", str(target))
        assert result.code == 2, (target, result.stderr)
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_montecarlo_json_shape_and_determinism(tmp_path: Path) -> None:
    args = ("montecarlo", str(SMALL), "--draws", "50000", "--seed", "5", "--json")
    first = cli(*args)
    assert first.code == 0, first.stderr
    payload = json.loads(first.stdout)
    assert payload["draws"] == 50000 and payload["seed"] == 5
    assert set(payload["personnel"]) == {"mean", "stderr", "p05", "p50", "p95"}
    assert set(payload["requirements"]) == {"opt-a", "opt-b"}
    assert set(payload["requirements"]["opt-a"]) >= {"p_met", "stderr"}
    sens = payload["sensitivity"]
    assert set(sens) == {"ceasefire", "consent", "backstop"}
    assert set(sens["ceasefire"]) >= {"swing_personnel", "swing_p_met", "variance_share"}
    assert set(sens["ceasefire"]["swing_p_met"]) == {"opt-a", "opt-b"}
    again = cli(*args, "--workers", "2")
    assert again.stdout == first.stdout
    exact = json.loads(cli("montecarlo", str(SMALL), "--exact", "--json").stdout)
    assert exact["exact"] is True and exact["personnel"]["mean"] == 4210.0


def test_montecarlo_report_and_plots(tmp_path: Path) -> None:
    result = cli("montecarlo", "--draws", "20000", "--plot", str(tmp_path))
    assert result.code == 0, result.stderr
    assert "Sensitivity" in result.stdout and "P(met)" in result.stdout
    for stem in ("personnel_distribution", "sensitivity_tornado"):
        for suffix in ("png", "svg"):
            assert (tmp_path / f"{stem}.{suffix}").stat().st_size > 1000


def test_montecarlo_bad_input_exits_2(tmp_path: Path) -> None:
    for draws in ("0", "-3", "many"):
        result = cli("montecarlo", str(SMALL), "--draws", draws)
        assert result.code == 2 and result.stdout == "", draws
        assert "Traceback" not in result.stderr
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
        result = cli("montecarlo", str(path), "--json")
        assert result.code == 2 and result.stdout == ""
        assert fragment in result.stderr


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


def test_two_progress_bars_show_together_each_in_its_unit() -> None:
    import io

    from rich.console import Console

    from forcegen.cli.progress import progress_bars

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    bar, (sampling, filling) = progress_bars(
        [("sampling", 50, "draws"), ("filling", 0, "part fills")], console
    )
    assert sampling is not None and filling is not None
    with bar:
        sampling(50, 50)
        filling(7, 157)
        bar.refresh()  # type: ignore[attr-defined]
    shown = out.getvalue()
    assert "50/50 draws" in shown and "7/157 part fills" in shown
    _, nones = progress_bars([("a", 1, "x"), ("b", 1, "y")], Console(file=io.StringIO()))
    assert nones == [None, None]


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
        result = cli(*args)
        assert result.code == 2, (args, result.stderr)
        assert result.stdout == "" and "Traceback" not in result.stderr, args
