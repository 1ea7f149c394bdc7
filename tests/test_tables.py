"""Fitted tables: never wider than the terminal, never a word split (issue 12, point 9)."""

from __future__ import annotations

import pytest
from rich.text import Text
from tests.helpers.layout import render, split_words, too_wide

from forcegen.cli.tables import Column, FittedTable, count, percent, units

WORDS = [
    "Ceasefire and Russian consent, no US backstop",
    "Ceasefire only",
    "every condition true (most favourable)",
]


def _wide_table() -> FittedTable:
    columns = (
        [Column("scenario", key=True)]
        + [Column(f"{n}k force option", justify="right") for n in (100, 64, 25, 15, 10)]
        + [Column("personnel", justify="right"), Column("blocking lines")]
    )
    table = FittedTable(columns, title="Scenarios at a glance", caption="personnel-weighted fill")
    for k, name in enumerate(WORDS):
        table.add_row(
            name,
            *[Text(percent(0.1 * (k + n))) for n in range(5)],
            count(13_590 + k),
            "ISTAR squadron (Ukrainian airspace), tanker aircraft",
        )
    return table


@pytest.mark.parametrize("width", [60, 80, 120])
def test_fits_the_width_without_splitting_words(width: int) -> None:
    table = _wide_table()
    text = render(table, width)
    assert too_wide(text, width) == []
    words = {w for row in table.rows for cell in row for w in str(cell).split()}
    words |= {w for c in table.columns for w in c.header.split()}
    assert split_words(text, words) == []


def test_splits_into_continued_parts_repeating_the_key_column_when_too_narrow() -> None:
    text = render(_wide_table(), 60)
    assert "Scenarios at a glance (continued)" in text
    # the row labels are in every part
    assert text.count("favourable)") == len(_wide_table().parts(60)) >= 2


def test_one_table_when_it_fits() -> None:
    text = render(_wide_table(), 200)
    assert "(continued)" not in text
    assert len(_wide_table().parts(200)) == 1


def test_a_plain_rich_table_would_split_words_at_80_columns() -> None:
    """The failure the fitted table exists for: Rich alone folds words at 80 columns."""
    from rich.table import Table

    plain = Table()
    for c in _wide_table().columns:
        plain.add_column(c.header, overflow="fold")
    for row in _wide_table().rows:
        plain.add_row(*row)
    words = {w for row in _wide_table().rows for cell in row for w in str(cell).split()}
    assert split_words(render(plain, 80), words) != []


def test_number_formats_have_thousands_separators() -> None:
    assert count(256_000) == "256,000"
    assert units(2.5) == "2.5" and units(1_200.0) == "1,200"
    assert percent(0.674) == "67 %"


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="expected 2 cells"):
        FittedTable([Column("a"), Column("b")], [("only one",)])
