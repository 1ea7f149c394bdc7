"""Built-in datasets shipped inside the package."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from forcegen.errors import UnknownIdError
from forcegen.io.overrides import Override
from forcegen.model.workspace import Workspace

BUILTIN_DATASETS: dict[str, str] = {
    "mnf-ukraine": "mnf_ukraine",
}
"""Name of each built-in dataset -> its folder under ``forcegen/datasets``."""

DEFAULT_DATASET = "mnf-ukraine"


def builtin_path(name: str = DEFAULT_DATASET) -> Path:
    """The folder of a built-in dataset's YAML files."""
    try:
        folder = BUILTIN_DATASETS[name]
    except KeyError:
        raise UnknownIdError("built-in dataset", name, BUILTIN_DATASETS) from None
    return Path(str(resources.files("forcegen") / "datasets" / folder))


def load_builtin(name: str = DEFAULT_DATASET, overrides: Sequence[Override] = ()) -> Workspace:
    """Load a built-in dataset, e.g. ``load_builtin("mnf-ukraine")``, with any ``--set``
    overrides (:func:`forcegen.parse_overrides`) applied."""
    from forcegen.io.loader import load_workspace

    return load_workspace(builtin_path(name), origin=f"builtin:{name}", overrides=overrides)


def open_workspace(
    spec: str | Path | None = None, overrides: Sequence[Override | str] = ()
) -> Workspace:
    """A workspace from a path (a YAML file or a folder of them), or a built-in dataset by
    name; the default built-in dataset when None. ``overrides`` are ``PATH=VALUE`` texts
    (as ``--set`` takes them) or parsed :class:`~forcegen.io.overrides.Override` records,
    applied before validation. An unknown ``spec`` is a
    :class:`~forcegen.errors.WorkspaceError` naming it and what was expected; a text
    that is not ``PATH=VALUE`` an :class:`~forcegen.io.overrides.OverrideSyntaxError`."""
    from forcegen.errors import Issue, WorkspaceError
    from forcegen.io.loader import load_workspace
    from forcegen.io.overrides import parse_override

    parsed = tuple(
        parse_override(o, n) if isinstance(o, str) else o for n, o in enumerate(overrides, 1)
    )
    if spec is None:
        return load_builtin(DEFAULT_DATASET, parsed)
    path = Path(spec)
    if path.exists():
        return load_workspace(path, overrides=parsed)
    if str(spec) in BUILTIN_DATASETS:
        return load_builtin(str(spec), parsed)
    raise WorkspaceError(
        [
            Issue(
                (),
                f"no such file or folder: {spec}",
                file=str(spec),
                expected="a workspace YAML file, a folder of them, or a built-in dataset "
                f"({', '.join(BUILTIN_DATASETS)})",
            )
        ]
    )
