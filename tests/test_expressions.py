"""The condition-expression parser: grammar, errors with columns, hostile input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forcegen.errors import ExpressionError
from forcegen.expressions import MAX_EXPRESSION_CHARS, parse

KNOWN = {"a", "b", "c", "ceasefire"}


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("true", {}, True),
        ("false", {}, False),
        ("a", {"a": True}, True),
        ("not a", {"a": True}, False),
        ("a and b", {"a": True, "b": False}, False),
        ("a or b", {"a": False, "b": True}, True),
        # and binds tighter than or
        ("a or b and c", {"a": True, "b": False, "c": False}, True),
        ("(a or b) and c", {"a": True, "b": False, "c": False}, False),
        # not binds tighter than and
        ("not a and b", {"a": False, "b": True}, True),
        ("not (a and b)", {"a": True, "b": True}, False),
        ("not not a", {"a": True}, True),
        ("  a\tand\nb ", {"a": True, "b": True}, True),
    ],
)
def test_evaluates_like_boolean_logic(text: str, values: dict[str, bool], expected: bool) -> None:
    assert bool(parse(text, KNOWN).evaluate(values)) is expected


def test_evaluates_elementwise_on_arrays() -> None:
    expr = parse("a and not b or c", KNOWN)
    a = np.array([True, True, False, False])
    b = np.array([False, True, False, True])
    c = np.array([False, False, True, False])
    assert expr.evaluate({"a": a, "b": b, "c": c}).tolist() == [True, False, True, False]


def test_all_truth_tables_match_python_semantics() -> None:
    expr = parse("(a or not b) and (c or a) and not (b and c)", KNOWN)
    for a, b, c in itertools.product([False, True], repeat=3):
        expected = (a or not b) and (c or a) and not (b and c)
        assert bool(expr.evaluate({"a": a, "b": b, "c": c})) is expected


def test_reports_conditions_used() -> None:
    assert parse("a and (b or not a)", KNOWN).conditions == {"a", "b"}


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a and", 6, "ends too early"),
        ("(a", 1, "unclosed '('"),
        ("a)", 2, "unmatched ')'"),
        ("", 1, "empty"),
        ("a b", 3, "unexpected 'b'"),
        ("and a", 1, "unexpected 'and'"),
        ("a && b", 3, "unexpected character '&'"),
        ("cesefire", 1, "did you mean 'ceasefire'"),
        ("a and zzz", 7, "unknown condition 'zzz'"),
    ],
)
def test_syntax_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text, KNOWN)
    assert info.value.column == column
    assert fragment in str(info.value)


def test_hostile_python_is_rejected_and_never_executed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    hostile = f"__import__('os').system('touch {marker}')"
    with pytest.raises(ExpressionError) as info:
        parse(hostile, KNOWN)
    assert info.value.column == 1  # __import__ is not a known condition
    with pytest.raises(ExpressionError) as info:
        parse(hostile, known=None)  # even with ids unchecked the quote is refused
    assert "unexpected" in str(info.value)
    assert not marker.exists()


def test_ten_thousand_deep_nesting_parses_without_recursion() -> None:
    deep = "(" * 10_000 + "a and not b" + ")" * 10_000
    expr = parse(deep, KNOWN)
    assert expr.program == ("a", "b", "not", "and")
    assert bool(expr.evaluate({"a": True, "b": False})) is True
    nots = parse("not " * 10_000 + "a", KNOWN)
    assert bool(nots.evaluate({"a": True})) is True  # an even number of nots


def test_ten_thousand_deep_unbalanced_nesting_is_a_clear_error() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("(" * 10_000 + "a" + ")" * 9_999, KNOWN)
    assert "unclosed '('" in str(info.value) and info.value.column == 1
    with pytest.raises(ExpressionError) as info:
        parse("(" * 10_000 + ")" * 10_000, KNOWN)
    assert "unexpected ')'" in str(info.value) and info.value.column == 10_001


def test_a_megabyte_expression_is_refused_quickly() -> None:
    huge = " or ".join(["a"] * 260_000)  # ~1.3 MB
    with pytest.raises(ExpressionError) as info:
        parse(huge, KNOWN)
    assert f"{MAX_EXPRESSION_CHARS:,}" in str(info.value)


def test_non_text_is_refused() -> None:
    with pytest.raises(ExpressionError):
        parse(42, KNOWN)  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_arbitrary_text_either_parses_or_raises_expression_error(text: str) -> None:
    try:
        expr = parse(text, KNOWN)
    except ExpressionError as exc:
        assert exc.column >= 1
    else:
        assert expr.conditions <= KNOWN
