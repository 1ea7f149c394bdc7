"""Limits on what the engines are asked to do (months, draws, disruptions, workers, sweep
axes): refused before any work, with a message naming the option and stating the bound."""

from __future__ import annotations

import pytest

import forcegen
from forcegen.engine.deployment.deploy import deploy
from forcegen.engine.deployment.disruptions import simulate_disruptions
from forcegen.engine.odds.cluster import dask_client
from forcegen.engine.odds.condition_model import condition_model
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.sampling import sample_patterns
from forcegen.engine.odds.sweep import SweepAxis, SweepAxisError, run_sweep
from forcegen.engine.rotation.coalition import sustainment
from forcegen.errors import ForcegenError
from forcegen.limits import (
    MAX_AXIS_VALUES,
    MAX_DISRUPTIONS,
    MAX_DRAWS,
    MAX_MONTHS,
    MAX_WORKERS,
)
from helpers.cli import cli
from helpers.data import SMALL

MISSING = "no-such-workspace.yaml"
"""A workspace that does not exist: a refusal about an option proves the option was
checked before the workspace was even read."""


# -- sustain --months (D4) --------------------------------------------------------------


def test_sustain_months_over_the_limit_is_refused_before_any_work() -> None:
    code, out, err = cli("sustain", MISSING, "--months", "1000000000")
    assert code == 2 and out == ""
    assert err.startswith("error: --months: 1,000,000,000 is over the limit of 600 months: ")
    assert "fifty years" in err


def test_sustain_months_at_the_limit_still_runs(small: forcegen.Workspace) -> None:
    result = sustainment(small, "cf", MAX_MONTHS)
    assert result.months == MAX_MONTHS and len(result.deployed) == MAX_MONTHS


def test_sustainment_refuses_months_over_the_limit_in_the_api(small: forcegen.Workspace) -> None:
    with pytest.raises(ForcegenError, match=r"^months: 601 is over the limit of 600 months"):
        sustainment(small, "cf", MAX_MONTHS + 1)


