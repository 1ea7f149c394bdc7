"""The layering of docs/architecture.md, checked on the source: which way imports point."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import forcegen

SRC = Path(forcegen.__file__).resolve().parent


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, also those inside functions and
    ``TYPE_CHECKING`` blocks; relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("forcegen", *path.relative_to(SRC).with_suffix("").parts[:-1]))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            out.append((node.lineno, module))
            out += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return out


def offending(folder: str, allowed: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted((SRC / folder).rglob("*.py")):
        for line, module in imports(path):
            if not module.startswith("forcegen"):
                continue
            if any(module == f or module.startswith(f + ".") for f in forbidden) and not any(
                module == a or module.startswith(a + ".") for a in allowed
            ):
                bad.append(f"{path.relative_to(SRC)}:{line}: {module}")
    return bad


def test_the_cli_uses_only_the_public_api() -> None:
    # besides `forcegen` itself: its own modules, the charts, limits, errors, Ctrl-C
    bad = offending(
        "cli",
        allowed=(),
        forbidden=(
            "forcegen.engine",
            "forcegen.model",
            "forcegen.io",
            "forcegen.solvers",
            "forcegen.expressions",
        ),
    )
    assert bad == [], "the CLI imports internals; use the public API (docs/api.md):\n" + "\n".join(
        bad
    )


def test_the_web_app_uses_only_the_public_api() -> None:
    # like the CLI: `forcegen`, its own modules, names, errors, limits; no engine, model,
    # io, solver or expression internals, and not the CLI (the web is a front end of its own)
    bad = offending(
        "web",
        allowed=(),
        forbidden=(
            "forcegen.engine",
            "forcegen.model",
            "forcegen.io",
            "forcegen.solvers",
            "forcegen.expressions",
            "forcegen.cli",
        ),
    )
    assert bad == [], "web/ imports internals; use the public API (docs/api.md):\n" + "\n".join(bad)


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    # the walk must find function-level and relative imports, or the test above is void
    source = "def f():\n    from forcegen.engine.odds import sweep\n    from . import report\n"
    path = SRC / "cli" / "__probe_for_test__.py"
    path.write_text(source, encoding="utf-8")
    try:
        found = offending("cli", (), ("forcegen.engine", "forcegen.cli.report"))
    finally:
        path.unlink()
    assert any("forcegen.engine.odds" in f for f in found)
    assert any("forcegen.cli.report" in f for f in found)


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("engine", ("forcegen.cli", "forcegen.io", "forcegen.plots")),
        ("model", ("forcegen.engine", "forcegen.cli", "forcegen.io", "forcegen.plots")),
        ("solvers", ("forcegen.engine", "forcegen.cli", "forcegen.io", "forcegen.plots")),
        ("plots", ("forcegen.cli", "forcegen.engine")),
        ("io", ("forcegen.cli", "forcegen.plots")),
    ],
)
def test_imports_point_down_the_layers(folder: str, forbidden: tuple[str, ...]) -> None:
    assert offending(folder, (), forbidden) == []


def test_engines_do_no_io_and_never_print() -> None:
    bad = []
    for path in sorted((SRC / "engine").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"print", "open", "input", "eval", "exec"}
            ):
                bad.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.func.id}()")
        for line, module in imports(path):
            if module in {"sys.argv", "argparse", "typer", "rich"}:
                bad.append(f"{path.relative_to(SRC)}:{line}: {module}")
    assert bad == []


def test_no_frozen_model_is_mutated_after_construction(small: forcegen.Workspace) -> None:
    users = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "object.__setattr__" in path.read_text(encoding="utf-8")
    ]
    assert users == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        small.warnings = ()  # type: ignore[misc]


def test_benchmark_baselines_are_not_in_the_runtime_package() -> None:
    names = {path.stem for path in SRC.rglob("*.py")}
    assert not names & {"greedy", "fcfs", "synthetic"}
