"""Charts (matplotlib, optional extra ``forcegen[plot]``). Each function writes PNG and SVG
files and returns their paths; nothing here is imported by the engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forcegen.errors import ForcegenError

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


def save(figure: Any, directory: Path, stem: str) -> list[Path]:
    """Write ``figure`` as ``stem.png`` and ``stem.svg`` in ``directory``."""
    paths = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for fmt in FORMATS:
            path = directory / f"{stem}.{fmt}"
            figure.savefig(path, dpi=150, bbox_inches="tight", metadata=_metadata(fmt))
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
