"""``forcegen`` commands. Heavy modules are imported inside the commands, so that
``forcegen --help`` answers quickly."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from forcegen.limits import MAX_DISRUPTIONS, MAX_DRAWS, MAX_MONTHS, MAX_WORKERS

if TYPE_CHECKING:
    from forcegen import Workspace

EXIT_BAD_INPUT = 2

SOURCE_TIME_LIMIT = 20.0
"""Default of ``source --time-limit`` [seconds]: the default of ``forcegen.source_requirement``
(kept here so that ``--help`` does not import the engine; a test keeps them equal)."""

app = typer.Typer(
    name="forcegen",
    help="Plan and stress-test a multinational force: pledges, conditions, force options.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WorkspaceArg = Annotated[
    str | None,
    typer.Argument(
        help="Workspace YAML file or folder, or a built-in dataset name "
        "(default: the built-in 'mnf-ukraine').",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/json.md).")]
CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Write the main table as CSV (see docs/outputs.md)."),
]
GeoJsonOpt = Annotated[
    Path | None,
    typer.Option(
        "--geojson",
        help="Write a GeoJSON FeatureCollection for QGIS (RFC 7946, lon/lat; see docs/json.md).",
    ),
]
XlsxOpt = Annotated[
    Path | None,
    typer.Option("--xlsx", help="Write every table as an Excel workbook (see docs/outputs.md)."),
]
SetOpt = Annotated[
    list[str],
    typer.Option(
        "--set",
        help="Override a workspace field before validation: PATH=VALUE, e.g. "
        "nations.GBR.rotation_ratio=4 or pledges.*.readiness_days=14 (repeat).",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The force as it stood on this date (YYYY-MM-DD): each pledge as its latest "
        "revision on or before it says; pledges not yet made and force options not yet "
        "floated left out (docs/history.md).",
        show_default=False,
    ),
]
LedgerOpt = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        help="Read the workspace from a pledge ledger (a database URL, e.g. "
        "sqlite:///pledges.db or postgresql+psycopg://host/db) instead of a path "
        "(docs/ledger.md).",
        show_default=False,
    ),
]
KnownAtOpt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        help="With --ledger: what the ledger held at this moment (YYYY-MM-DD or an ISO "
        "date-time, UTC); later corrections are not seen.",
        show_default=False,
    ),
]
ActiveScenarioOpt = Annotated[
    str | None,
    typer.Option(
        "--scenario", "-s", help="Pledges active in this scenario (default: every pledge)."
    ),
]


def _stderr(text: str) -> None:
    from forcegen.cli.console import make_console

    make_console(stderr=True, soft_wrap=True).print(text, markup=False, highlight=False)


def _warn_cost(estimate: Any, time_limit: float | None = None) -> None:
    """Warn on stderr (never refuse) when the measured cost says a study is slow, or
    that a proven fill would not fit the time limit."""
    if estimate is None:
        return
    if estimate.slow:
        _stderr("warning: " + estimate.warning())
    elif time_limit is not None and estimate.seconds > time_limit:
        _stderr(
            f"warning: the proven fill of {estimate.size:,.0f} {estimate.curve.size} takes "
            f"about {estimate.seconds:.0f} s by the measured cost (docs/benchmarks.md); "
            f"--time-limit {time_limit:g} may stop it before it is proven"
        )


def _fail(text: str) -> NoReturn:
    _stderr(text)
    raise typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn forcegen's own errors into a message on stderr and exit code 2."""
    from forcegen import ForcegenError, WorkspaceError

    try:
        yield
    except WorkspaceError as exc:
        count = len(exc.issues)
        lines = [f"error: {count} problem{'s' if count != 1 else ''} in the workspace:"]
        lines += [issue.render() for issue in exc.issues]
        _fail("\n".join(lines))
    except ForcegenError as exc:
        _fail(f"error: {exc}")


def resolve_workspace(
    spec: str | None,
    overrides: list[str] | None = None,
    as_of: str | None = None,
    ledger: str | None = None,
    known_at: str | None = None,
) -> Workspace:
    """Load a workspace from a path, or a built-in dataset by name (default one if None),
    or from a pledge ledger (``--ledger URL``, what it held at ``--known-at``), with the
    ``--set PATH=VALUE`` overrides applied, the force as of ``--as-of``."""
    import forcegen

    parsed = forcegen.parse_overrides(overrides or ())
    day = forcegen.parse_as_of(as_of)
    if ledger is None:
        if known_at is not None:
            _fail("error: --known-at: it reads a ledger's past; expected --ledger URL with it")
        return forcegen.open_workspace(spec, parsed, day)
    if spec is not None:
        _fail(f"error: give a workspace ({spec}) or --ledger URL, not both")
    return forcegen.ledger_workspace(ledger, overrides=parsed, as_of=day, known_at=known_at)


def _print_json(payload: Any) -> None:
    import forcegen

    sys.stdout.write(forcegen.dumps_json(payload) + "\n")


def _version(value: bool) -> None:
    if value:
        from forcegen import __version__

        typer.echo(f"forcegen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Show solver and library logs on stderr (stdout keeps only results).",
        ),
    ] = False,
) -> None:
    """Plan and stress-test a multinational force: pledges, conditions, force options."""
    if verbose:
        import logging

        import forcegen

        forcegen.set_solver_log(sys.stderr)
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)


