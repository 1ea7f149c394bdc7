"""Checks of printed layout: width and whole words (issue 12, point 9)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console, RenderableType

from forcegen.cli.console import make_console

_BOX = re.compile(r"[\u2500-\u257f\u2026]")


def render(renderable: RenderableType, width: int) -> str:
    """What ``renderable`` prints on a terminal ``width`` characters wide (no colour)."""
    console: Console = make_console(width=width, record=True, color_system=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def printed_words(text: str) -> set[str]:
    """The whitespace-separated words of printed text, box-drawing characters removed."""
    return set(_BOX.sub(" ", text).split())


def split_words(text: str, words: Iterable[str]) -> list[str]:
    """Those of ``words`` that do not appear whole in ``text`` (split across lines or cut)."""
    seen = printed_words(text)
    return sorted({w for w in words if w not in seen})


def too_wide(text: str, width: int) -> list[str]:
    """Lines of ``text`` longer than ``width`` characters, except a single word that is
    longer than the width by itself (a long URL stands alone on its line, whole)."""
    return [
        line for line in text.splitlines() if len(line.rstrip()) > width and len(line.split()) > 1
    ]
