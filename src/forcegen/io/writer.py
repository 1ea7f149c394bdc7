"""Write a built-in dataset out as an editable workspace folder."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from forcegen.errors import ForcegenError
from forcegen.io.datasets import DEFAULT_DATASET, builtin_path
from forcegen.io.loader import workspace_files


def write_workspace(
    target: str | Path, dataset: str = DEFAULT_DATASET, force: bool = False
) -> list[Path]:
    """Copy the YAML files of ``dataset`` into the folder ``target``.

    The files are copied verbatim (comments and sources kept). The folder is created
    (its parent must exist); an existing non-empty folder is refused unless ``force``.
    Nothing is written if anything fails. Returns the files written.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ForcegenError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ForcegenError(f"{target} is not empty; choose a new folder or pass --force")
    sources = workspace_files(builtin_path(dataset))
    if not target.parent.is_dir():
        raise ForcegenError(f"cannot create {target}: {target.parent} is not an existing folder")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".forcegen-init-") as tmp:
            staged = [Path(shutil.copyfile(src, Path(tmp) / src.name)) for src in sources]
            target.mkdir(exist_ok=True)
            written = []
            for file in staged:
                dest = target / file.name
                file.replace(dest)
                written.append(dest)
    except OSError as exc:
        raise ForcegenError(f"cannot write {target}: {exc.strerror or exc}") from None
    return written