@app.command()
def run(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="Evaluate only this scenario id."),
    ] = None,
    as_json: JsonOpt = False,
    csv: CsvOpt = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Evaluate scenarios: the force that materialises, force-option fill, vetoes."""
    with _user_errors():
        import forcegen
        from forcegen.cli import exports

        exports.check_paths(csv, xlsx)
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if scenario is not None:
            results = {scenario: forcegen.evaluate(ws, scenario)}
        else:
            results = forcegen.evaluate_all(ws)
        if not results:
            _fail(f"error: {ws.origin}: defines no scenarios; expected a 'scenarios' section")
        with forcegen.OutputTransaction() as out:
            exports.write(
                out,
                ws,
                "run",
                lambda: exports.run_tables(ws, results),
                csv,
                xlsx,
                scenario=list(results),
            )
        from forcegen.cli.overrides_report import print_overrides, with_overrides

        if as_json:  # keyed by scenario: the overrides go in each scenario's result
            _print_json({sid: with_overrides(r.to_json(), ws) for sid, r in results.items()})
            return
        print_overrides(ws)
        from forcegen.cli.report import print_run_report

        print_run_report(ws, results)
        for path in out.paths:
            typer.echo(f"wrote {path}")


@app.command()
def validate(
    path: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a workspace against the schema; list every problem with file and line."""
    from forcegen import ForcegenError, WorkspaceError

    with _user_errors():  # a --set that is not PATH=VALUE, a bad date: exit 2, JSON or not
        import forcegen

        forcegen.parse_overrides(set_)
        forcegen.parse_as_of(as_of)
        if ledger is not None and known_at is not None:
            forcegen.parse_known_at(known_at)
    try:
        with _user_errors() if not as_json else nullcontext():
            ws = resolve_workspace(path, set_, as_of, ledger, known_at)
    except WorkspaceError as exc:  # only reached with --json
        failed = {"valid": False, "errors": [i.to_dict() for i in exc.issues], "warnings": []}
        if as_of is not None:
            failed["as_of"] = as_of
        _print_json({**failed, "overrides": set_} if set_ else failed)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except ForcegenError as exc:  # only reached with --json: a ledger that cannot be read
        _fail(f"error: {exc}")
    counts = ws.counts()
    from forcegen.cli.overrides_report import print_overrides, with_overrides

    if as_json:
        _print_json(
            with_overrides(
                {
                    "valid": True,
                    "errors": [],
                    "counts": counts,
                    "warnings": [w.to_dict() for w in ws.warnings],
                },
                ws,
            )
        )
        return
    print_overrides(ws)
    from forcegen.cli.console import make_console

    console = make_console()
    summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
    console.print(f"[green]valid[/green]: {ws.origin}: {summary}", highlight=False)
    if ws.warnings:  # plain text in one write: through rich, ~0.2 ms a line (300k: a minute)
        typer.echo("\n".join("warning: " + warning.render() for warning in ws.warnings))


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create.")],
    dataset: Annotated[
        str, typer.Option("--dataset", help="Built-in dataset to write out.")
    ] = "mnf-ukraine",
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
) -> None:
    """Write a built-in dataset out as an editable workspace folder."""
    with _user_errors():
        from forcegen import write_workspace

        written = write_workspace(directory, dataset=dataset, force=force)
        typer.echo(f"wrote {len(written)} files to {directory}")
        typer.echo(f"next: forcegen validate {directory} && forcegen run {directory}")


