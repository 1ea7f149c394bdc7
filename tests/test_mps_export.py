"""The exported sourcing stages (``source --export-model``) round-trip through other solvers:
PuLP's MPS reader with its bundled CBC, HiGHS, and GLPK's ``glpsol`` when installed. Each
stage's optimum must equal forcegen's value for that stage, worked out here from forcegen's
result (fills and assignments), and the last stage's units must give forcegen's fills."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.helpers.data import SMALL

import forcegen
from forcegen.engine.sourcing import SourcingResult, source_requirement
from forcegen.io.mps import export_mps

pulp = pytest.importorskip("pulp")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP's 4.0 notices

TOLERANCE = 1e-5
"""[units]: forcegen reports fills and units to 6 decimals, each within UNITS (1e-6) of the
solver's figure, and each hold allows UNITS (a stated stage comes out 2e-6 below forcegen
on force-25k: a continuous pledge gives up that much fill)."""


BUILTIN = ["force-100k", "force-64k", "force-25k", "force-15k", "force-10k"]


@pytest.fixture(scope="module")
def builtin_ws():  # type: ignore[no-untyped-def]
    return forcegen.load_builtin("mnf-ukraine")


@pytest.fixture(scope="module")
def small_ws():  # type: ignore[no-untyped-def]
    return forcegen.load_workspace(SMALL)


def expected_stages(result: SourcingResult) -> dict[str, float]:
    """Each stage's value, by hand from forcegen's result: fill per priority = sum of the
    lines' fills; nations = distinct (nation, line) pairs used; stated = units of pledges not
    firm; units = all units used (own and organic)."""
    values: dict[str, float] = {}
    for line in result.fill.lines:
        key = f"fill-p{line.priority}"
        values[key] = values.get(key, 0.0) + line.filled
    used = [a for a in (*result.assignments, *result.organic_assignments) if a.units > 1e-6]
    firm = {o.pledge: o.firm for o in result.problem.offers}
    values["nations"] = len({(a.nation, a.line) for a in used})
    values["stated"] = sum(a.units for a in used if not firm[a.pledge])
    values["units"] = sum(a.units for a in used)
    return values


def export(result: SourcingResult, folder: Path) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    paths = export_mps(
        result.problem,
        folder / f"{result.problem.requirement_id}.mps",
        assignments=result.assignments + result.organic_assignments,
        stage_values=result.stage_values,
    )
    assert paths[-2].name.endswith(".highs.opt")
    return paths[:-2], json.loads(paths[-1].read_text(encoding="utf-8"))


def check_with_pulp(result: SourcingResult, folder: Path) -> int:
    """Solves each stage with CBC through PuLP's reader; returns the number of stages."""
    files, manifest = export(result, folder)
    expected = expected_stages(result)
    names = [stage["name"] for stage in manifest["stages"]]
    priorities = sorted({line.priority for line in result.problem.lines})
    tie_breaks = ["nations", "stated", "units"]
    if not any(not o.firm for o in result.problem.offers):
        tie_breaks.remove("stated")  # no stated pledge: forcegen skips the stage
    assert names == [f"fill-p{p}" for p in priorities] + tie_breaks
    variables: dict = {}  # type: ignore[type-arg]
    for file, stage in zip(files, manifest["stages"], strict=True):
        assert file.name == stage["file"]
        text = file.read_text(encoding="utf-8")
        assert "OBJSENSE" not in text and " UI " not in text and " LI " not in text
        variables, lp = pulp.LpProblem.fromMPS(str(file))
        assert lp.sense == pulp.LpMinimize
        lp.solve(pulp.PULP_CBC_CMD(msg=False))
        assert pulp.LpStatus[lp.status] == "Optimal", stage["name"]
        # a fill stage is maximised by forcegen: the file minimises its negative
        want = expected[stage["name"]]
        sign = -1.0 if stage["name"].startswith("fill-") else 1.0
        held = TOLERANCE
        assert pulp.value(lp.objective) == pytest.approx(sign * want, abs=held), stage
        assert stage["file_optimum"] == pytest.approx(sign * want, abs=TOLERANCE)
    # the last stage's units give forcegen's fills: min(quantity, sum of units / ratio)
    supplied = [0.0] * len(result.problem.lines)
    for e, edge in enumerate(result.problem.edges):
        supplied[edge.line] += variables[f"x_e{e}"].varValue / edge.ratio
    # the stages do not rank lines of one priority against each other: lines of one
    # capability and priority may share their fill differently among equal optima (two
    # brigades to ukraine-centre or to ukraine-south in force-64k): compare their totals
    ours: dict[tuple, float] = {}  # type: ignore[type-arg]
    theirs: dict[tuple, float] = {}  # type: ignore[type-arg]
    for line in result.fill.lines:
        key = (line.capability, line.priority)
        quantity = result.problem.lines[line.index].quantity
        theirs[key] = theirs.get(key, 0.0) + min(quantity, supplied[line.index])
        ours[key] = ours.get(key, 0.0) + line.filled
    assert theirs == pytest.approx(ours, abs=TOLERANCE)
    return len(files)


