"""Progress bars (Rich, on stderr, only on a terminal) and checks of output paths."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TimeRemainingColumn

from forcegen import check_folder, check_target
from forcegen.cli.console import make_console

Update = Callable[[int, int], None]


def progress_bar(
    description: str, total: int, unit: str, console: Console | None = None
) -> tuple[AbstractContextManager[Any], Update | None]:
    """A transient progress bar for ``total`` units of work, and its update function.

    On anything but a terminal (pipes, CI logs) there is no bar and no update function.
    The update function takes (done, total) and may change the total.
    """
    bar, (update,) = progress_bars([(description, total, unit)], console)
    return bar, update


def progress_bars(
    tasks: Sequence[tuple[str, int, str]], console: Console | None = None
) -> tuple[AbstractContextManager[Any], list[Update | None]]:
    """Transient progress bars, one per (description, total, unit) of ``tasks``, shown
    together, and an update function for each (as :func:`progress_bar`'s; on anything
    but a terminal, no bars and None for each)."""
    console = console or make_console(stderr=True)
    if not console.is_terminal:
        return nullcontext(), [None for _ in tasks]
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        "{task.completed:,.0f}/{task.total:,.0f} {task.fields[unit]}",
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )

    def updater(task: TaskID) -> Update:
        def update(done: int, new_total: int) -> None:
            bar.update(task, completed=done, total=max(new_total, 1))

        return update

    return bar, [
        updater(bar.add_task(description, total=max(total, 1), unit=unit))
        for description, total, unit in tasks
    ]


def paced(update: Update | None, pace: Any, hint: str = "") -> Update:
    """An update function that moves the bar ``update`` (None: no bar) and reads the
    pace of the work (a :class:`forcegen.StudyPace`) at each report; its one warning,
    with ``hint`` after it, goes to stderr, which Rich shows above live bars."""

    def paced_update(done: int, total: int) -> None:
        if update is not None:
            update(done, total)
        said = pace.check(done, total, time.monotonic())
        if said is not None:
            print(f"warning: {said}{hint}", file=sys.stderr)

    return paced_update


def output_dir(path: Path) -> Path:
    """Check, before any work is done, that charts can be written to the folder ``path``.

    Nothing is created here: the folder (and missing parents) is created when the
    command's outputs are written, and removed again if the command fails. A symbolic
    link to a folder is followed; chart files inside that are symbolic links are
    refused when they are staged (:func:`forcegen.io.atomic.check_target`).
    """
    return check_folder(path, create=True)


def output_file(path: Path) -> Path:
    """Check, before any work is done, that ``path`` can be written as an output file:
    not a symbolic link (never followed), a folder or a device, and in an existing,
    writable folder."""
    check_target(path)
    check_folder(path.parent, output=path)
    return path


INSTALL_PLOT = "pip install 'forcegen[plot]'"
"""How to install the chart extra."""


def charts_or_tables(path: Path | None) -> Path | None:
    """The ``--plot`` folder when charts can be drawn; without matplotlib, None and one
    line on standard error saying how to install it (the command prints its tables as
    usual and succeeds: the charts are an extra, the results are not)."""
    if path is None:
        return None
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        make_console(stderr=True).print(
            f"note: --plot needs matplotlib, which is not installed; printing the tables "
            f"only. Install the chart extra with: {INSTALL_PLOT}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        return None
    return path
