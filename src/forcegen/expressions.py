"""Condition expressions: a small parser of their own, never ``eval``.

Grammar (lowest to highest precedence)::

    expr   := term ("or" term)*
    term   := factor ("and" factor)*
    factor := "not" factor | "(" expr ")" | "true" | "false" | CONDITION_ID

The parser is an iterative shunting-yard, so deeply nested text cannot overflow the
Python stack. A parsed :class:`Expression` is a postfix (RPN) programme that
evaluates on plain booleans or element-wise on NumPy boolean arrays alike.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from forcegen.errors import ExpressionError
from forcegen.limits import MAX_EXPRESSION_CHARS

KEYWORDS = frozenset({"and", "or", "not", "true", "false"})

_TOKEN = re.compile(r"\s*(?:(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[()]))")

_BINARY_PRECEDENCE = {"or": 1, "and": 2}
_NOT_PRECEDENCE = 3


@dataclass(frozen=True)
class Token:
    """A lexical token; ``column`` is 1-based."""

    text: str
    column: int


def tokenize(text: str) -> Iterator[Token]:
    """Split ``text`` into words and parentheses, rejecting any other character."""
    pos = 0
    end = len(text)
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            stripped = pos
            while stripped < end and text[stripped].isspace():
                stripped += 1
            if stripped >= end:
                return
            raise ExpressionError(
                f"unexpected character {text[stripped]!r}",
                stripped + 1,
                "a condition id, 'and', 'or', 'not', 'true', 'false' or a parenthesis",
            )
        kind = "word" if match.group("word") is not None else "punct"
        yield Token(match.group(kind), match.start(kind) + 1)
        pos = match.end()


@dataclass(frozen=True)
class Expression:
    """A parsed condition expression.

    ``program`` is postfix: condition ids and the constants ``true``/``false`` push a
    value; ``not`` pops one; ``and``/``or`` pop two.
    """

    text: str
    program: tuple[str, ...]

    @property
    def conditions(self) -> frozenset[str]:
        """Condition ids the expression refers to."""
        return frozenset(op for op in self.program if op not in KEYWORDS)

    @property
    def is_constant_true(self) -> bool:
        """True for the default expression ``true``."""
        return self.program == ("true",)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values[condition_id]`` as bools or NumPy bool arrays.

        Returns a bool (NumPy ``bool_``) or an array broadcast from the inputs.
        """
        return run_program(self.program, values.__getitem__)


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "and": np.logical_and,
    "or": np.logical_or,
}


def run_program(program: tuple[str, ...], lookup: Callable[[str], Any]) -> Any:
    """Run a postfix programme, fetching condition values with ``lookup``."""
    stack: list[Any] = []
    for op in program:
        if op == "not":
            stack.append(np.logical_not(stack.pop()))
        elif op in _OPS:
            right = stack.pop()
            stack.append(_OPS[op](stack.pop(), right))
        elif op == "true":
            stack.append(np.True_)
        elif op == "false":
            stack.append(np.False_)
        else:
            stack.append(lookup(op))
    return stack[0]


def parse(text: str, known: Collection[str] | None = None) -> Expression:
    """Parse ``text``; with ``known``, every condition id must be one of them.

    Raises :class:`~forcegen.errors.ExpressionError` naming the 1-based column.
    """
    if not isinstance(text, str):
        raise ExpressionError("a condition expression must be text", 1, "a string")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(
            f"expression is {len(text):,} characters long, more than the "
            f"{MAX_EXPRESSION_CHARS:,} allowed",
            MAX_EXPRESSION_CHARS + 1,
            "a shorter expression",
        )
    output: list[str] = []
    stack: list[Token] = []  # operators and open parentheses
    expect_operand = True
    last: Token | None = None
    for token in tokenize(text):
        word = token.text
        if expect_operand:
            if word == "not" or word == "(":
                stack.append(token)
            elif word in ("and", "or", ")"):
                raise ExpressionError(
                    f"unexpected {word!r}", token.column, "a condition id, 'not' or '('"
                )
            else:
                _check_id(token, known)
                output.append(word)
                expect_operand = False
        else:
            if word in _BINARY_PRECEDENCE:
                prec = _BINARY_PRECEDENCE[word]
                while stack and stack[-1].text != "(" and _precedence(stack[-1].text) >= prec:
                    output.append(stack.pop().text)
                stack.append(token)
                expect_operand = True
            elif word == ")":
                while stack and stack[-1].text != "(":
                    output.append(stack.pop().text)
                if not stack:
                    raise ExpressionError("unmatched ')'", token.column, "'and', 'or' or the end")
                stack.pop()
            else:
                raise ExpressionError(
                    f"unexpected {word!r}", token.column, "'and', 'or', ')' or the end"
                )
        last = token
    if last is None:
        raise ExpressionError("empty expression", 1, "a condition id, 'true' or 'false'")
    if expect_operand:
        raise ExpressionError(
            "expression ends too early", len(text) + 1, "a condition id, 'not' or '('"
        )
    while stack:
        token = stack.pop()
        if token.text == "(":
            raise ExpressionError("unclosed '('", token.column, "a matching ')'")
        output.append(token.text)
    return Expression(text=text, program=tuple(output))


def _precedence(op: str) -> int:
    return _NOT_PRECEDENCE if op == "not" else _BINARY_PRECEDENCE[op]


def _check_id(token: Token, known: Collection[str] | None) -> None:
    word = token.text
    if word in ("true", "false") or known is None or word in known:
        return
    close = difflib.get_close_matches(word, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ExpressionError(
        f"unknown condition {word!r}{hint}",
        token.column,
        "one of: " + ", ".join(sorted(known)) if known else "no conditions are defined",
    )
