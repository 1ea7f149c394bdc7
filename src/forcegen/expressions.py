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
import heapq
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from forcegen.errors import ExpressionError, describe_char
from forcegen.limits import MAX_EXPRESSION_CHARS

KEYWORDS = frozenset({"and", "or", "not", "true", "false"})

_SPACE = " \t\n\r"
"""The only characters that separate words: ASCII space, tab, newline and CR (a no-break
or other Unicode space is refused, as it would hide where an id ends)."""

_TOKEN = re.compile(r"[ \t\n\r]*(?:(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[()]))")

_EXPECTED_TOKEN = "a condition id, 'and', 'or', 'not', 'true', 'false' or a parenthesis"

_BINARY_PRECEDENCE = {"or": 1, "and": 2}
_NOT_PRECEDENCE = 3


@dataclass(frozen=True)
class Token:
    """A lexical token; ``column`` is 1-based."""

    text: str
    column: int


def tokenize(text: str) -> Iterator[Token]:
    """Split ``text`` into words and parentheses, rejecting any other character.

    A word must end at a space, a parenthesis or the end: a character glued to it (an
    invisible U+200B, a look-alike letter) is reported at its own column before the
    word is looked up, so that ``cease\u200bfire`` is not an unknown ``cease``.
    """
    pos = 0
    end = len(text)
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None:
            stripped = pos
            while stripped < end and text[stripped] in _SPACE:
                stripped += 1
            if stripped >= end:
                return
            raise _bad_character(text, stripped)
        pos = match.end()
        word = match.group("word")
        if word is not None and pos < end and text[pos] not in _SPACE and text[pos] not in "()":
            raise _bad_character(text, pos)
        kind = "word" if word is not None else "punct"
        yield Token(match.group(kind), match.start(kind) + 1)


def _bad_character(text: str, pos: int) -> ExpressionError:
    char = text[pos]
    expected = _EXPECTED_TOKEN
    if char.isspace():
        expected = "an ASCII space between words"
    elif not char.isascii() or not char.isprintable():
        expected = "ASCII letters, digits and _ in condition ids"
    return ExpressionError(f"unexpected character {describe_char(char)}", pos + 1, expected)


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


def parse(text: str, known: Collection[str] | None = None, hints: bool = True) -> Expression:
    """Parse ``text``; with ``known``, every condition id must be one of them.

    Raises :class:`~forcegen.errors.ExpressionError` naming the 1-based column; with
    ``hints``, an unknown id gets a 'did you mean' (its cost is linear in ``known``, so
    a caller parsing many expressions limits how many errors get one).
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
                _check_id(token, known, hints)
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


def _check_id(token: Token, known: Collection[str] | None, hints: bool) -> None:
    word = token.text
    if word in ("true", "false") or known is None or word in known:
        return
    ids = known if isinstance(known, frozenset) else frozenset(known)
    close = difflib.get_close_matches(word, ids, n=1) if hints and len(ids) <= 2_000 else []
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ExpressionError(
        f"unknown condition {word!r}{hint}",
        token.column,
        "one of: " + _listing(ids) if ids else "no conditions are defined",
    )


@lru_cache(maxsize=8)
def _listing(ids: frozenset[str]) -> str:
    """The first 12 ids in order (made once per set: a workspace may have 100,000)."""
    first = heapq.nsmallest(13, ids)
    return ", ".join(first[:12]) + (", ..." if len(first) > 12 else "")


parse_expression = parse
"""The name of :func:`parse` in the public API (``forcegen.parse_expression``)."""
