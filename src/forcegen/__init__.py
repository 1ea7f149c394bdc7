"""forcegen: plan and stress-test a multinational military force.

The public Python API::

    import forcegen
    ws = forcegen.load_builtin("mnf-ukraine")        # or forcegen.load_workspace(path)
    result = forcegen.evaluate(ws, "ceasefire-only")
    result.nations_frame()                            # pandas DataFrame

Names are imported lazily so that the command line starts quickly.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "ForcegenError": "forcegen.errors",
    "WorkspaceError": "forcegen.errors",
    "ExpressionError": "forcegen.errors",
    "UnknownIdError": "forcegen.errors",
    "Issue": "forcegen.errors",
    "Workspace": "forcegen.model.workspace",
    "build_workspace": "forcegen.model.workspace",
    "load_workspace": "forcegen.io.loader",
    "load_builtin": "forcegen.io.datasets",
    "builtin_path": "forcegen.io.datasets",
    "write_workspace": "forcegen.io.writer",
    "parse_expression": "forcegen.expressions",
    "evaluate": "forcegen.engine.evaluate",
    "evaluate_all": "forcegen.engine.evaluate",
    "ScenarioResult": "forcegen.engine.evaluate",
    "RequirementFill": "forcegen.engine.filling",
    "LineFill": "forcegen.engine.filling",
    "fill_requirement": "forcegen.engine.filling",
    "deploy": "forcegen.engine.deploy",
    "DeploymentResult": "forcegen.engine.deploy",
}

__all__ = [
    "DeploymentResult",
    "ExpressionError",
    "ForcegenError",
    "Issue",
    "LineFill",
    "RequirementFill",
    "ScenarioResult",
    "UnknownIdError",
    "Workspace",
    "WorkspaceError",
    "__version__",
    "build_workspace",
    "builtin_path",
    "deploy",
    "evaluate",
    "evaluate_all",
    "fill_requirement",
    "load_builtin",
    "load_workspace",
    "parse_expression",
    "write_workspace",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'forcegen' has no attribute {name!r}")
    attr = "parse" if name == "parse_expression" else name
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from forcegen.engine.deploy import DeploymentResult, deploy
    from forcegen.engine.evaluate import ScenarioResult, evaluate, evaluate_all
    from forcegen.engine.filling import LineFill, RequirementFill, fill_requirement
    from forcegen.errors import (
        ExpressionError,
        ForcegenError,
        Issue,
        UnknownIdError,
        WorkspaceError,
    )
    from forcegen.expressions import parse as parse_expression
    from forcegen.io.datasets import builtin_path, load_builtin
    from forcegen.io.loader import load_workspace
    from forcegen.io.writer import write_workspace
    from forcegen.model.workspace import Workspace, build_workspace
