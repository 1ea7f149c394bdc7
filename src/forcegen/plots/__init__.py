"""Charts (matplotlib, optional extra ``forcegen[plot]``). Each function writes PNG and SVG
files and returns their paths; nothing here is imported by the engines.

Charts never write their final paths themselves: each chart function takes the output
transaction of its command (``out``, :class:`forcegen.io.atomic.OutputTransaction`)
and stages its files there, so that a command that fails later leaves no chart behind;
without ``out`` a function commits its own files when it has written them all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction, output_transaction

FORMATS = ("png", "svg")


def pyplot() -> Any:
    """matplotlib.pyplot on the non-interactive Agg backend, or a clear error."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - depends on the installation
        raise ForcegenError("charts need matplotlib: pip install 'forcegen[plot]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def save(
    figure: Any,
    directory: Path,
    stem: str,
    out: OutputTransaction | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Path]:
    """Stage ``figure`` as ``stem.png`` and ``stem.svg`` (or the ``formats`` given) in
    ``directory`` (created if missing) in the transaction ``out`` (or one of its own,
    committed here).

    Matplotlib writes to the temporary files with an explicit ``format``, so their
    names do not matter.
    """
    paths = []
    try:
        with output_transaction(out) as tx:
            for fmt in formats:
                path = directory / f"{stem}.{fmt}"
                temp = tx.stage(path, mkdir=True)
                figure.savefig(
                    temp, format=fmt, dpi=150, bbox_inches="tight", metadata=_metadata(fmt)
                )
                paths.append(path)
    except OSError as exc:
        raise ForcegenError(f"cannot write charts to {directory}: {exc.strerror or exc}") from None
    finally:
        pyplot().close(figure)
    return paths


def _metadata(fmt: str) -> dict[str, Any]:
    # fixed metadata so that the same result gives the same file
    if fmt == "svg":
        return {"Date": None, "Creator": "forcegen"}
    return {"Software": "forcegen"}
