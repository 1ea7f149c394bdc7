"""One root error type and the validation issue record.

Every error that forcegen raises on purpose derives from :class:`ForcegenError`.
Problems found in a workspace are collected as :class:`Issue` records (all of them,
not just the first) and raised together as a :class:`WorkspaceError`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

PathPart = str | int
"""One step of a field path: a mapping key or a list index."""


class ForcegenError(Exception):
    """Root of every error raised on purpose by forcegen."""


def shown(text: object, limit: int = 60) -> str:
    """Text from the input as a message shows it: characters that do not print (an
    invisible U+200B, a control character) escaped, and at most ``limit`` characters."""
    out = str(text)
    if len(out) > limit:
        out = out[: limit - 3] + "..."
    return out if out.isprintable() else repr(out)[1:-1]


def format_path(path: Sequence[PathPart]) -> str:
    """Render a field path the way a user reads it: ``pledges[3].requires``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{shown(part)}" if out else shown(part)
    return out or "(top level)"


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: 'Manoeuvre brigade' -> 'manoeuvre brigade',
    while acronyms stay ('ISTAR squadron', 'HQ')."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def describe_char(char: str) -> str:
    """How a message names one character: ``'&'``, or ``U+200B ZERO WIDTH SPACE`` for
    anything but printable ASCII (invisible and look-alike characters included)."""
    if " " < char < "\x7f":
        return repr(char)
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if name:
        return f"{code} {name}"
    return f"{code} (a control character)" if unicodedata.category(char) == "Cc" else code


@dataclass(frozen=True)
class Issue:
    """One problem found in a workspace.

    ``path`` is the field path inside the merged workspace data (``("pledges", 3,
    "quantity")``); ``file``, ``line`` (1-based) and ``column`` (1-based, inside a
    condition expression when ``in_expression``) are filled in by the loader.
    """

    path: tuple[PathPart, ...]
    message: str
    found: str | None = None
    expected: str | None = None
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    severity: str = "error"

    def located(self, file: str | None, line: int | None) -> Issue:
        """Return a copy that names the file and line it came from."""
        return replace(self, file=file, line=line)

    def prefixed(self, *prefix: PathPart) -> Issue:
        """Return a copy whose path is nested under ``prefix``."""
        return replace(self, path=(*prefix, *self.path))

    def render(self) -> str:
        """One human-readable line (plus an optional hint line)."""
        where = self.file or "<workspace>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {format_path(self.path)}: {self.message}"
        if self.column is not None:
            text += f" (column {self.column} of the expression)"
        if self.found is not None:
            text += f"; found {self.found}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (used by ``forcegen validate --json``)."""
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "path": format_path(self.path),
            "message": self.message,
            "found": self.found,
            "expected": self.expected,
            "column": self.column,
            "hint": self.hint,
        }


class WorkspaceError(ForcegenError):
    """A workspace could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the workspace"
        super().__init__(head + ":\n" + "\n".join(i.render() for i in self.issues))


class ExpressionError(ForcegenError):
    """A condition expression could not be parsed.

    ``column`` is 1-based within the expression text.
    """

    def __init__(self, message: str, column: int, expected: str | None = None) -> None:
        self.message = message
        self.column = column
        self.expected = expected
        super().__init__(f"{message} at column {column}")


class UnknownIdError(ForcegenError, KeyError):
    """A scenario, requirement or other id asked for does not exist."""

    def __init__(
        self, kind: str, wanted: str, known: Iterable[str], why: str | None = None
    ) -> None:
        self.kind = kind
        self.wanted = wanted
        self.known = tuple(known)
        self.why = why
        super().__init__(wanted)

    def __str__(self) -> str:
        import difflib

        if self.why:  # it exists, but not here (e.g. not yet on the date asked for)
            return f"{self.kind} '{self.wanted}' {self.why}; known: {', '.join(self.known)}"
        close = difflib.get_close_matches(self.wanted, self.known, n=1)
        text = f"unknown {self.kind} '{self.wanted}'; known: {', '.join(self.known) or '(none)'}"
        if close:
            text += f". Did you mean '{close[0]}'?"
        return text