def test_small_stages_round_trip_through_pulp_cbc(small_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for requirement in small_ws.requirements:
        result = source_requirement(small_ws, requirement, None, None)
        check_with_pulp(result, tmp_path)


@pytest.mark.parametrize("requirement", BUILTIN)
def test_builtin_stages_round_trip_through_pulp_cbc(
    builtin_ws, tmp_path: Path, requirement
) -> None:  # type: ignore[no-untyped-def]
    result = source_requirement(builtin_ws, requirement, None, None)
    # priorities 1..k plus nations, stated and units (as many stages as that)
    assert check_with_pulp(result, tmp_path) >= 3


def test_small_fill_by_hand(small_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # small.yaml opt-a: priority-1 lines of 2 and 1 units, a priority-2 line of 2 units;
    # the pledges fill all of it: fill-p1 = 2 + 1 = 3, fill-p2 = 2
    result = source_requirement(small_ws, "opt-a", None, None)
    _, manifest = export(result, tmp_path)
    values = {stage["name"]: stage["forcegen_value"] for stage in manifest["stages"]}
    assert values["fill-p1"] == 3.0 and values["fill-p2"] == 2.0


def test_stages_solve_in_highs(builtin_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import highspy

    result = source_requirement(builtin_ws, "force-25k", None, None)
    files, manifest = export(result, tmp_path)
    expected = expected_stages(result)
    for file, stage in zip(files, manifest["stages"], strict=True):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        # the options file written beside the stages: a proven optimum, not HiGHS's
        # default relative gap of 1e-4
        assert h.readOptions(str(tmp_path / "force-25k.highs.opt")) == highspy.HighsStatus.kOk
        assert h.readModel(str(file)) == highspy.HighsStatus.kOk
        h.run()
        assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        sign = -1.0 if stage["name"].startswith("fill-") else 1.0
        objective = h.getInfo().objective_function_value
        assert objective == pytest.approx(sign * expected[stage["name"]], abs=TOLERANCE)


@pytest.mark.skipif(
    shutil.which("glpsol") is None and os.environ.get("FORCEGEN_REQUIRE_GLPK") != "1",
    reason="GLPK's glpsol is not installed (Debian: apt-get install -y glpk-utils)",
)
@pytest.mark.parametrize("requirement", BUILTIN)
def test_stages_solve_in_glpk(builtin_ws, tmp_path: Path, requirement) -> None:  # type: ignore[no-untyped-def]
    result = source_requirement(builtin_ws, requirement, None, None)
    files, manifest = export(result, tmp_path)
    expected = expected_stages(result)
    for file, stage in zip(files, manifest["stages"], strict=True):
        report = tmp_path / "glpk.txt"
        run = subprocess.run(
            ["glpsol", "--freemps", str(file), "-o", str(report)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        text = report.read_text()
        assert "INTEGER OPTIMAL" in text, text[:400]
        found = re.search(r"Objective:\s+OBJ = (\S+)", text)
        assert found is not None
        sign = -1.0 if stage["name"].startswith("fill-") else 1.0
        assert float(found.group(1)) == pytest.approx(sign * expected[stage["name"]], abs=1e-4)


def test_stages_solve_in_the_cbc_binary(builtin_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # `cbc FILE solve` as the manifest says, with PuLP's bundled CBC binary (its own MPS
    # reader, CoinMpsIO, not PuLP's)
    cbc = pulp.PULP_CBC_CMD().path
    result = source_requirement(builtin_ws, "force-25k", None, None)
    files, manifest = export(result, tmp_path)
    expected = expected_stages(result)
    for file, stage in zip(files, manifest["stages"], strict=True):
        run = subprocess.run(
            [cbc, str(file), "solve"], capture_output=True, text=True, timeout=60, check=False
        )
        assert "read with 0 errors" in run.stdout, run.stdout[:600]
        assert "Optimal solution found" in run.stdout
        found = re.search(r"Objective value:\s+(\S+)", run.stdout)
        assert found is not None
        sign = -1.0 if stage["name"].startswith("fill-") else 1.0
        assert float(found.group(1)) == pytest.approx(sign * expected[stage["name"]], abs=TOLERANCE)


def test_export_refuses_a_name_without_mps(small_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = source_requirement(small_ws, "opt-a", None, None)
    with pytest.raises(forcegen.ForcegenError, match=r"must end in \.mps"):
        export_mps(result.problem, tmp_path / "model.lp")
    assert list(tmp_path.iterdir()) == []


def test_manifest_says_which_stages_forcegen_proved(builtin_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each stage's status and proven bound are in the manifest, and a stage forcegen did
    not prove has no file_optimum (review: the manifest gave forcegen's stopped value as
    the file's optimum, 60.5 stated units where HiGHS proves 42 from the file, with nothing
    in the manifest to tell the stage was stopped)."""
    import dataclasses

    from forcegen.engine.sourcing.stage_report import StageStatus

    result = source_requirement(builtin_ws, "force-25k", None, None)
    stopped = tuple(
        dataclasses.replace(s, status=StageStatus.TIME_LIMIT, bound=s.objective - 3)
        if s.name == "nations"
        else s
        for s in result.stages
    )
    paths = export_mps(
        result.problem,
        tmp_path / "m.mps",
        assignments=result.assignments + result.organic_assignments,
        stage_values=result.stage_values,
        reports=stopped,
    )
    stages = {s["name"]: s for s in json.loads(paths[-1].read_text(encoding="utf-8"))["stages"]}
    nations = stages["nations"]
    assert nations["forcegen_status"] == "time_limit"
    assert nations["forcegen_bound"] == nations["forcegen_value"] - 3
    assert nations["file_optimum"] is None
    assert stages["fill-p1"]["forcegen_status"] == "optimal"
    assert stages["fill-p1"]["file_optimum"] == -stages["fill-p1"]["forcegen_value"]
