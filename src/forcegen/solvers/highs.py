"""The HiGHS adapter: the only module that touches ``highspy``.

:class:`HighsSolver` loads a solver-neutral :class:`~forcegen.solvers.model.LinearModel`
into HiGHS, changes it in place (objective, added rows, row and column bounds, options)
and returns solver-neutral :class:`~forcegen.solvers.model.Solution` objects;
:func:`write_model` writes a model as an MPS file. Values pass through unscaled, in the
engine's units; ``inf`` is HiGHS's infinity.

A silent HiGHS: HiGHS 1.16 prints a two-line banner on the C-level stdout when the first
``Highs`` object of a process is constructed, before any option (``output_flag``) can be
set. No option or environment variable turns it off, so :func:`new_highs` points file
descriptors 1 and 2 at ``/dev/null`` for the duration of the constructor, flushes the
C library's buffers, and puts them back. A lock makes this safe when several threads
construct solvers at once (the deployment planner solves two LPs in threads).

Solver logs are off unless :func:`set_solver_log` was given a stream (``forcegen
--verbose``); then they go to that stream (stderr), never to stdout.

The same answer on every machine: HiGHS 1.16's MIP search runs one worker per available
core by default, and a search with one worker takes another path than with two (a
1,000-pledge ``forcegen run`` named other nations on 8 lines pinned to one core). Every
``Highs`` is given :data:`THREADS` instead, whatever the machine has. HiGHS keeps one
thread scheduler per process and refuses to run with another count than it was set up
with; when something else in the process used HiGHS first with its own count, the first
solve that is refused this way sets the scheduler up again with :data:`THREADS`
(``Highs.resetGlobalScheduler``) and runs once more.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from forcegen.solvers.model import LinearModel, Method, Sense, Solution, SolverError, Status

_CONSTRUCT = threading.Lock()
_SCHEDULER = threading.Lock()
_log_stream: TextIO | None = None

THREADS = 2
"""Threads, and so MIP search workers, of every HiGHS solve, on any machine [threads]:
the count the project's results were made with (its machine has 2 cores). A machine with
one core runs both workers on it (same answer, slower); one with more leaves the rest
to forcegen's own parallel work (``--workers``, Dask)."""


def set_solver_log(stream: TextIO | None) -> TextIO | None:
    """Send solver logs to ``stream`` (None: no solver logs). Returns the previous one."""
    global _log_stream
    previous, _log_stream = _log_stream, stream
    return previous


def _flush_c_stdio() -> None:
    with contextlib.suppress(OSError, AttributeError):  # no C library: nothing to flush
        ctypes.CDLL(None).fflush(None)


@contextlib.contextmanager
def _quiet_file_descriptors() -> Iterator[None]:
    """Point fd 1 and fd 2 at /dev/null inside the block (no-op if they cannot be saved)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved: list[tuple[int, int]] = []
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # pragma: no cover - no /dev/null
        yield
        return
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
            except OSError:
                continue  # fd not open: nothing to protect
            os.dup2(devnull, fd)
        yield
    finally:
        _flush_c_stdio()
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


def wait_for_quiet_construction(timeout: float) -> None:
    """Wait (at most ``timeout`` [s]) until no thread has fd 1 and 2 pointed at
    /dev/null; held afterwards, so that what is written next is not lost (used only on
    the way out of the process, by the Ctrl-C handler)."""
    _CONSTRUCT.acquire(timeout=timeout)


def _take_scheduler() -> None:
    """Set HiGHS's thread scheduler of this process up again, for :data:`THREADS` threads
    at the next run: it waits for the solves on the old one to end."""
    import highspy

    with _SCHEDULER:
        highspy.Highs.resetGlobalScheduler(True)


def new_highs() -> Any:
    """A ``highspy.Highs`` with its output off (or routed to the solver log stream)."""
    import highspy

    with _CONSTRUCT, _quiet_file_descriptors():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("threads", THREADS)
    stream = _log_stream
    if stream is None:
        h.setOptionValue("output_flag", False)
    else:
        h.setOptionValue("output_flag", True)
        h.setOptionValue("log_to_console", False)

        def forward(event: Any) -> None:
            stream.write(event.message)

        h.cbLogging += forward
    return h


_STATUS = {
    "kOptimal": Status.OPTIMAL,
    "kInfeasible": Status.INFEASIBLE,
    "kUnboundedOrInfeasible": Status.INFEASIBLE_OR_UNBOUNDED,
    "kUnbounded": Status.UNBOUNDED,
    "kTimeLimit": Status.TIME_LIMIT,
    "kSolutionLimit": Status.WORK_LIMIT,  # HiGHS's word for mip_max_nodes reached
    "kIterationLimit": Status.WORK_LIMIT,
    "kInterrupt": Status.WORK_LIMIT,  # only our step limit interrupts (set_step_limit)
}
_PRIMAL_SIMPLEX = 4
"""HiGHS's ``simplex_strategy`` for the primal simplex."""
_CHOOSE_SIMPLEX = 1
"""HiGHS's default ``simplex_strategy`` (the dual simplex, chosen by HiGHS)."""
_FEASIBLE_POINT = 2
"""HiGHS's ``primal_solution_status`` of a feasible point (kSolutionStatusFeasible)."""
AGREEMENT = 1e-6
"""Relative difference [fraction of max(1, |objective|)] beyond which the objective
HiGHS reports and ``cost @ x`` of the point it returns disagree."""