@app.command()
def montecarlo(
    ctx: typer.Context,
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="Hold the conditions this scenario fixes."),
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", "-n", help=f"Monte Carlo draws (at most {MAX_DRAWS:,}).")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed (>= 0).")] = 0,
    exact: Annotated[
        bool, typer.Option("--exact", help="Enumerate every combination (up to 20 free).")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", help=f"Threads for sampling (at most {MAX_WORKERS:,}).")
    ] = 1,
    dask: Annotated[
        bool | None,
        typer.Option(
            "--dask/--serial",
            help=(
                "Fill the distinct patterns on a local Dask cluster, or in this process. "
                "Default: on a local cluster when the study is estimated at over a "
                "minute (and Dask is installed), else in this process."
            ),
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Fill the distinct patterns on this Dask scheduler (tcp://HOST:PORT).",
        ),
    ] = None,
    dask_workers: Annotated[
        int,
        typer.Option(
            "--dask-workers", help=f"Local Dask cluster processes (at most {MAX_WORKERS:,})."
        ),
    ] = 2,
    as_json: JsonOpt = False,
    csv: CsvOpt = None,
    xlsx: XlsxOpt = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write distribution and tornado charts here.")
    ] = None,
) -> None:
    """Odds of each force option and the spread of the force, over the conditions."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen
        from forcegen.cli import exports

        forcegen.check_draws(draws, "--draws")
        forcegen.check_workers(workers, "--workers")
        forcegen.check_workers(dask_workers, "--dask-workers")
        if scheduler is not None:
            if dask is False:
                _fail("error: --serial and --scheduler exclude each other; give one")
            try:
                forcegen.tcp_address(scheduler)
            except forcegen.SchedulerAddressError as exc:
                _fail(f"error: --scheduler {exc.text!r}: {exc.problem}; expected {exc.expected}")
        from forcegen.cli.progress import output_dir, paced, progress_bars

        exports.check_paths(csv, xlsx)
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None:
            output_dir(plot)
        estimate = forcegen.study_cost(ws, "montecarlo", scenario, draws=draws, exact=exact)
        _warn_cost(estimate)
        on_dask = dask is True or scheduler is not None
        if dask is None and scheduler is None and estimate is not None and estimate.slow:
            on_dask = forcegen.dask_installed()
            _stderr(
                "note: filling the distinct patterns on a local Dask cluster of "
                f"{dask_workers} process{'' if dask_workers == 1 else 'es'} "
                "(--serial: in this process)"
                if on_dask
                else "note: Dask is not installed (pip install 'forcegen[dask]'): filling the "
                "distinct patterns in this process"
            )
        fill_unit = "patterns" if on_dask else "part fills"
        bar, (update, fill_update) = progress_bars(
            [("sampling", 0 if exact else draws, "draws"), ("filling", 0, fill_unit)]
        )
        pace = forcegen.StudyPace(estimate, fill_unit)
        hint = (
            "; --dask fills them on several processes"
            if dask is None and not on_dask and forcegen.dask_installed()
            else ""
        )
        on_fill = paced(fill_update, pace, hint)

        with ExitStack() as stack:
            client = None
            if on_dask:
                client = stack.enter_context(
                    forcegen.dask_cluster(scheduler, dask_workers, quiet=not _verbose(ctx))
                )
                # chunks come back a wave at a time: one per worker
                pace.parallel = forcegen.cluster_threads(client) or 1
            with bar:
                result = forcegen.monte_carlo(
                    ws,
                    scenario,
                    draws=draws,
                    seed=seed,
                    exact=exact,
                    workers=workers,
                    progress=update,
                    client=client,
                    fill_progress=on_fill,
                )
        with forcegen.OutputTransaction() as out:
            exports.write(
                out,
                ws,
                "montecarlo",
                lambda: exports.montecarlo_tables(ws, result),
                csv,
                xlsx,
                scenario=result.scenario,
                settings=exports.draws_settings(result),
            )
            if plot is not None:
                from forcegen.plots.montecarlo import distribution_chart, tornado_chart

                distribution_chart(result, plot, out, workspace=ws)
                tornado_chart(result, plot, out, workspace=ws)
        from forcegen.cli.montecarlo_report import print_montecarlo_report

        _emit(ws, as_json, result.to_json, lambda: print_montecarlo_report(ws, result), out.paths)


def charts_or_tables(plot: Path | None) -> Path | None:
    """``--plot`` when matplotlib is installed; else None and one line on how to install
    it (see :func:`forcegen.cli.progress.charts_or_tables`)."""
    if plot is None:
        return None
    from forcegen.cli.progress import charts_or_tables as check

    return check(plot)


def _emit(
    workspace: Workspace,
    as_json: bool,
    payload: Callable[[], dict[str, Any]],
    report: Callable[[], None],
    written: Iterable[Path],
) -> None:
    """The tail every command shares: its ``--json`` document, with the ``--set``
    overrides applied (``payload``), or the overrides line, the report and one
    "wrote PATH" line per output file."""
    from forcegen.cli.overrides_report import print_overrides, with_overrides

    if as_json:
        _print_json(with_overrides(payload(), workspace))
        return
    print_overrides(workspace)
    report()
    for path in written:
        typer.echo(f"wrote {path}")


def _verbose(ctx: typer.Context) -> bool:
    """True when ``forcegen --verbose`` was given (an option of the root command)."""
    return bool(ctx.find_root().params.get("verbose"))


@app.command()
def sweep(
    ctx: typer.Context,
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="CONDITION=START:STOP:STEP or CONDITION=V1,V2 (its probability), or a "
            "--set PATH in place of CONDITION, e.g. nations.GBR.rotation_ratio=3:6:0.5 (repeat).",
        ),
    ] = [],  # noqa: B006 - Typer reads the default, never mutates it
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="Hold the conditions this scenario fixes."),
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", "-n", help=f"Draws per grid point (at most {MAX_DRAWS:,}).")
    ] = 100_000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (>= 0), used at every point.")
    ] = 0,
    exact: Annotated[bool, typer.Option("--exact", help="Exact enumeration per point.")] = False,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of a Dask scheduler (default: local cluster)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help=f"Local cluster workers (at most {MAX_WORKERS:,}).")
    ] = 2,
    serial: Annotated[bool, typer.Option("--serial", help="No Dask: run points in turn.")] = False,
    as_json: JsonOpt = False,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the table as CSV.")] = None,
    xlsx: XlsxOpt = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the sweep chart (PNG, SVG) here.")
    ] = None,
) -> None:
    """Monte Carlo over a grid of assumptions (probabilities or --set paths), each point a
    Dask task."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen

        forcegen.check_draws(draws, "--draws")
        forcegen.check_workers(workers, "--workers")
        if scheduler is not None and serial:
            _fail("error: --serial and --scheduler exclude each other; give one")
        if scheduler is not None:
            try:
                forcegen.tcp_address(scheduler)
            except forcegen.SchedulerAddressError as exc:
                _fail(f"error: --scheduler {exc.text!r}: {exc.problem}; expected {exc.expected}")
        points = 1
        for text in vary:
            try:
                points *= len(forcegen.SweepAxis.parse(text).values)
            except forcegen.SweepAxisError as exc:
                _fail(f"error: --vary {text!r}: {exc.problem}; expected {exc.expected}")
        from forcegen.cli import exports
        from forcegen.cli.progress import output_dir, output_file, paced, progress_bar

        exports.check_paths(None, xlsx)
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None and len(vary) > 2:
            _fail("error: charts of a sweep need one or two --vary axes; use --csv for more")
        if plot is not None:
            output_dir(plot)
        if csv is not None:
            output_file(csv)
        parallel = 1 if serial else workers
        estimate = forcegen.study_cost(
            ws, "sweep", scenario, draws=draws, exact=exact, points=points, parallel=parallel
        )
        _warn_cost(estimate)
        bar, bar_update = progress_bar("sweep", points if vary else 0, "points")
        pace = forcegen.StudyPace.for_sweep(estimate, parallel)
        on_point = paced(bar_update, pace)

        def update(done: int, total: int) -> None:
            if done == 0 and scheduler is not None:  # its workers, not --workers
                pace.parallel = forcegen.cluster_threads() or pace.parallel
            on_point(done, total)

        with bar:
            result = forcegen.sweep(
                ws,
                vary,
                scenario,
                draws=draws,
                seed=seed,
                exact=exact,
                scheduler=scheduler,
                workers=workers,
                serial=serial,
                quiet=not _verbose(ctx),
                progress=update,
            )
        frame = result.frame()
        with forcegen.OutputTransaction() as out:
            if csv is not None:
                out.write(csv, lambda temp: frame.to_csv(temp, index=False))
            exports.write(
                out,
                ws,
                "sweep",
                lambda: exports.sweep_tables(ws, result),
                None,
                xlsx,
                scenario=scenario,
                settings=exports.sweep_settings(result),
            )
            if plot is not None:
                from forcegen.plots.sweep import sweep_chart

                sweep_chart(ws, result, plot, out, scenario=scenario)
        from forcegen.cli.sweep_report import print_sweep_report

        _emit(
            ws,
            as_json,
            result.to_json,
            lambda: print_sweep_report(ws, result),
            out.paths,
        )


