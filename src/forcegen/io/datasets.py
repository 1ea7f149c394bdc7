"""Built-in datasets shipped inside the package."""

from __future__ import annotations

import datetime as dt
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


def load_builtin(
    name: str = DEFAULT_DATASET,
    overrides: Sequence[Override] = (),
    as_of: dt.date | None = None,
) -> Workspace:
    """Load a built-in dataset, e.g. ``load_builtin("mnf-ukraine")``, with any ``--set``
    overrides (:func:`forcegen.parse_overrides`) applied, the force as of ``as_of``."""
    from forcegen.io.loader import load_workspace

    return load_workspace(
        builtin_path(name), origin=f"builtin:{name}", overrides=overrides, as_of=as_of
    )


def parse_as_of(value: dt.date | str | None, option: str = "--as-of") -> dt.date | None:
    """A date given as ``YYYY-MM-DD`` (or a date); a
    :class:`~forcegen.errors.ForcegenError` naming ``option`` otherwise."""
    from forcegen.errors import ForcegenError
    from forcegen.model.common import parse_day

    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise ForcegenError(f"{option}: {exc}") from None


def open_workspace(
    spec: str | Path | None = None,
    overrides: Sequence[Override | str] = (),
    as_of: dt.date | str | None = None,
) -> Workspace:
    """A workspace from a path (a YAML file or a folder of them), or a built-in dataset by
    name; the default built-in dataset when None; the force as of ``as_of`` (a date or
    ``YYYY-MM-DD``; every revision when None). ``overrides`` are ``PATH=VALUE`` texts
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
    day = parse_as_of(as_of)
    if spec is None:
        return load_builtin(DEFAULT_DATASET, parsed, day)
    path = Path(spec)
    if path.exists():
        return load_workspace(path, overrides=parsed, as_of=day)
    if str(spec) in BUILTIN_DATASETS:
        return load_builtin(str(spec), parsed, day)
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