class _Steps:
    """The steps of one MIP solve so far (HiGHS's checks of its limits plus its
    branch-and-bound nodes), and the count at which to interrupt it (the callback holds
    this, not the solver: no reference cycle)."""

    def __init__(self) -> None:
        self.checks = 0
        self.nodes = 0
        self.limit: int | None = None

    @property
    def count(self) -> int:
        return self.checks + self.nodes

    def restart(self) -> None:
        """Count from zero (a new run)."""
        self.checks = self.nodes = 0

    def on_check(self, event: Any) -> None:
        self.checks += 1
        self.nodes = max(self.nodes, int(event.data_out.mip_node_count))
        # set either way: HiGHS keeps the flag from the last interrupt into the next solve
        event.interrupt(self.limit is not None and self.count >= self.limit)


class HighsSolver:
    """One :class:`LinearModel` loaded into HiGHS, to be changed and re-solved in place.

    HiGHS keeps the last basis of an LP between solves, so a re-solve after
    :meth:`set_objective`, :meth:`add_row`, :meth:`set_row_bounds` or
    :meth:`set_col_bounds` is a warm restart (with :attr:`Method.SIMPLEX`). For a MIP,
    :meth:`set_start` gives branch and bound a first feasible point.

    ``time_limit`` [seconds, None: none], ``mip_rel_gap`` [fraction] and ``mip_abs_gap``
    [objective units] (None: HiGHS's defaults) bound the effort of each solve.
    """

    def __init__(
        self,
        model: LinearModel,
        *,
        method: Method = Method.CHOOSE,
        time_limit: float | None = None,
        mip_rel_gap: float | None = None,
        mip_abs_gap: float | None = None,
    ) -> None:
        import highspy

        self._h = new_highs()
        self._mip = model.is_mip
        self._sense = model.sense
        self._cost = np.asarray(model.cost, dtype=np.float64).copy()
        self._steps: _Steps | None = None
        if mip_rel_gap is not None:
            self._set("mip_rel_gap", float(mip_rel_gap))
        if mip_abs_gap is not None:
            self._set("mip_abs_gap", float(mip_abs_gap))
        if time_limit is not None:
            self.set_time_limit(time_limit)
        if method != Method.CHOOSE:
            self.set_method(method)
        lp = highspy.HighsLp()
        lp.num_col_ = model.n_cols
        lp.num_row_ = model.n_rows
        lp.col_cost_ = model.cost
        lp.col_lower_ = model.col_lower
        lp.col_upper_ = model.col_upper
        lp.row_lower_ = model.row_lower
        lp.row_upper_ = model.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = model.start
        lp.a_matrix_.index_ = model.index
        lp.a_matrix_.value_ = model.value
        lp.sense_ = _objective_sense(model.sense)
        if self._mip:
            whole, real = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
            lp.integrality_ = [whole if flag else real for flag in model.integral.tolist()]
        if self._h.passModel(lp) == highspy.HighsStatus.kError:
            raise SolverError("HiGHS refused the model")

    def _set(self, option: str, value: object) -> None:
        import highspy

        if self._h.setOptionValue(option, value) == highspy.HighsStatus.kError:
            raise SolverError(f"HiGHS refused the option {option} = {value!r}")

    @property
    def n_rows(self) -> int:
        """Rows of the model as it is now (those added by :meth:`add_row` included)."""
        return int(self._h.getNumRow())

    def set_method(self, method: Method) -> None:
        """The algorithm of the next LP solves."""
        if method == Method.PRIMAL_SIMPLEX:
            self._set("solver", "simplex")
            self._set("simplex_strategy", _PRIMAL_SIMPLEX)
            return
        self._set("solver", method.value)
        if method == Method.SIMPLEX:
            self._set("simplex_strategy", _CHOOSE_SIMPLEX)

    def set_mip_gaps(self, relative: float, absolute: float) -> None:
        """Stop a MIP solve once the gap between its best point and its bound is at most
        ``relative`` (to the objective) or ``absolute`` [objective units]."""
        self._set("mip_rel_gap", float(relative))
        self._set("mip_abs_gap", float(absolute))

    def set_time_limit(self, seconds: float) -> None:
        """Stop each later solve after ``seconds`` [s] (inf: no limit)."""
        self._set("time_limit", float(seconds))

    def set_work_limits(
        self, nodes: int, improving: int | None = None, iterations: int | None = None
    ) -> None:
        """Stop each later MIP solve after ``nodes`` branch-and-bound nodes, ``improving``
        improved points (None: no limit) or about ``iterations`` simplex iterations
        (HiGHS checks the last between LP solves, so a root LP may pass it); status
        WORK_LIMIT. Bounds on the work that do not depend on the machine's speed."""
        self._set("mip_max_nodes", int(nodes))
        if improving is not None:
            self._set("mip_max_improving_sols", int(improving))
        if iterations is not None:
            self._set("simplex_iteration_limit", int(iterations))

    def set_step_limit(self, steps: int | None) -> None:
        """Stop each later MIP solve once it has taken ``steps`` steps (None: no such
        limit); status WORK_LIMIT. A step is a branch-and-bound node or one of HiGHS's
        checks of its limits, which it makes between the steps of its search (cut rounds,
        heuristics, dives); the count is taken at those checks, always at the same points
        of the search: unlike the clock, it is the same on every machine, and so is the
        point where the solve stops (a step already started is finished: a root LP or a
        dive is not interrupted). :attr:`steps` tells how many the last solve took."""
        if self._steps is None:
            self._steps = _Steps()
            self._h.cbMipInterrupt.subscribe(self._steps.on_check)
        self._steps.limit = None if steps is None else max(1, int(steps))

    @property
    def steps(self) -> int:
        """Steps (checks plus nodes) of the last MIP solve, as counted at its last check
        (0 unless :meth:`set_step_limit` was called; of its last run when it had to be
        run again, each run limited alike) [steps]."""
        return 0 if self._steps is None else self._steps.count

    @property
    def nonzeros(self) -> int:
        """Non-zero coefficients of the model's matrix as it is now [entries]."""
        return int(self._h.getNumNz())

    def set_objective(self, cost: np.ndarray, sense: Sense) -> None:
        """Replace the cost of every column, and the direction."""
        n = cost.shape[0]
        self._h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        self._h.changeObjectiveSense(_objective_sense(sense))
        self._sense = sense
        self._cost = np.asarray(cost, dtype=np.float64).copy()

    def add_row(self, lower: float, upper: float, index: np.ndarray, value: np.ndarray) -> int:
        """Add ``lower <= value @ x[index] <= upper``; returns the new row's number."""
        row = self.n_rows
        index = np.asarray(index, dtype=np.int32)
        self._h.addRow(lower, upper, index.shape[0], index, np.asarray(value, dtype=np.float64))
        return row

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        """New bounds of one row."""
        self._h.changeRowBounds(row, lower, upper)

    def set_col_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """New bounds of the columns ``cols`` (int32)."""
        self._h.changeColsBounds(cols.shape[0], cols, lower, upper)

    def forget_basis(self) -> None:
        """Drop the last basis and solution: the next solve starts cold."""
        self._h.clearSolver()

    def set_start(self, x: np.ndarray) -> None:
        """A first point for the next solve (a MIP's incumbent if it is feasible)."""
        import highspy

        start = highspy.HighsSolution()
        start.col_value = list(x)
        start.value_valid = True
        self._h.setSolution(start)

    def solve(self) -> Solution:
        """Solve the model as it is now.

        The objective returned is ``cost @ x`` of the point returned, never HiGHS's own
        value. HiGHS 1.16 given a MIP start can report a proven optimum and return the
        start instead of the point that reaches it (an optimum of 4 reported, the start's
        0 returned); when a MIP's returned point falls short of the optimum HiGHS reports
        (beyond :data:`AGREEMENT` relative), it is solved again without the start, then
        with presolve off; if the point still disagrees, the solution is not optimal
        (status TIME_LIMIT, ``solver_objective`` keeps HiGHS's value, ``detail`` says so).
        """
        solution = self._run()
        if not self._disagrees(solution):
            return solution
        self._h.clearSolver()  # drops the start (and the basis)
        solution = self._run()
        if self._disagrees(solution):
            self._set("presolve", "off")
            try:
                self._h.clearSolver()
                solution = self._run()
            finally:
                self._set("presolve", "choose")
        if not self._disagrees(solution):
            return solution
        return dataclasses.replace(
            solution,
            status=Status.TIME_LIMIT,
            detail=(
                f"HiGHS reported an optimum of {solution.solver_objective!r} but returned a "
                f"point of objective {solution.objective!r}"
            ),
        )

    def _disagrees(self, solution: Solution) -> bool:
        if solution.status != Status.OPTIMAL or not self._mip:
            return False
        reported, reached = solution.solver_objective, solution.objective
        return bool(abs(reported - reached) > AGREEMENT * max(1.0, abs(reported)))

    def _run(self) -> Solution:
        import highspy

        h = self._h
        if self._steps is not None:
            self._steps.restart()
        if h.run() == highspy.HighsStatus.kError and h.getModelStatus().name == "kNotset":
            _take_scheduler()  # another user of HiGHS set up its threads differently
            if self._steps is not None:
                self._steps.restart()
            h.run()
        status = h.getModelStatus()
        ours = _STATUS.get(status.name, Status.FAILED)
        detail = str(h.modelStatusToString(status))
        info = h.getInfo()
        reported = float(info.objective_function_value)
        if ours != Status.OPTIMAL and not (
            info.primal_solution_status == _FEASIBLE_POINT and np.isfinite(reported)
        ):
            return Solution(ours, self._sense, detail=detail)
        values = h.getSolution()
        x = np.asarray(values.col_value)
        objective = float(self._cost @ x)
        if self._mip:
            bound = float(info.mip_dual_bound)
            if not np.isfinite(bound) and ours == Status.OPTIMAL:
                bound = reported
            row_dual = np.zeros(0)
        else:
            bound = reported if ours == Status.OPTIMAL else float("nan")
            row_dual = np.asarray(values.row_dual)
        return Solution(ours, self._sense, x, objective, bound, row_dual, detail, reported)

    def write_model(self, path: str | Path) -> None:
        """Write the model as it is now to ``path``, in the format its suffix names
        (``.mps``: free MPS; ``.lp``: CPLEX LP); columns and rows unnamed (c0, r0, ...)."""
        import highspy

        status = self._h.writeModel(str(path))  # kWarning only notes that columns are unnamed
        if status == highspy.HighsStatus.kError or not os.path.isfile(path):
            raise SolverError(f"HiGHS cannot write the model to {path}")
        if os.path.getsize(path) == 0:
            raise SolverError(f"HiGHS wrote nothing to {path}")


def _objective_sense(sense: Sense) -> Any:
    import highspy

    if sense == Sense.MAXIMISE:
        return highspy.ObjSense.kMaximize
    return highspy.ObjSense.kMinimize


def write_model(model: LinearModel, path: str | Path) -> None:
    """Write ``model`` to ``path``: free MPS for ``.mps`` (CPLEX LP for ``.lp``; any other
    suffix is refused with :class:`SolverError`). The caller chooses the path (stage it in
    an output transaction for a user's file)."""
    HighsSolver(model).write_model(path)