@app.command()
def source(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    requirement: Annotated[
        str, typer.Option("--requirement", "-r", help="Requirement (force option) id.")
    ] = "",
    scenario: ActiveScenarioOpt = None,
    dependence_on: Annotated[
        str | None,
        typer.Option(
            "--dependence-on",
            metavar="ISO3",
            help="Nation whose pledges are tested by a second solve without them, or "
            "'none'. Default: USA when the workspace has it, else none.",
        ),
    ] = None,
    as_json: JsonOpt = False,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the fill table as CSV.")] = None,
    xlsx: XlsxOpt = None,
    export_model: Annotated[
        Path | None,
        typer.Option(
            "--export-model",
            help="Write each sourcing stage as MPS beside this .mps path, with a manifest.",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            metavar="SECONDS",
            help="Time budget of the whole solve: fill stages first, then the tie-breaks; "
            "a stage it stops keeps its best point and reports its proven bound.",
            show_default=f"{SOURCE_TIME_LIMIT:g}",  # the default is None: --reproducible
        ),
    ] = None,
    reproducible: Annotated[
        bool,
        typer.Option(
            "--reproducible",
            help="Bound the solve by work, not the clock, as run and montecarlo do: the fill "
            "stages run to proof, the tie-breaks get a fixed count of solver work, and the "
            "same input gives the same assignments on every machine (may take longer).",
        ),
    ] = False,
) -> None:
    """Source a requirement from the pledges: the optimal fill, shortfalls and US dependence."""
    with _user_errors():
        import forcegen
        from forcegen.cli import exports
        from forcegen.cli.progress import output_file

        if reproducible and time_limit is not None:
            _fail("error: --reproducible and --time-limit exclude each other; give one")
        if not reproducible:
            time_limit = forcegen.check_time_limit(
                SOURCE_TIME_LIMIT if time_limit is None else time_limit, "--time-limit"
            )
        exports.check_paths(None, xlsx)
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if not requirement:
            _fail("error: --requirement is required; one of: " + ", ".join(ws.requirements))
        for path in (csv, export_model):
            if path is not None:
                output_file(path)
        if export_model is not None:
            forcegen.check_model_path(export_model)
        try:
            nation = forcegen.dependence_nation(ws, dependence_on)
        except forcegen.UnknownIdError as exc:
            _fail(f"error: --dependence-on: {exc}")
        _warn_cost(forcegen.study_cost(ws, "source", scenario, requirement=requirement), time_limit)
        result = forcegen.source_requirement(
            ws, requirement, scenario, nation, time_limit=time_limit
        )
        with forcegen.OutputTransaction() as out:
            if csv is not None:
                out.write(csv, result.lines_frame().to_csv)
            exports.write(
                out,
                ws,
                "source",
                lambda: exports.source_tables(ws, result),
                None,
                xlsx,
                scenario=scenario,
                settings=exports.source_settings(ws, requirement, nation, time_limit),
                no_scenario="every pledge that is not withdrawn (no scenario)",
            )
            if export_model is not None:
                forcegen.export_mps(
                    result.problem,
                    export_model,
                    out,
                    result.assignments + result.organic_assignments,
                    result.stage_values,
                    result.stages,
                )
        from forcegen.cli.source_report import print_source_report

        _emit(
            ws,
            as_json,
            result.to_json,
            lambda: print_source_report(ws, result),
            out.paths,
        )


