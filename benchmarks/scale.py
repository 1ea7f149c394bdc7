"""Cost of each command against workspace size: ``python benchmarks/run.py scale``.

Every measurement is the real command (``python -m forcegen ...``) in its own process on a
synthetic workspace written to a temporary YAML file, so that the time includes reading
and validating the file, as a user sees it; the peak resident memory is that process's
own (``os.wait4``). For each curve the report gives, between successive sizes, the
measured exponent ``k`` in ``time ~ size**k``, and the ratio of the largest size's time
against a linear extrapolation from the smallest size measured in the same run
(``ratio_vs_linear``; 1 = linear, above 1 = worse than linear).

Curves (size on the x axis, the rest held fixed):

- ``validate`` against pledges (10 conditions);
- ``run`` against pledges (100 conditions) and against conditions (1,000 pledges);
- ``montecarlo`` (100,000 draws, no requirement) against free conditions (1,000 pledges),
  and with a 20-line requirement (10,000 draws), whose cost grows with the number of
  distinct condition patterns (one sourcing solve each);
- ``source`` (fill stages) against requirement lines (40 nations, 5,000 units);
- ``deploy`` against units (``synthetic_deployment``).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

PY = sys.executable


def political_coalition(pledges: int, conditions: int, seed: int = 0) -> dict[str, Any]:
    """Workspace data: ``pledges`` pledges over 40 nations, each requiring one to three of
    ``conditions`` independent conditions (and/or/not), one scenario fixing the first
    condition, and a 20-line requirement."""
    from benchmarks.synthetic import synthetic_coalition

    rng = np.random.default_rng(seed)
    data = synthetic_coalition(units=pledges * 5, lines=20, seed=seed)
    data["pledges"] = data["pledges"][:pledges]
    ids = [f"k{i}" for i in range(conditions)]
    data["conditions"] = [
        {
            "id": cid,
            "description": f"Condition {cid}",
            "probability": round(float(rng.uniform(0.1, 0.9)), 3),
            "basis": "assumption",
        }
        for cid in ids
    ]
    for pledge in data["pledges"]:
        terms = [str(c) for c in rng.choice(ids, size=int(rng.integers(1, 4)))]
        ops = [" and " if rng.random() < 0.6 else " or " for _ in terms[1:]]
        text = terms[0] + "".join(op + t for op, t in zip(ops, terms[1:], strict=True))
        pledge["requires"] = ("not " if rng.random() < 0.1 else "") + f"({text})"
    data["scenarios"] = [
        {"id": "first-holds", "name": "First condition holds", "assume": {ids[0]: True}}
    ]
    return data


_CHILD = """
import atexit, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("VmHWM_KB", line.split()[1], file=sys.stderr)
atexit.register(peak)
from forcegen.cli.app import main
sys.exit(main(sys.argv[1:]))
"""


def _measure(args: list[str], timeout: float) -> dict[str, Any]:
    """Run ``forcegen ARGS`` in a new process; its wall time [s], peak RSS [MB] and exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PY, "-c", _CHILD, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = start + timeout
    while True:
        pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"seconds": None, "peak_mb": None, "exit": "timeout"}
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    peak = [line.split()[1] for line in err.splitlines() if line.startswith("VmHWM_KB ")]
    out: dict[str, Any] = {
        "seconds": round(seconds, 3),
        "peak_mb": round(int(peak[-1]) / 1024, 1) if peak else None,
        "exit": proc.returncode,
    }
    err = err[-300:]
    if proc.returncode != 0:
        out["stderr"] = err
    return out


def _write(folder: Path, name: str, data: dict[str, Any]) -> str:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def _curve(
    name: str,
    sizes: list[int],
    make_args: Callable[[int], list[str]],
    timeout: float,
) -> dict[str, Any]:
    points = []
    for size in sizes:
        point = {"size": size, **_measure(make_args(size), timeout)}
        points.append(point)
        print(json.dumps({"curve": name, **point}), file=sys.stderr, flush=True)
        if point["exit"] != 0:
            break
    exponents = []
    for a, b in itertools.pairwise(points):
        if a["seconds"] and b["seconds"] and b["exit"] == 0:
            exponents.append(
                round(math.log(b["seconds"] / a["seconds"]) / math.log(b["size"] / a["size"]), 2)
            )
    good = [p for p in points if p["exit"] == 0]
    ratio = None
    if len(good) >= 2:
        first, last = good[0], good[-1]
        ratio = round(last["seconds"] / (first["seconds"] * last["size"] / first["size"]), 3)
    return {"points": points, "exponents": exponents, "ratio_vs_linear": ratio}