# -- draws, disruptions, workers (D7) ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("montecarlo", MISSING, "--draws", str(10**12)),
            "error: --draws: 1,000,000,000,000 is over the limit of 1,000,000,000 draws: ",
        ),
        (
            ("montecarlo", MISSING, "--workers", "257"),
            "error: --workers: 257 is over the limit of 256 workers: ",
        ),
        (
            ("montecarlo", MISSING, "--draws", "0"),
            "error: --draws must be a whole number of at least 1; got 0",
        ),
        (
            ("sweep", MISSING, "--vary", "consent=0.5", "--draws", str(10**12)),
            "error: --draws: 1,000,000,000,000 is over the limit of 1,000,000,000 draws: ",
        ),
        (
            ("sweep", MISSING, "--vary", "consent=0.5", "--workers", "1000"),
            "error: --workers: 1,000 is over the limit of 256 workers: ",
        ),
        (
            ("sweep", MISSING, "--vary", "consent=0.5", "--workers", "0"),
            "error: --workers must be a whole number of at least 1; got 0",
        ),
        (
            ("deploy", MISSING, "--disruptions", str(10**9)),
            "error: --disruptions: 1,000,000,000 is over the limit of 10,000 draws: ",
        ),
        (
            ("deploy", MISSING, "--disruptions", "-1"),
            "error: --disruptions must be a whole number of at least 0; got -1",
        ),
    ],
)
def test_draws_disruptions_and_workers_over_their_limits_are_refused_before_any_work(
    args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli(*args)
    assert (code, out) == (2, "")
    assert err.startswith(message), err


def test_engines_refuse_draws_and_workers_over_their_limits(small: forcegen.Workspace) -> None:
    with pytest.raises(ForcegenError, match=r"^draws: 1,000,000,001 is over the limit"):
        monte_carlo(small, draws=MAX_DRAWS + 1)
    with pytest.raises(ForcegenError, match=r"^workers: 257 is over the limit of 256"):
        monte_carlo(small, draws=10, workers=MAX_WORKERS + 1)
    model = condition_model(small)
    with pytest.raises(ForcegenError, match=r"^draws: .* is over the limit"):
        sample_patterns(model, MAX_DRAWS + 1, 0)
    with pytest.raises(ForcegenError, match=r"^draws: .* is over the limit"):
        run_sweep(small, [SweepAxis("consent", (0.5,))], draws=MAX_DRAWS + 1)
    with pytest.raises(ForcegenError, match=r"^workers: 257 is over the limit"):
        dask_client(workers=MAX_WORKERS + 1)


def test_deploy_refuses_disruption_draws_over_the_limit(small: forcegen.Workspace) -> None:
    with pytest.raises(ForcegenError, match=r"^draws: 10,001 is over the limit of 10,000 draws"):
        deploy(small, draws=MAX_DISRUPTIONS + 1)  # refused before the missing network
    network = forcegen.load_builtin("mnf-ukraine").network
    assert network is not None
    with pytest.raises(ForcegenError, match=r"^draws: 10,001 is over the limit"):
        simulate_disruptions(network, [], MAX_DISRUPTIONS + 1, 0)


def test_disruption_draws_share_one_copy_of_each_pattern() -> None:
    network = forcegen.load_builtin("mnf-ukraine").network
    assert network is not None
    draws = simulate_disruptions(network, [], 200, 3)
    assert len(draws.patterns) == 200
    distinct = {id(p) for p in draws.patterns}
    assert len(distinct) == len(set(draws.patterns)) < 200


# -- sweep --vary (D12) -----------------------------------------------------------------

EXPECTED = (
    "expected CONDITION=START:STOP:STEP with 0 <= START <= STOP <= 1 and STEP >= 1e-06, "
    "or CONDITION=V1,V2,... with each value from 0 to 1"
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "consent=0:1:1e-320",
            "STEP 1e-320 is below the smallest step of 1e-06: probabilities are meaningful "
            "to six decimals at most",
        ),
        ("consent=0:1:0", "STEP 0 is below the smallest step of 1e-06"),
        ("consent=0:1:-0.1", "STEP -0.1 is below the smallest step of 1e-06"),
        ("consent=0:1:nan", "'nan' is not a finite number"),
        ("consent=inf,0.5", "'inf' is not a finite number"),
        ("consent=0:1e308:1e-300", "probabilities 1e+308 are outside [0, 1]"),
        ("consent=-1:1:0.5", "probabilities -1 are outside [0, 1]"),
        ("consent=0.5:0.2:0.1", "STOP 0.2 is below START 0.5"),
        ("consent=0:1", "a range has three parts, START:STOP:STEP; found 2"),
        ("consent=0:1:0.5:3", "a range has three parts, START:STOP:STEP; found 4"),
        ("consent=a", "'a' is not a number"),
        ("consent=0.5,", "'' is not a number"),
        ("consent", "no '=' between the condition and its values"),
        ("=0.5", "no condition before '='"),
        ("consent=", "no values after '='"),
        (
            "consent=0:1:0.000001",
            "the range has 1,000,001 values, over the limit of 1,000 values per axis: a chart "
            "or table of more points cannot be read; use a larger STEP",
        ),
        (
            "consent=" + ",".join(["0.5"] * (MAX_AXIS_VALUES + 1)),
            "the list has 1,001 values, over the limit of 1,000 values per axis",
        ),
    ],
)
def test_every_malformed_vary_names_the_option_the_text_and_what_was_expected(
    text: str, problem: str
) -> None:
    code, out, err = cli("sweep", str(SMALL), "--vary", text, "--serial")
    assert (code, out) == (2, "")
    head = f"error: --vary {text!r}: "
    assert err.startswith(head + problem), err
    assert err.rstrip("\n").endswith(EXPECTED)
    with pytest.raises(SweepAxisError) as caught:
        SweepAxis.parse(text)
    assert caught.value.text == text
    assert caught.value.problem.startswith(problem)


def test_tiny_sweep_steps_are_counted_without_overflow_or_a_huge_range() -> None:
    # 1e-320 used to overflow math.floor; a step at the limit over a full range is
    # counted (1,000,001 values) and refused without making the values
    with pytest.raises(SweepAxisError, match="1,000,001 values"):
        SweepAxis.parse("a=0:1:1e-6")
    with pytest.raises(SweepAxisError, match="1,001 values"):
        SweepAxis.parse("a=0:0.001:1e-6")
    values = SweepAxis.parse("a=0:0.000999:1e-6").values
    assert len(values) == MAX_AXIS_VALUES and values[-1] == 0.000999


def test_sweep_range_values_never_pass_the_stop_value() -> None:
    assert SweepAxis.parse("a=0:1:0.1").values[-1] == 1.0
    assert SweepAxis.parse("a=0.3:0.9:0.3").values == (0.3, 0.6, 0.9)
    assert max(SweepAxis.parse("a=0:1:0.3333333333").values) <= 1.0