@app.command()
def deploy(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: ActiveScenarioOpt = None,
    requirement: Annotated[
        str | None,
        typer.Option(
            "--requirement", "-r", help="Move the optimal sourcing of this requirement instead."
        ),
    ] = None,
    disruptions: Annotated[
        int,
        typer.Option(
            "--disruptions",
            help=f"Seeded disruption draws to re-plan (at most {MAX_DISRUPTIONS:,}).",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the disruption draws.")] = 0,
    as_json: JsonOpt = False,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write the per-unit closure table as CSV.")
    ] = None,
    utilisation: Annotated[
        Path | None,
        typer.Option("--utilisation", help="Write daily utilisation of every node and leg as CSV."),
    ] = None,
    xlsx: XlsxOpt = None,
    geojson: GeoJsonOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the closure curve and the network map here."),
    ] = None,
) -> None:
    """Plan the deployment through the network: closure days, bottlenecks, disruptions."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen

        forcegen.check_count("--disruptions", disruptions, "MAX_DISRUPTIONS", least=0)
        from forcegen.cli import exports
        from forcegen.cli.progress import output_dir, output_file, progress_bar

        exports.check_paths(None, xlsx)
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None:
            output_dir(plot)
        for path in (csv, utilisation, geojson):
            if path is not None:
                output_file(path)
        _warn_cost(forcegen.study_cost(ws, "deploy", scenario, requirement=requirement))
        bar, update = progress_bar("disruption draws", disruptions, "draws")
        with bar:
            result = forcegen.deploy(
                ws, scenario, requirement, draws=disruptions, seed=seed, progress=update
            )
        with forcegen.OutputTransaction() as out:
            if csv is not None:
                units = result.units_frame()
                out.write(csv, lambda temp: units.to_csv(temp, index=False))
            if utilisation is not None:
                daily = result.utilisation_frame()
                out.write(utilisation, lambda temp: daily.to_csv(temp, index=False))
            if geojson is not None:
                forcegen.write_geojson(result.to_geojson(), geojson, out)
            exports.write(
                out,
                ws,
                "deploy",
                lambda: exports.deploy_tables(ws, result),
                None,
                xlsx,
                scenario=scenario,
                settings=exports.deploy_settings(result, disruptions, seed),
                no_scenario="every pledge that is not withdrawn (no scenario)",
            )
            if plot is not None:
                from forcegen.plots.deployment import deployment_charts

                deployment_charts(result, plot, out, workspace=ws)
        from forcegen.cli.deploy_report import print_deploy_report

        _emit(
            ws,
            as_json,
            result.to_json,
            lambda: print_deploy_report(result, ws),
            out.paths,
        )


@app.command()
def posture(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: ActiveScenarioOpt = None,
    requirement: Annotated[
        str | None,
        typer.Option(
            "--requirement", "-r", help="Station the optimal sourcing of this requirement."
        ),
    ] = None,
    posture_id: Annotated[
        str | None,
        typer.Option(
            "--posture",
            help="A posture of the workspace (e.g. forward-hubs); default: the deployment "
            "plan's layout (the network's zone destinations).",
        ),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option("--compare", help="Every posture of the workspace side by side."),
    ] = False,
    as_json: JsonOpt = False,
    geojson: GeoJsonOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the posture map(s) here."),
    ] = None,
) -> None:
    """Where the force stands against the line of contact: distance, coverage, caveats."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen
        from forcegen.cli.progress import output_dir, output_file

        if compare and posture_id is not None:
            raise forcegen.ForcegenError(
                "--compare shows every posture; leave out --posture (or drop --compare)"
            )
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None:
            output_dir(plot)
        if geojson is not None:
            output_file(geojson)
        result: forcegen.PostureResult | forcegen.PostureComparison
        if compare:
            result = forcegen.compare_postures(ws, scenario, requirement)
        else:
            result = forcegen.posture(ws, scenario, requirement, posture=posture_id)
        with forcegen.OutputTransaction() as out:
            if geojson is not None:
                forcegen.write_geojson(result.to_geojson(), geojson, out)
            if plot is not None:
                from forcegen.plots.posture import posture_charts

                posture_charts(result, plot, out, workspace=ws)
        from forcegen.cli.posture_report import print_comparison_report, print_posture_report

        def report() -> None:
            if isinstance(result, forcegen.PostureComparison):
                print_comparison_report(result, ws)
            else:
                print_posture_report(result, ws)

        _emit(ws, as_json, result.to_json, report, out.paths)


