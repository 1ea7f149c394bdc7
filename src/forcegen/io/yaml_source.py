"""Read YAML text while remembering the line of every key and list item.

One pass over the parser's events (libyaml's, when PyYAML has it) builds the data and,
beside it, a :class:`Lines` tree: the line (1-based) of every key and list item. No
node tree is composed, so memory stays close to the data's own: a composed node keeps
two position marks per scalar, about ten times the data (1 GB for 100,000 pledges).

Scalars are read strictly (:mod:`forcegen.model.scalars`); duplicate keys, which YAML
parsers silently collapse, are reported as issues; only the core tags are known, other
tags (``!!binary``, ``!!set``, ``!!timestamp``, ``!!python/...``, local tags) are
refused. Anchors and aliases share one object (an alias bomb costs nothing), and merge
keys (``<<: *defaults``) work as in YAML 1.1.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from forcegen.errors import Issue, PathPart, shown
from forcegen.io.yaml_depth import depth_bound, first_too_deep
from forcegen.limits import MAX_YAML_DEPTH
from forcegen.model import scalars

try:  # the C parser is much faster; fall back to pure Python when it is absent
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

MAX_DEPTH = MAX_YAML_DEPTH
"""Deepest nesting of YAML lists and mappings accepted (a workspace needs about 6)."""

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = (_TAG + t for t in ("str", "null", "bool", "int", "float"))
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """The parser, with strict implicit resolvers (see :mod:`forcegen.model.scalars`).

    Plain text is null, true/false, an integer or a number only when it is written the
    one way docs/workspace.md gives; everything else, dates included, stays text for
    the schema to check with a path.
    """


# CSafeLoader resolves tags in Python, through these tables, like the pure-Python one.
_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    (_NULL, scalars.NULL, ["~", "n", ""]),
    (_BOOL, scalars.BOOL, ["t", "f"]),
    (_INT, scalars.INT, list("-+0123456789")),
    (_FLOAT, scalars.FLOAT, list("-+.0123456789")),
    (_MERGE, re.compile(r"<<\Z"), ["<"]),
):
    _Loader.add_implicit_resolver(_tag, _pattern, _first)
_RESOLVED_FIRST = frozenset(_Loader.yaml_implicit_resolvers)
"""First characters of plain text that may be more than text (the rest is text at once)."""

_MAX_DIGITS = 1_000
"""Longest number read (every figure's limit has fewer than 20 digits)."""

_SCALARS: dict[str, tuple[str, re.Pattern[str], Callable[[str], Any]]] = {
    _NULL: ("null", scalars.NULL, lambda _: None),
    _BOOL: ("true or false", scalars.BOOL, lambda v: v == "true"),
    _INT: ("a decimal integer", scalars.INT, int),
    _FLOAT: ("a decimal number", scalars.FLOAT, float),
}
"""What the core scalar tags read, written how, and made how."""

_SHORT_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!map, !!seq"


class Lines:
    """Lines (1-based) of one YAML collection: its own, each key's or item's, and the
    :class:`Lines` of the collections nested in it."""

    __slots__ = ("children", "items", "keys", "line")

    def __init__(self, line: int, mapping: bool) -> None:
        self.line = line
        self.keys: dict[Any, int] | None = {} if mapping else None  # by the key itself
        self.items: array[int] | None = None if mapping else array("i")
        self.children: dict[PathPart, Lines] | None = None

    def step(self, part: PathPart) -> tuple[int | None, Lines | None]:
        """The line of key or item ``part`` and its nested lines, if any."""
        if self.keys is not None:
            line = self.keys.get(part)
        elif isinstance(part, int) and self.items is not None and 0 <= part < len(self.items):
            line = self.items[part]
        else:
            line = None
        if line is None:
            return None, None
        return line, self.children.get(part) if self.children else None

    def locate(self, path: Sequence[PathPart]) -> int:
        """The line of ``path`` (below this collection) or of its nearest ancestor."""
        line, here = self.line, self
        for part in path:
            found, below = here.step(part)
            if found is None:
                break
            line = found
            if below is None:
                break
            here = below
        return line

    def _nest(self, part: PathPart, child: Lines) -> None:
        if self.children is None:
            self.children = {}
        self.children[part] = child


@dataclass
class SourceMap:
    """Field path -> (file, line) for a workspace merged from files, by section.

    A section's list may come from several files (concatenated in name order): each
    file's part is a segment starting at some index of the merged list. Lookups fall
    back to the nearest enclosing path.
    """

    sections: dict[str, list[tuple[int, str, int, Lines | None]]] = field(default_factory=dict)
    """Section -> segments (first merged index, file, line of the key, lines below)."""

    def add(self, section: str, start: int, file: str, line: int, below: Lines | None) -> None:
        """Record that ``section`` items from index ``start`` on come from ``file``."""
        self.sections.setdefault(section, []).append((start, file, line, below))

    def locate(self, path: Sequence[PathPart]) -> tuple[str | None, int | None]:
        """The file and line of ``path`` or of its nearest recorded ancestor."""
        if not path or path[0] not in self.sections:
            return None, None
        segments = self.sections[str(path[0])]
        start, file, line, below = segments[0]
        if len(path) > 1 and isinstance(path[1], int) and len(segments) > 1:
            at = bisect_right([s[0] for s in segments], path[1]) - 1
            start, file, line, below = segments[max(at, 0)]
        if below is None or len(path) == 1:
            return file, line
        rest = list(path[1:])
        if isinstance(rest[0], int):
            rest[0] -= start
        found, nested = below.step(rest[0])
        if found is None:
            return file, line
        return file, nested.locate(rest[1:]) if nested is not None else found


@dataclass
class YamlDocument:
    """The data of one YAML file, the lines of its keys and items, and any problems
    found reading it."""

    data: Any
    lines: Lines | None
    issues: list[Issue]


class _Refused(Exception):
    """Input this reader does not accept, at a line."""

    def __init__(self, message: str, line: int | None, expected: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.line, self.expected, self.hint = message, line, expected, hint


def read_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document; syntax errors become located issues, not exceptions."""
    too_deep = _too_deep(text, file)
    if too_deep is not None:
        return YamlDocument(None, None, [too_deep])
    loader = _Loader(text)
    try:
        return _Builder(loader, file).document()
    except yaml.reader.ReaderError as exc:
        reader_line = text.count("\n", 0, max(exc.position, 0)) + 1
        issue = Issue(
            path=(),
            message=f"unreadable character {exc.character!r}: {exc.reason}",
            expected="printable text (a YAML file)",
            file=file,
            line=reader_line,
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        issue = Issue(
            path=(),
            message=f"YAML syntax error: {exc.problem or 'invalid YAML'}",
            expected="valid YAML",
            hint=exc.context,
            file=file,
            line=mark.line + 1 if mark is not None else None,
        )
    except _Refused as exc:
        issue = Issue(
            (), exc.message, expected=exc.expected, hint=exc.hint, file=file, line=exc.line
        )
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        issue = Issue((), f"cannot read the YAML: {exc}", expected="valid YAML", file=file)
    finally:
        loader.dispose()
    return YamlDocument(None, None, [issue])


class _Frame:
    """A collection being built: the object, its lines, and for a mapping the key read
    but not yet given a value."""

    __slots__ = ("container", "key", "key_line", "lines", "step")

    def __init__(self, container: Any, lines: Lines, step: PathPart) -> None:
        self.container = container
        self.lines = lines
        self.step = step  # key or index in the parent, for paths in messages
        self.key: Any = _NO_KEY
        self.key_line = 0


_NO_KEY = object()


class _Builder:
    """Builds data and lines from the parser's events, iteratively (no recursion)."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.anchors: dict[str, tuple[Any, Lines | None]] = {}
        self.stack: list[_Frame] = []
        self.issues: list[Issue] = []
        self.root: tuple[Any, Lines | None, int] | None = None

    def document(self) -> YamlDocument:
        get: Callable[[], Any] = self.loader.get_event
        get()  # StreamStart
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            return YamlDocument(None, None, [])
        self.nodes()
        get()  # DocumentEnd
        event = get()
        if not isinstance(event, yaml.StreamEndEvent):
            raise _Refused(
                "a workspace file holds one YAML document; found another ('---')",
                _line(event),
                "one document per file",
            )
        assert self.root is not None
        data, lines, line = self.root
        if lines is None:  # a scalar document
            lines = Lines(line, mapping=True)
        return YamlDocument(data, lines, self.issues)

    def nodes(self) -> None:
        """Read the events of the document's root node."""
        get: Callable[[], Any] = self.loader.get_event
        resolve: Callable[[type, str, tuple[bool, bool]], str] = self.loader.resolve
        stack = self.stack
        while True:
            event = get()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                value = event.value
                tag = event.tag
                if tag is None and event.implicit[0]:  # plain: maybe more than text
                    if value[:1] in _RESOLVED_FIRST:
                        tag = resolve(yaml.ScalarNode, value, (True, False))
                        value = self.scalar(tag, value, event)
                elif tag is not None and tag != "!":
                    value = self.scalar(tag, value, event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, None)
                self.add(value, None, event.start_mark.line + 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mapping = kind is yaml.MappingStartEvent
                tag = event.tag
                if tag is not None and tag != "!" and tag != (_MAP if mapping else _SEQ):
                    raise self.unsupported(tag, event)
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(
                        f"lists and mappings nested more than {MAX_DEPTH} deep",
                        _line(event),
                        f"at most {MAX_DEPTH} levels (a workspace needs about 6)",
                    )
                line = event.start_mark.line + 1
                container: Any = {} if mapping else []
                lines = Lines(line, mapping)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (container, lines)
                step = self.step_in_parent()
                stack.append(_Frame(container, lines, step))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                self.add(frame.container, frame.lines, frame.lines.line)
            elif kind is yaml.AliasEvent:
                if event.anchor not in self.anchors:
                    raise _Refused(
                        f"found undefined alias '{event.anchor}'",
                        _line(event),
                        "an alias (*name) after its anchor (&name)",
                    )
                value, _ = self.anchors[event.anchor]
                self.add(value, None, event.start_mark.line + 1)  # lines below: the anchor's
            else:  # pragma: no cover - the parser sends nothing else inside a document
                raise _Refused(f"unexpected YAML event {kind.__name__}", _line(event), "YAML")
            if not stack and self.root is not None:
                return

    def scalar(self, tag: str, value: str, event: yaml.ScalarEvent) -> Any:
        """The value of a scalar with a resolved or explicit core tag."""
        if tag == _STR:
            return value
        if tag == _MERGE:
            return _MERGE_KEY if event.implicit[0] else value
        known = _SCALARS.get(tag)
        if known is None:
            raise self.unsupported(tag, event)
        name, pattern, make = known
        if len(value) > _MAX_DIGITS or not pattern.match(value):
            shown = f"text of {len(value):,} characters" if len(value) > 60 else repr(value)
            raise _Refused(f"{shown} is not {name}", _line(event), f"{name} for {_short(tag)}")
        return make(value)

    def unsupported(self, tag: str, event: yaml.Event) -> _Refused:
        return _Refused(
            f"unsupported YAML tag '{_short(tag)}'",
            _line(event),
            f"no tag, or one of {_SHORT_TAGS}",
        )

    def step_in_parent(self) -> PathPart:
        if not self.stack:
            return ""
        parent = self.stack[-1]
        if parent.lines.keys is None:
            return len(parent.container)
        if parent.key is _NO_KEY:
            return "?"  # a collection as a key: refused when it is complete
        return "<<" if parent.key is _MERGE_KEY else _text(parent.key)

    def add(self, value: Any, lines: Lines | None, line: int) -> None:
        """Put a finished node into the collection being built (or make it the root)."""
        if not self.stack:
            self.root = ("<<" if value is _MERGE_KEY else value, lines, line)
            return
        frame = self.stack[-1]
        container = frame.container
        if value is _MERGE_KEY and (frame.lines.keys is None or frame.key is not _NO_KEY):
            value = "<<"  # a merge key only as a key; elsewhere, text
        if frame.lines.keys is None:  # a sequence
            index = len(container)
            container.append(value)
            assert frame.lines.items is not None
            frame.lines.items.append(line)
            if lines is not None:
                frame.lines._nest(index, lines)
            return
        if frame.key is _NO_KEY:  # a key
            if isinstance(value, dict | list):
                raise _Refused(
                    f"a key is {'a mapping' if isinstance(value, dict) else 'a list'}",
                    line,
                    "plain keys (text)",
                )
            frame.key = sys.intern(value) if type(value) is str else value
            frame.key_line = line
            return
        key, key_line = frame.key, frame.key_line
        frame.key = _NO_KEY
        if key is _MERGE_KEY:
            self.merge(frame, value, key_line)
            return
        text = _text(key)
        assert frame.lines.keys is not None
        first = frame.lines.keys.get(key)  # 1 and 1.0, or true and 1, are one key
        if first is not None:
            path = (*self.path(), text)
            self.issues.append(
                Issue(
                    path=path,
                    message=f"duplicate key '{shown(text)}' (first on line {first})",
                    expected="each key once per mapping",
                    file=self.file,
                    line=key_line,
                )
            )
            return
        container[key] = value
        frame.lines.keys[key] = key_line
        if lines is not None:
            frame.lines._nest(key, lines)

    def merge(self, frame: _Frame, value: Any, line: int) -> None:
        """``<<: *defaults``: the keys of a mapping (or of each of a list of mappings,
        the first taking precedence) that the mapping does not give itself."""
        sources = value if isinstance(value, list) else [value]
        if not sources or not all(isinstance(s, dict) for s in sources):
            raise _Refused(
                "a merge key (<<) must name a mapping or a list of mappings",
                line,
                "<<: *anchor or <<: [*a, *b]",
            )
        container = frame.container
        for source in sources:
            for key, item in source.items():
                if key not in container:  # a key given in the mapping itself wins
                    container[key] = item

    def path(self) -> tuple[PathPart, ...]:
        """The path of the collection being built (for messages)."""
        return tuple(frame.step for frame in self.stack[1:])


_MERGE_KEY = object()


def _text(key: Any) -> str:
    return key if type(key) is str else str(key)


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _line(event: yaml.Event) -> int | None:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else None


def _too_deep(text: str, file: str) -> Issue | None:
    """Refuse nesting beyond MAX_DEPTH before any parser runs (see :mod:`.yaml_depth`).

    The quick scan bounds the depth from above; only when that bound is over the limit
    is the exact depth counted, so a document is never refused for a bound alone.
    """
    if depth_bound(text, MAX_DEPTH) is None:
        return None
    event = first_too_deep(text, MAX_DEPTH)
    if event is None:
        return None
    return Issue(
        path=(),
        message=f"lists and mappings nested more than {MAX_DEPTH} deep",
        found=f"depth {MAX_DEPTH + 1} or more",
        expected=f"at most {MAX_DEPTH} levels (a workspace needs about 6)",
        file=file,
        line=_line(event),
    )