def bench_scale(quick: bool = False, timeout: float = 600.0) -> dict[str, Any]:
    """Every curve of the module docstring; ``quick`` uses the smaller sizes only."""
    from benchmarks.synthetic import synthetic_coalition, synthetic_deployment

    curves: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="forcegen-scale-") as tmp:
        folder = Path(tmp)

        def validate_args(n: int) -> list[str]:
            return ["validate", _write(folder, f"v{n}", political_coalition(n, 10)), "--json"]

        def run_pledges(n: int) -> list[str]:
            return ["run", _write(folder, f"rp{n}", political_coalition(n, 100)), "--json"]

        def run_conditions(n: int) -> list[str]:
            return ["run", _write(folder, f"rc{n}", political_coalition(1000, n)), "--json"]

        def montecarlo_args(n: int) -> list[str]:
            data = political_coalition(1000, n)
            del data["requirements"]  # with requirements: issue 17 (one MILP per pattern)
            path = _write(folder, f"m{n}", data)
            return ["montecarlo", path, "-n", "100000", "--seed", "1", "--json"]

        def montecarlo_requirements_args(n: int) -> list[str]:
            path = _write(folder, f"mr{n}", political_coalition(1000, n))
            return ["montecarlo", path, "-n", "10000", "--seed", "1", "--json"]

        def source_args(n: int) -> list[str]:
            data = synthetic_coalition(lines=n, seed=0)
            data["scenarios"] = [{"id": "all", "name": "All"}]
            path = _write(folder, f"s{n}", data)
            return ["source", path, "-r", "synthetic", "--dependence-on", "ABW", "--json"]

        def deploy_args(n: int) -> list[str]:
            return ["deploy", _deployment_workspace(folder, n, synthetic_deployment), "--json"]

        small = quick
        curves["validate/pledges"] = _curve(
            "validate/pledges",
            [1_000, 10_000] if small else [1_000, 10_000, 100_000],
            validate_args,
            timeout,
        )
        curves["run/pledges"] = _curve(
            "run/pledges", [100, 1_000] if small else [100, 1_000, 10_000], run_pledges, timeout
        )
        curves["run/conditions"] = _curve(
            "run/conditions",
            [10, 100] if small else [10, 100, 1_000],
            run_conditions,
            timeout,
        )
        curves["montecarlo/conditions"] = _curve(
            "montecarlo/conditions",
            [4, 8] if small else [4, 8, 16],
            montecarlo_args,
            timeout,
        )
        curves["montecarlo+requirement/conditions"] = _curve(
            "montecarlo+requirement/conditions",
            [2, 4] if small else [2, 4, 8],
            montecarlo_requirements_args,
            timeout,
        )
        curves["source/lines"] = _curve(
            "source/lines", [50, 200] if small else [50, 200, 500], source_args, timeout
        )
        curves["deploy/units"] = _curve(
            "deploy/units", [125, 250] if small else [125, 250, 500, 1_000], deploy_args, timeout
        )
    worst = max(
        (c["ratio_vs_linear"] for c in curves.values() if c["ratio_vs_linear"] is not None),
        default=None,
    )
    return {"curves": curves, "worst_ratio_vs_linear": worst}


def _deployment_workspace(folder: Path, units: int, make: Callable[..., Any]) -> str:
    """A workspace file holding ``synthetic_deployment(units)`` as pledges and a network."""
    network, movements = make(units=units, seed=0)
    data = network_workspace(network.model_dump(mode="json", by_alias=True), movements)
    return _write(folder, f"d{units}", data)


def network_workspace(network: dict[str, Any], movements: list[Any]) -> dict[str, Any]:
    """Workspace data (nations, capabilities, pledges, network) for a synthetic deployment
    (its made-up nation ids ``N00``... become real ISO codes)."""
    import pycountry

    codes = sorted(c.alpha_3 for c in pycountry.countries)
    iso = {old: codes[i] for i, old in enumerate(sorted(network["origins"]))}
    network = {**network, "origins": {iso[k]: v for k, v in network["origins"].items()}}
    nations = sorted(iso.values())
    capabilities = []
    pledges = []
    for i, m in enumerate(movements):
        capabilities.append(
            {
                "id": f"u{i}",
                "name": f"Unit {i}",
                "domain": "land",
                "personnel": int(m.personnel),
                "lift": {"short_tons": float(m.short_tons)},
                "basis": "assumption",
            }
        )
        pledges.append(
            {
                "id": f"p{i}",
                "nation": iso[m.nation],
                "capability": f"u{i}",
                "quantity": 1,
                "readiness_days": int(m.ready_day),
                "zones": [m.zone],
                "basis": "assumption",
            }
        )
    return {
        "nations": [
            {
                "id": n,
                "name": n,
                "active_personnel": 100_000,
                "land_personnel": 50_000,
                "basis": "assumption",
            }
            for n in nations
        ],
        "capabilities": capabilities,
        "zones": [{"id": z, "name": z} for z in sorted({m.zone for m in movements})],
        "pledges": pledges,
        "network": network,
    }