@app.command()
def supply(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: ActiveScenarioOpt = None,
    requirement: Annotated[
        str | None,
        typer.Option(
            "--requirement", "-r", help="Supply the optimal sourcing of this requirement instead."
        ),
    ] = None,
    cut: Annotated[
        list[str],
        typer.Option(
            "--cut",
            help="Close a node or leg: NODE_OR_LEG:DAYS[:START] (START: day after "
            "activation; default the day after the force closes), e.g. przemysl:5 (repeat).",
            show_default=False,
        ),
    ] = [],  # noqa: B006 - Typer reads the default, never mutates it
    disruptions: Annotated[
        int,
        typer.Option(
            "--disruptions",
            help=f"Seeded draws of the network's disruptions (at most {MAX_DISRUPTIONS:,}).",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the disruption draws.")] = 0,
    critical: Annotated[
        int | None,
        typer.Option(
            "--critical",
            metavar="DAYS",
            help="Also cut each leg and node the resupply uses alone for DAYS days from "
            "the day after closure and rank who runs out.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
    geojson: GeoJsonOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the supply map here."),
    ] = None,
) -> None:
    """Supply the force in place: daily demand, resupply on the network, autonomy when cut."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen

        forcegen.check_count("--disruptions", disruptions, "MAX_DISRUPTIONS", least=0)
        forcegen.check_count("--cut", len(cut), "MAX_CUTS", least=0)
        cuts = [forcegen.parse_cut(text) for text in cut]
        if critical is not None:
            forcegen.check_count("--critical", critical, "MAX_DAYS", least=1)
        from forcegen.cli.progress import output_dir, output_file, progress_bar

        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None:
            output_dir(plot)
        if geojson is not None:
            output_file(geojson)
        bar, update = progress_bar("disruption draws", disruptions, "draws")
        with bar:
            result = forcegen.supply(
                ws,
                scenario,
                requirement,
                cuts=cuts,
                draws=disruptions,
                seed=seed,
                progress=update,
                critical=critical,
            )
        with forcegen.OutputTransaction() as out:
            if geojson is not None:
                forcegen.write_geojson(result.to_geojson(), geojson, out)
            if plot is not None:
                from forcegen.plots.supply import supply_charts

                supply_charts(result, plot, out, workspace=ws)
        from forcegen.cli.supply_report import print_supply_report

        _emit(
            ws,
            as_json,
            result.to_json,
            lambda: print_supply_report(result, ws),
            out.paths,
        )


@app.command()
def sustain(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: ActiveScenarioOpt = None,
    months: Annotated[
        int, typer.Option("--months", help=f"Horizon [months], at most {MAX_MONTHS:,}.")
    ] = 36,
    as_json: JsonOpt = False,
    csv: CsvOpt = None,
    xlsx: XlsxOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the coalition curve and rotation Gantt chart here."),
    ] = None,
) -> None:
    """Can each nation keep its pledge in the field through rotations? What must it draw down?"""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen
        from forcegen.cli import exports

        forcegen.check_count("--months", months, "MAX_MONTHS")
        from forcegen.cli.progress import output_dir

        exports.check_paths(csv, xlsx)
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None:
            output_dir(plot)
        result = forcegen.sustainment(ws, scenario, months)
        with forcegen.OutputTransaction() as out:
            exports.write(
                out,
                ws,
                "sustain",
                lambda: exports.sustain_tables(ws, result),
                csv,
                xlsx,
                scenario=result.scenario,
                settings={"months": months},
                no_scenario="every pledge that is not withdrawn (no scenario)",
            )
            if plot is not None:
                from forcegen.plots.sustainment import coalition_chart, rotation_gantt

                coalition_chart(result, plot, out, ws)
                rotation_gantt(ws, result, plot, out)
        from forcegen.cli.sustain_report import print_sustain_report

        _emit(
            ws,
            as_json,
            result.to_json,
            lambda: print_sustain_report(ws, result),
            out.paths,
        )


@app.command()
def schema(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON Schema instead of Markdown tables.")
    ] = False,
) -> None:
    """Print the workspace schema: Markdown field tables, or JSON Schema for editors."""
    from forcegen import field_reference_markdown, workspace_json_schema

    if as_json:
        _print_json(workspace_json_schema())
    else:
        sys.stdout.write(field_reference_markdown())


@app.command()
def compare(
    items: Annotated[
        list[str],
        typer.Argument(
            help="Two or more: a scenario id (of --workspace), a workspace path or built-in "
            "dataset (every pledge not withdrawn), or PATH#SCENARIO.",
            show_default=False,
        ),
    ],
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace of the items that are scenario ids (default: the built-in "
            "'mnf-ukraine').",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            "--draws", "-n", help=f"Monte Carlo draws per item for P(met) (at most {MAX_DRAWS:,})."
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed (>= 0).")] = 0,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    as_json: JsonOpt = False,
    csv: CsvOpt = None,
    xlsx: XlsxOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the nation and force-option charts here."),
    ] = None,
) -> None:
    """Scenarios or workspaces side by side: deltas by nation, capability, force option.
    Any --set applies to every workspace the items name."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen

        if draws:
            forcegen.check_draws(draws, "--draws")
        from forcegen.cli import exports
        from forcegen.cli.compare_report import compare_tables, parse_items
        from forcegen.cli.progress import output_dir

        exports.check_paths(csv, xlsx)
        parsed = parse_items(
            items,
            workspace,
            forcegen.parse_overrides(set_),
            forcegen.parse_as_of(as_of),
            _ledger_opener(workspace, ledger, known_at),
        )
        if plot is not None:
            output_dir(plot)
        result = forcegen.compare(parsed, draws=draws, seed=seed)
        workspaces = [item.workspace for item in parsed]
        with forcegen.OutputTransaction() as out:
            exports.write(
                out,
                workspaces[0],
                "compare",
                lambda: compare_tables(result, workspaces),
                csv,
                xlsx,
                # None (an item without scenario) reads as no_scenario in the About sheet
                scenario=cast("list[str]", list(result.scenarios)),
                settings={
                    "items": "; ".join(result.items),
                    **({"seed": seed, "draws": draws} if draws else {}),
                },
                no_scenario="every pledge that is not withdrawn (no scenario)",
            )
            if plot is not None:
                from forcegen.plots.compare import fill_chart, nations_chart

                nations_chart(result, workspaces, plot, out)
                fill_chart(result, workspaces, plot, out)
        from forcegen.cli.compare_report import print_compare_report

        dates = [ws.as_of for ws in workspaces]
        head = workspaces[0]
        payload = result.to_json
        if len(set(dates)) > 1:  # items at different dates: each says its own
            import dataclasses

            head = dataclasses.replace(head, as_of=None)

            def payload() -> dict[str, object]:
                dated = [d.isoformat() if d else None for d in dates]
                return {**result.to_json(), "as_of_by_item": dated}

        _emit(
            head,
            as_json,
            payload,
            lambda: print_compare_report(result, workspaces),
            out.paths,
        )


@app.command()
def report(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: Annotated[
        list[str],
        typer.Option(
            "--scenario",
            "-s",
            help="A scenario to report on (repeat; default: every scenario).",
            show_default=False,
        ),
    ] = [],  # noqa: B006 - Typer reads the default, never mutates it
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="report.html (one self-contained file, nothing loaded from the network) "
            "or report.md (Markdown, PNG charts written beside it); see docs/report.md.",
            show_default=False,
        ),
    ] = ...,  # type: ignore[assignment]
) -> None:
    """A report to publish: summary, per-scenario tables, charts, the assumptions made
    and every source as a numbered footnote, as one HTML file or Markdown with PNGs."""
    with _user_errors():
        import forcegen
        from forcegen.cli.progress import output_file

        kind = output.suffix.lower()
        if kind not in (".html", ".htm", ".md"):
            _fail(
                f"error: --output {output}: expected a file name ending in .html or .md "
                "(the report's format)"
            )
        output_file(output)
        if kind == ".md":
            try:
                import matplotlib  # noqa: F401
            except ImportError:
                _fail("error: -o report.md draws PNG charts: pip install 'forcegen[plot]'")
        try:
            from forcegen.web.report import build_report, render_html, render_markdown
        except ImportError as exc:
            _fail(f"error: the report needs the web extra: pip install 'forcegen[web]' ({exc})")
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if not ws.scenarios:
            _fail(f"error: {ws.origin}: defines no scenarios; expected a 'scenarios' section")
        built = build_report(ws, scenario)
        with forcegen.OutputTransaction() as out:
            if kind == ".md":
                charts = _report_charts(ws, built, output.parent, out)
                text = render_markdown(built, charts)
            else:
                text = render_html(built)
            out.write(output, lambda temp: temp.write_text(text, encoding="utf-8"))
        for path in out.paths:
            typer.echo(f"wrote {path}")


def _report_charts(ws: Workspace, built: Any, folder: Path, out: Any) -> dict[str, str]:
    """The Markdown report's PNG charts (those of ``forcegen compare`` over the report's
    scenarios; one scenario is set beside every pledge not withdrawn), staged in ``out``
    beside the report: {caption: file name}."""
    import forcegen
    from forcegen.plots.compare import fill_chart, nations_chart

    items: list[tuple[str, Workspace, str | None]] = []
    for section in built.scenarios:
        label = (
            section.name
            if all(s.name != section.name or s.id == section.id for s in built.scenarios)
            else f"{section.name} ({section.id})"
        )
        items.append((label, ws, section.id))
    if len(items) == 1:
        items.append(("every pledge not withdrawn", ws, None))
    result = forcegen.compare(items)
    charts = {}
    for caption, draw in (
        ("Personnel by nation in each scenario", nations_chart),
        ("Fill of each force option in each scenario", fill_chart),
    ):
        paths = draw(result, [ws], folder, out, formats=("png",))
        charts[caption] = paths[0].name
    return charts


def _ledger_opener(
    workspace: str | None, ledger: str | None, known_at: str | None
) -> Callable[..., Workspace] | None:
    """How compare loads its default workspace from ``--ledger`` (None: from paths)."""
    if ledger is None:
        if known_at is not None:
            _fail("error: --known-at: it reads a ledger's past; expected --ledger URL with it")
        return None
    if workspace is not None:
        _fail(f"error: give --workspace ({workspace}) or --ledger URL, not both")
    import forcegen

    def opener(spec: str | None, overrides: Any, day: Any) -> Workspace:
        if spec is None:
            return forcegen.ledger_workspace(
                ledger, overrides=overrides, as_of=day, known_at=known_at
            )
        return forcegen.open_workspace(spec, overrides, day)

    return opener


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point.

    Ctrl-C in any command: the command unwinds (staged outputs removed, Dask cluster
    closed), then the process ends with exit code 130 and ``interrupted`` on stderr
    (see :mod:`forcegen.cli.interrupt`).
    """
    from forcegen.cli.interrupt import EXIT_INTERRUPTED, exit_interrupted, handling_interrupts

    command: Callable[..., Any] = typer.main.get_command(app)
    with handling_interrupts() as state:
        try:
            return command(args=argv, prog_name="forcegen")
        except KeyboardInterrupt:
            exit_interrupted()
        except SystemExit as exc:
            if state.interrupted or exc.code == EXIT_INTERRUPTED:
                exit_interrupted()
            raise
        except Exception:
            # an interrupt can surface as another exception: raised inside a class body
            # being created (a lazily imported module), Python 3.11 wraps it in a
            # RuntimeError ("Error calling __set_name__ ..."); after Ctrl-C, any is one
            if state.interrupted:
                exit_interrupted()
            raise


@app.command()
def sensitivity(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: ActiveScenarioOpt = None,
    months: Annotated[
        int, typer.Option("--months", help=f"Horizon [months], at most {MAX_MONTHS:,}.")
    ] = 36,
    spread: Annotated[
        float,
        typer.Option("--spread", help="Share each figure is varied by, down and up (0-1)."),
    ] = 0.2,
    no_closure: Annotated[
        bool,
        typer.Option(
            "--no-closure", help="Skip the closure days (one deployment plan per variant)."
        ),
    ] = False,
    as_json: JsonOpt = False,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the tornado chart here."),
    ] = None,
) -> None:
    """How much do the planning figures matter? Rotation ratio, deployable fraction, tour
    length and readiness, each varied down and up (see docs/assumptions.md)."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen

        forcegen.check_count("--months", months, "MAX_MONTHS")
        from forcegen.cli.progress import output_dir, progress_bar

        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None:
            output_dir(plot)
        bar, update = progress_bar("planning variants", 1, "variants")
        with bar:
            result = forcegen.planning_sensitivity(
                ws,
                scenario,
                months=months,
                spread=spread,
                closure=not no_closure,
                progress=update,
            )
        with forcegen.OutputTransaction() as out:
            if plot is not None:
                from forcegen.plots.assumptions import tornado_chart

                tornado_chart(result, plot, out, ws)
        from forcegen.cli.sensitivity_report import print_sensitivity_report

        _emit(
            ws,
            as_json,
            result.to_json,
            lambda: print_sensitivity_report(ws, result),
            out.paths,
        )


@app.command()
def timeline(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    scenario: ActiveScenarioOpt = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First date shown (YYYY-MM-DD); default: the first change."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last date shown (YYYY-MM-DD); default: the last change."),
    ] = None,
    as_json: JsonOpt = False,
    csv: CsvOpt = None,
    xlsx: XlsxOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the timeline chart (PNG and SVG) here."),
    ] = None,
) -> None:
    """The promised force over time: personnel by status and by nation on each date
    something changed, the force options on the table, the events and statements."""
    plot = charts_or_tables(plot)
    with _user_errors():
        import forcegen
        from forcegen.cli import exports
        from forcegen.cli.progress import output_dir

        first, last = forcegen.parse_as_of(start, "--from"), forcegen.parse_as_of(end, "--to")
        if first is not None and last is not None and first > last:
            _fail(f"error: --from {first} is after --to {last}; expected --from on or before --to")
        exports.check_paths(csv, xlsx)
        ws = resolve_workspace(workspace, set_, as_of, ledger, known_at)
        if plot is not None:
            output_dir(plot)
        result = forcegen.timeline(ws, scenario, start=first, end=last)
        from forcegen.cli.timeline_report import print_timeline_report, timeline_tables

        with forcegen.OutputTransaction() as out:
            exports.write(
                out,
                ws,
                "timeline",
                lambda: timeline_tables(ws, result),
                csv,
                xlsx,
                scenario=result.scenario,
                settings={
                    "from": str(first) if first else "the first change",
                    "to": str(last) if last else "the last change",
                    **({"as of": str(ws.as_of)} if ws.as_of else {}),
                },
                no_scenario="every pledge that is not withdrawn (no scenario)",
            )
            if plot is not None:
                from forcegen.plots.timeline import timeline_chart

                timeline_chart(result, plot, out, ws)
        _emit(ws, as_json, result.to_json, lambda: print_timeline_report(ws, result), out.paths)


