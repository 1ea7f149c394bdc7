"""Progress bars (Rich, on stderr, only on a terminal) and checks of output paths."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TimeRemainingColumn

from forcegen.cli.console import make_console
from forcegen.errors import ForcegenError

Update = Callable[[int, int], None]


def progress_bar(
    description: str, total: int, unit: str, console: Console | None = None
) -> tuple[AbstractContextManager[Any], Update | None]:
    """A transient progress bar for ``total`` units of work, and its update function.

    On anything but a terminal (pipes, CI logs) there is no bar and no update function.
    The update function takes (done, total) and may change the total.
    """
    console = console or make_console(stderr=True)
    if not console.is_terminal:
        return nullcontext(), None
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        "{task.completed:,.0f}/{task.total:,.0f} " + unit,
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(description, total=max(total, 1))

    def update(done: int, new_total: int) -> None:
        bar.update(task, completed=done, total=max(new_total, 1))

    return bar, update


def output_dir(path: Path) -> Path:
    """Create the folder ``path`` for charts, or fail clearly before any work is done."""
    if path.exists() and not path.is_dir():
        raise ForcegenError(f"cannot write charts to {path}: it exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ForcegenError(f"cannot create the folder {path}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK):
        raise ForcegenError(f"cannot write to the folder {path}: permission denied")
    return path


def output_file(path: Path) -> Path:
    """Check that ``path`` can be written as a file, before any work is done."""
    if path.is_dir():
        raise ForcegenError(f"cannot write {path}: it is a folder")
    parent = path.parent
    if not parent.is_dir():
        raise ForcegenError(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ForcegenError(f"cannot write {path}: permission denied")
    return path
