"""Tables as files a spreadsheet user opens: CSV (one table per file) and Excel
workbooks (``.xlsx``, one sheet per table, an "About" sheet first).

Both are staged in an output transaction (:mod:`forcegen.io.atomic`): written in full
or not at all. The tables are pandas DataFrames whose column names already carry their
units (``"personnel [persons]"``); a named index is written as leading columns.

Workbooks need openpyxl, an optional dependency (``pip install 'forcegen[xlsx]'``):
this module imports it only when a workbook is written, and :func:`check_xlsx` tells a
command, before any work, whether it can write one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction, output_transaction

if TYPE_CHECKING:
    import pandas as pd

INSTALL_XLSX = "pip install 'forcegen[xlsx]'"
"""How to install the workbook extra."""

ABOUT_SHEET = "About"
"""The first sheet of every workbook: what produced it (command, workspace, scenario,
seed and draws, forcegen version, data sources)."""

MAX_COLUMN_WIDTH = 60
"""Fitted column widths stop here [characters]; longer text is wrapped in About."""

_SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

INTEGER_FORMAT = "#,##0"
"""Excel number format of whole numbers: thousands separators."""
DECIMAL_FORMAT = "#,##0.0###"
"""Excel number format of other numbers: thousands separators, up to four decimals."""


def check_xlsx() -> None:
    """Raise :class:`ForcegenError` (one line saying how to install it) when openpyxl is
    not installed, so that a command can refuse ``--xlsx`` before any work."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise ForcegenError(
            f"writing .xlsx needs openpyxl, which is not installed: {INSTALL_XLSX}"
        ) from None


def write_csv(frame: pd.DataFrame, path: str | Path, out: OutputTransaction | None = None) -> Path:
    """Write one table as CSV (UTF-8, comma-separated, a header row, a named index as
    leading columns), staged in ``out`` (without it: written at once, atomically)."""
    path = Path(path)
    flat = _flat(frame)
    with output_transaction(out) as tx:
        tx.write(path, lambda temp: flat.to_csv(temp, index=False))
    return path


def write_xlsx(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    out: OutputTransaction | None = None,
    *,
    about: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write ``tables`` (sheet name -> table) as one Excel workbook, staged in ``out``
    (without it: written at once, atomically).

    The first sheet, "About", lists the ``about`` items (label, text). Every table sheet
    has a bold, frozen header row with a filter, fitted column widths, and numbers
    stored as numbers (whole numbers with thousands separators; missing values, NaN
    included, as empty cells). Sheet names follow Excel's rules (at most 31 characters,
    none of ``[]:*?/\\``, unique ignoring case, not "About"), else :class:`ValueError`.
    """
    check_xlsx()
    path = Path(path)
    _check_sheet_names(tables)
    from openpyxl import Workbook

    book = Workbook()
    _about_sheet(book.active, about)
    for name, frame in tables.items():
        _table_sheet(book.create_sheet(name), _flat(frame))
    with output_transaction(out) as tx:
        tx.write(path, lambda temp: book.save(temp))
    return path


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with a named index turned into leading columns."""
    if any(name is not None for name in frame.index.names):
        return frame.reset_index()
    return frame


def _check_sheet_names(tables: Mapping[str, object]) -> None:
    seen = {ABOUT_SHEET.casefold()}
    for name in tables:
        if not name or len(name) > _SHEET_NAME_MAX or _SHEET_NAME_BAD.search(name):
            raise ValueError(f"{name!r} is not a valid sheet name")
        if name.casefold() in seen:
            raise ValueError(f"sheet name {name!r} is used twice (or is {ABOUT_SHEET!r})")
        seen.add(name.casefold())


def _cell(value: Any) -> Any:
    """A value openpyxl stores natively: numpy scalars as Python numbers, missing
    values as None."""
    if value is None or isinstance(value, str | bool):
        return value
    if hasattr(value, "item") and not isinstance(value, bytes):  # numpy scalar
        value = value.item()
    if isinstance(value, bool | str):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _shown(value: Any) -> str:
    """The text a cell shows, roughly: for fitting column widths."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE" if not value else "TRUE"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.4f}".rstrip("0")
    return str(value)


def _table_sheet(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headers = [str(c) for c in frame.columns]
    sheet.append(headers)
    widths = [len(h) for h in headers]
    for row in frame.itertuples(index=False, name=None):
        cells = [_cell(v) for v in row]
        sheet.append(cells)
        for i, value in enumerate(cells):
            widths[i] = max(widths[i], len(_shown(value)))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for i, _ in enumerate(headers, start=1):
        column = sheet.iter_rows(min_row=2, min_col=i, max_col=i)
        for (cell,) in column:
            if isinstance(cell.value, bool):
                continue
            if isinstance(cell.value, int):
                cell.number_format = INTEGER_FORMAT
            elif isinstance(cell.value, float):
                cell.number_format = INTEGER_FORMAT if cell.value.is_integer() else DECIMAL_FORMAT
        sheet.column_dimensions[get_column_letter(i)].width = (
            min(widths[i - 1], MAX_COLUMN_WIDTH) + 2
        )
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = sheet.dimensions


def _about_sheet(sheet: Any, about: Sequence[tuple[str, str]]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = ABOUT_SHEET
    sheet.append(["item", "value"])
    for label, text in about:
        sheet.append([label, text])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = wrap
    labels = [len(label) for label, _ in about] or [0]
    texts = [len(text) for _, text in about] or [0]
    sheet.column_dimensions["A"].width = min(max(*labels, 4), MAX_COLUMN_WIDTH) + 2
    sheet.column_dimensions["B"].width = min(max(*texts, 5), 2 * MAX_COLUMN_WIDTH) + 2
    sheet.freeze_panes = "A2"
