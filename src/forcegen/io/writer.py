"""Write a built-in dataset out as an editable workspace folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from forcegen.errors import ForcegenError
from forcegen.io.atomic import (
    OutputTransaction,
    check_folder,
    check_target,
    output_transaction,
)
from forcegen.io.datasets import DEFAULT_DATASET, builtin_path
from forcegen.io.loader import workspace_files


def write_workspace(
    target: str | Path,
    dataset: str = DEFAULT_DATASET,
    force: bool = False,
    out: OutputTransaction | None = None,
) -> list[Path]:
    """Copy the YAML files of ``dataset`` into the folder ``target``.

    The files are copied verbatim (comments and sources kept). The folder is created
    (its parent must exist); an existing non-empty folder is refused unless ``force``,
    and with ``force`` only the dataset's files are replaced, other files are left
    alone. Every entry to be written is checked before anything is written: an entry
    that is a folder, a symbolic link (never followed), a device or a read-only file
    is refused, naming it. The files are then written in one output transaction
    (``out``, or one of its own): all of them, or (if anything fails) none, and the
    files already there are unchanged. A ``target`` that is a symbolic link to a
    folder is followed. Returns the files written.
    """
    target = Path(target)
    sources = workspace_files(builtin_path(dataset))
    if target.exists() and not target.is_dir():
        raise ForcegenError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ForcegenError(f"{target} is not empty; choose a new folder or pass --force")
    if not target.exists() and not target.is_symlink() and not target.parent.is_dir():
        raise ForcegenError(f"cannot create {target}: {target.parent} is not an existing folder")
    check_folder(target, create=True)
    problems = []
    for source in sources:
        entry = target / source.name
        try:
            check_target(entry)
        except ForcegenError as exc:
            problems.append(str(exc))
    if problems:
        raise ForcegenError(
            f"nothing written to {target}: " + "; ".join(problems) + ". Move these aside "
            "or choose a new folder"
        )
    with output_transaction(out) as tx:
        written = [tx.write(target / s.name, _copy_of(s), mkdir=True) for s in sources]
    return written


def _copy_of(source: Path) -> Callable[[Path], object]:
    return lambda temp: shutil.copyfile(source, temp)
