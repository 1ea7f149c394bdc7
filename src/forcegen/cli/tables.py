"""Tables for people: never wider than the terminal, never a word split across lines.

Rich narrows a table that is too wide by wrapping its cells, and splits a word when a
column becomes narrower than it ("ceasefir / e"). A :class:`FittedTable` is laid out
when it is printed, for the console's width: every column is at least as wide as its
longest word, so cells wrap only between words; when even that does not fit, the
columns are dealt into several tables, each repeating the key columns (the row
labels), titled "(continued)". Numbers are formatted by the callers with thousands
separators (:func:`count`, :func:`units`, :func:`percent`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

Justify = Literal["left", "right", "center"]
Cell = str | Text


@dataclass(frozen=True)
class Column:
    """One column: its header, alignment, and whether it labels the rows (``key``: it is
    repeated in every part when the table must be split). Cells of a right-aligned
    column are figures ("12 %", "13,590") and never wrap; the header may."""

    header: str
    justify: Justify = "left"
    key: bool = False

    @property
    def figures(self) -> bool:
        """True for a column of figures: its cells stay on one line."""
        return self.justify == "right"


def count(value: float) -> str:
    """A whole number of persons, units or days with thousands separators: 13,590."""
    return f"{round(value):,}"


def units(value: float) -> str:
    """Units, whole where whole: 3 or 2.5, with thousands separators."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def percent(share: float, digits: int = 0) -> str:
    """A share [0-1] as a percentage: 0.674 -> '67 %'."""
    return f"{100 * share:,.{digits}f} %"


def _text(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _full_width(cell: Cell) -> int:
    return max((cell_len(line) for line in _text(cell).splitlines()), default=0)


def _longest_word(cell: Cell) -> int:
    words = _text(cell).split()
    return max((cell_len(w) for w in words), default=0)


SHORT_HEADER = 10
"""A header of a column of figures this short stays on one line ("5 %", not "5 / %")."""


def _header_min(column: Column) -> int:
    if column.figures and _full_width(column.header) <= SHORT_HEADER:
        return _full_width(column.header)
    return _longest_word(column.header)


# A table with the default box: one border column at the left and, per column, one
# space of padding either side and one border character.
_EDGE = 1
_PER_COLUMN = 3


class FittedTable:
    """A Rich renderable: a table laid out for the width it is printed at."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Cell]] = (),
        *,
        title: str | None = None,
        caption: str | None = None,
    ) -> None:
        self.columns = tuple(columns)
        self.rows: list[tuple[Cell, ...]] = []
        self.title = title
        self.caption = caption
        for row in rows:
            self.add_row(*row)

    def add_row(self, *cells: Cell) -> None:
        """Append a row; one cell per column."""
        if len(cells) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} cells, got {len(cells)}")
        self.rows.append(tuple(cells))

    def min_widths(self) -> list[int]:
        """Per column, the width of its longest word (header included), or of its widest
        cell for a column of figures [characters]."""
        cell = {True: _full_width, False: _longest_word}
        return [
            max([_header_min(c)] + [cell[c.figures](row[i]) for row in self.rows])
            for i, c in enumerate(self.columns)
        ]

    def max_widths(self) -> list[int]:
        """Per column, the width of its widest cell on one line [characters]."""
        return [
            max([_full_width(c.header)] + [_full_width(row[i]) for row in self.rows])
            for i, c in enumerate(self.columns)
        ]

    def widths(self, part: Sequence[int], width: int) -> dict[int, int]:
        """Widths of the columns of one part: each at least its longest word, the room
        left shared in proportion to how much more each would take on one line."""
        mins, maxs = self.min_widths(), self.max_widths()
        room = width - _EDGE - _PER_COLUMN * len(part)
        if sum(maxs[i] for i in part) <= room:
            return {i: maxs[i] for i in part}
        chosen = {i: mins[i] for i in part}
        spare = room - sum(chosen.values())
        want = {i: maxs[i] - mins[i] for i in part}
        total_want = sum(want.values())
        if spare > 0 and total_want > 0:
            for i in part:
                chosen[i] += spare * want[i] // total_want
            left = room - sum(chosen.values())
            for i in sorted(part, key=lambda i: -want[i]):
                if left <= 0:
                    break
                if chosen[i] < maxs[i]:
                    chosen[i] += 1
                    left -= 1
        return chosen

    def parts(self, width: int) -> list[list[int]]:
        """Column indices of each table needed to fit ``width`` [characters]."""
        mins = self.min_widths()
        keys = [i for i, c in enumerate(self.columns) if c.key]
        others = [i for i, c in enumerate(self.columns) if not c.key]
        base = _EDGE + sum(mins[i] + _PER_COLUMN for i in keys)
        parts: list[list[int]] = []
        current: list[int] = []
        used = base
        for i in others:
            need = mins[i] + _PER_COLUMN
            if current and used + need > width:
                parts.append(keys + current)
                current, used = [], base
            current.append(i)
            used += need
        if current or not parts:
            parts.append(keys + current)
        return [sorted(p) for p in parts]

    def tables(self, width: int) -> Iterator[Table]:
        """The Rich tables that print this one at ``width`` [characters]."""
        mins = self.min_widths()
        parts = self.parts(width)
        for part in parts:
            widths = self.widths(part, width)
            table = Table(box=box.HEAVY_HEAD)
            for i in part:
                column = self.columns[i]
                too_wide = mins[i] + _EDGE + _PER_COLUMN > width
                table.add_column(
                    column.header,
                    justify=column.justify,
                    width=None if too_wide else widths[i],
                    overflow="fold" if too_wide else "ellipsis",
                )
            for row in self.rows:
                table.add_row(*(row[i] for i in part))
            yield table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # title and caption wrap at the terminal's width, not the (narrower) table's
        for n, table in enumerate(self.tables(options.max_width)):
            if n:
                yield Text("")
            if self.title:
                yield Text(self.title + (" (continued)" if n else ""), style="table.title")
            yield table
        if self.caption:
            yield Text(self.caption, style="table.caption")
