"""forcegen: plan and stress-test a multinational military force.

The public Python API (docs/api.md)::

    import forcegen
    ws = forcegen.load_builtin("mnf-ukraine")        # or forcegen.open_workspace(path)
    result = forcegen.evaluate(ws, "ceasefire-only")
    result.nations_frame()                            # pandas DataFrame
    odds = forcegen.monte_carlo(ws, "ceasefire-only", draws=100_000, seed=1)
    fill = forcegen.source_requirement(ws, "force-25k", "ceasefire-only")
    plan = forcegen.deploy(ws, "ceasefire-only", requirement="force-25k")
    rota = forcegen.sustainment(ws, "ceasefire-only", months=36)
    stand = forcegen.posture(ws, "ceasefire-us-backstop", posture="forward-hubs")

The command line, the reports and any other front end are thin layers over these names.

The one list of the public API is the block of imports under ``TYPE_CHECKING`` below: type
checkers read it, and at run time the same names are imported lazily from it (on first
use, so that ``forcegen --help`` starts quickly); ``__all__`` is derived from it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    # the public API: every name imported here is exported (docs/api.md lists them all)
    from forcegen.engine.assumptions import PlanningSensitivity as PlanningSensitivity
    from forcegen.engine.assumptions import planning_sensitivity as planning_sensitivity
    from forcegen.engine.bounds import check_count as check_count
    from forcegen.engine.comparison import ComparisonItem as ComparisonItem
    from forcegen.engine.comparison import ComparisonResult as ComparisonResult
    from forcegen.engine.comparison import compare as compare
    from forcegen.engine.deployment import DeploymentResult as DeploymentResult
    from forcegen.engine.deployment import deploy as deploy
    from forcegen.engine.evaluation import ScenarioResult as ScenarioResult
    from forcegen.engine.evaluation import evaluate as evaluate
    from forcegen.engine.evaluation import evaluate_all as evaluate_all
    from forcegen.engine.odds import MonteCarloResult as MonteCarloResult
    from forcegen.engine.odds import SchedulerAddressError as SchedulerAddressError
    from forcegen.engine.odds import SchedulerUnreachable as SchedulerUnreachable
    from forcegen.engine.odds import SweepAxis as SweepAxis
    from forcegen.engine.odds import SweepAxisError as SweepAxisError
    from forcegen.engine.odds import SweepResult as SweepResult
    from forcegen.engine.odds import cluster_threads as cluster_threads
    from forcegen.engine.odds import dask_cluster as dask_cluster
    from forcegen.engine.odds import dask_installed as dask_installed
    from forcegen.engine.odds import monte_carlo as monte_carlo
    from forcegen.engine.odds import sweep as sweep
    from forcegen.engine.odds.sampling import check_draws as check_draws
    from forcegen.engine.odds.sampling import check_workers as check_workers
    from forcegen.engine.odds.scheduler import tcp_address as tcp_address
    from forcegen.engine.posture import PostureComparison as PostureComparison
    from forcegen.engine.posture import PostureResult as PostureResult
    from forcegen.engine.posture import compare_postures as compare_postures
    from forcegen.engine.posture import posture as posture
    from forcegen.engine.rotation import SustainmentResult as SustainmentResult
    from forcegen.engine.rotation import sustainment as sustainment
    from forcegen.engine.sourcing import LineFill as LineFill
    from forcegen.engine.sourcing import RequirementFill as RequirementFill
    from forcegen.engine.sourcing import SourcingResult as SourcingResult
    from forcegen.engine.sourcing import dependence_nation as dependence_nation
    from forcegen.engine.sourcing import fill_requirement as fill_requirement
    from forcegen.engine.sourcing import source_requirement as source_requirement
    from forcegen.engine.sourcing.budget import check_time_limit as check_time_limit
    from forcegen.engine.sourcing.solve import TIE_BREAK_SECONDS as TIE_BREAK_SECONDS
    from forcegen.engine.sourcing.solve import SolverStatus as SolverStatus
    from forcegen.engine.sourcing.stage_report import StageReport as StageReport
    from forcegen.engine.sourcing.stage_report import StageStatus as StageStatus
    from forcegen.engine.study_cost import CostEstimate as CostEstimate
    from forcegen.engine.study_cost import StudyPace as StudyPace
    from forcegen.engine.study_cost import study_cost as study_cost
    from forcegen.engine.supply import SupplyCut as SupplyCut
    from forcegen.engine.supply import SupplyResult as SupplyResult
    from forcegen.engine.supply import parse_cut as parse_cut
    from forcegen.engine.supply import supply as supply
    from forcegen.engine.timeline import TimelineResult as TimelineResult
    from forcegen.engine.timeline import timeline as timeline
    from forcegen.errors import ExpressionError as ExpressionError
    from forcegen.errors import ForcegenError as ForcegenError
    from forcegen.errors import Issue as Issue
    from forcegen.errors import UnknownIdError as UnknownIdError
    from forcegen.errors import WorkspaceError as WorkspaceError
    from forcegen.expressions import parse_expression as parse_expression
    from forcegen.io.atomic import OutputTransaction as OutputTransaction
    from forcegen.io.atomic import check_folder as check_folder
    from forcegen.io.atomic import check_target as check_target
    from forcegen.io.datasets import BUILTIN_DATASETS as BUILTIN_DATASETS
    from forcegen.io.datasets import DEFAULT_DATASET as DEFAULT_DATASET
    from forcegen.io.datasets import builtin_path as builtin_path
    from forcegen.io.datasets import load_builtin as load_builtin
    from forcegen.io.datasets import open_workspace as open_workspace
    from forcegen.io.datasets import parse_as_of as parse_as_of
    from forcegen.io.geojson import write_geojson as write_geojson
    from forcegen.io.ledger import DEFAULT_LEDGER_URL as DEFAULT_LEDGER_URL
    from forcegen.io.ledger import Ledger as Ledger
    from forcegen.io.ledger import LedgerEntry as LedgerEntry
    from forcegen.io.ledger import LedgerError as LedgerError
    from forcegen.io.ledger import init_ledger as init_ledger
    from forcegen.io.ledger import ledger_workspace as ledger_workspace
    from forcegen.io.ledger import open_ledger as open_ledger
    from forcegen.io.ledger import parse_known_at as parse_known_at
    from forcegen.io.loader import load_workspace as load_workspace
    from forcegen.io.mps import check_model_path as check_model_path
    from forcegen.io.mps import export_mps as export_mps
    from forcegen.io.overrides import Override as Override
    from forcegen.io.overrides import OverrideSyntaxError as OverrideSyntaxError
    from forcegen.io.overrides import parse_overrides as parse_overrides
    from forcegen.io.planning_factors import planning_factors as planning_factors
    from forcegen.io.spreadsheet import check_xlsx as check_xlsx
    from forcegen.io.spreadsheet import write_csv as write_csv
    from forcegen.io.spreadsheet import write_xlsx as write_xlsx
    from forcegen.io.writer import write_workspace as write_workspace
    from forcegen.model.common import parse_day as parse_day
    from forcegen.model.history import History as History
    from forcegen.model.history import pledge_as_of as pledge_as_of
    from forcegen.model.pledges import PledgeStatus as PledgeStatus
    from forcegen.model.reference import field_reference_markdown as field_reference_markdown
    from forcegen.model.reference import workspace_json_schema as workspace_json_schema
    from forcegen.model.scenarios import Scenario as Scenario
    from forcegen.model.stance import StanceConflict as StanceConflict
    from forcegen.model.supply import PlanningFactor as PlanningFactor
    from forcegen.model.supply import SupplySettings as SupplySettings
    from forcegen.model.workspace import Workspace as Workspace
    from forcegen.model.workspace import build_workspace as build_workspace
    from forcegen.serialize import dumps_json as dumps_json
    from forcegen.serialize import json_document as json_document
    from forcegen.solvers.highs import set_solver_log as set_solver_log

_exports: dict[str, tuple[str, str]] | None = None


def _public() -> dict[str, tuple[str, str]]:
    """Exported name -> (module, attribute), read once from the ``TYPE_CHECKING`` block."""
    global _exports
    if _exports is None:
        import ast
        from pathlib import Path

        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
        block = next(
            node
            for node in tree.body
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        )
        _exports = {
            alias.asname or alias.name: (node.module, alias.name)
            for node in block.body
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
    return _exports


def __getattr__(name: str) -> Any:
    if name == "__all__":
        return sorted([*_public(), "__version__"])
    target = _public().get(name)
    if target is None:
        raise AttributeError(f"module 'forcegen' has no attribute {name!r}")
    value = getattr(import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_public()})