@app.command()
def serve(
    workspace: WorkspaceArg = None,
    set_: SetOpt = [],  # noqa: B006 - Typer reads the default, never mutates it
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    known_at: KnownAtOpt = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on; anything but loopback needs a token.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="FORCEGEN_TOKEN",
            help="Allow writes with 'Authorization: Bearer TOKEN' (also FORCEGEN_TOKEN); "
            "without it the dashboard is read-only.",
            show_envvar=True,
        ),
    ] = None,
) -> None:
    """Serve the dashboard and the JSON API in a browser (http://127.0.0.1:8765/)."""
    with _user_errors():
        try:
            import uvicorn

            from forcegen.web import WebSettings, create_app
            from forcegen.web.settings import check_token, is_loopback, loopback_names
        except ImportError as exc:
            _fail(f"error: the dashboard needs the web extra: pip install 'forcegen[web]' ({exc})")
        try:
            token = check_token(token)
        except ValueError as exc:
            _fail(f"error: {exc}")
        if not is_loopback(host) and not token:
            _fail(
                f"error: --host {host}: refusing to serve beyond this machine without a "
                "token; give --token (or FORCEGEN_TOKEN), or keep --host 127.0.0.1"
            )
        settings = WebSettings(
            workspace=workspace,
            ledger=ledger,
            known_at=known_at,
            overrides=tuple(set_),
            as_of=as_of,
            token=token,
            host=host,
            port=port,
            allowed_hosts=loopback_names(host) if is_loopback(host) else (),
        )
        web_app = create_app(settings)  # loads the workspace: bad input fails here
        _stderr(f"forcegen dashboard on http://{host}:{port}/ (Ctrl-C to stop)")
        uvicorn.run(web_app, host=host, port=port, log_level="warning", server_header=False)


from forcegen.cli.ledger_app import ledger_app  # noqa: E402 - the sub-app, after the commands

app.add_typer(ledger_app, name="ledger")

if __name__ == "__main__":  # pragma: no cover
    main()
