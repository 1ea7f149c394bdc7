"""Read YAML text while remembering the line of every key and list item.

PyYAML's safe loader builds the data; a walk over the composed node tree records,
for each field path, the line it starts on (1-based). Duplicate keys, which YAML
parsers silently collapse, are reported as issues.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from forcegen.errors import Issue, PathPart
from forcegen.io.yaml_depth import depth_bound, first_too_deep
from forcegen.limits import MAX_YAML_DEPTH
from forcegen.model import scalars

try:  # the C loader is much faster; fall back to pure Python when it is absent
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

MAX_DEPTH = MAX_YAML_DEPTH
"""Deepest nesting of YAML lists and mappings accepted (a workspace needs about 6)."""

_TAG = "tag:yaml.org,2002:"


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """Safe loader with strict scalars (see :mod:`forcegen.model.scalars`).

    Plain text is null, true/false, an integer or a number only when it is written the
    one way docs/workspace.md gives; everything else, dates included, stays text for
    the schema to check with a path. Only the core tags are known: others (``!!binary``,
    ``!!set``, ``!!timestamp``, ``!!python/...``, local tags) are refused.
    """


# CSafeLoader resolves tags in Python, through these tables, like the pure-Python one.
_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("null", scalars.NULL, ["~", "n", ""]),
    ("bool", scalars.BOOL, ["t", "f"]),
    ("int", scalars.INT, list("-+0123456789")),
    ("float", scalars.FLOAT, list("-+.0123456789")),
    ("merge", re.compile(r"<<\Z"), ["<"]),
):
    _Loader.add_implicit_resolver(_TAG + _tag, _pattern, _first)


_MAX_DIGITS = 1000
"""Longest number read (every figure's limit has fewer than 20 digits)."""


def _strict(name: str, pattern: re.Pattern[str], make: Callable[[str], Any]) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        value = loader.construct_scalar(node)
        if not isinstance(value, str) or len(value) > _MAX_DIGITS or not pattern.match(value):
            shown = f"text of {len(value):,} characters" if len(value) > 60 else repr(value)
            problem = f"{shown} is not {name}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
        return make(value)

    return construct


_Loader.yaml_constructors = {
    _TAG + "null": _strict("null", scalars.NULL, lambda _: None),
    _TAG + "bool": _strict("true or false", scalars.BOOL, lambda v: v == "true"),
    _TAG + "int": _strict("a decimal integer", scalars.INT, int),
    _TAG + "float": _strict("a decimal number", scalars.FLOAT, float),
    _TAG + "str": _Base.yaml_constructors[_TAG + "str"],
    _TAG + "seq": _Base.yaml_constructors[_TAG + "seq"],
    _TAG + "map": _Base.yaml_constructors[_TAG + "map"],
    None: _Base.yaml_constructors[None],  # any other tag: refused
}


@dataclass
class SourceMap:
    """Field path -> (file, line). Lookups fall back to the nearest enclosing path."""

    entries: dict[tuple[PathPart, ...], tuple[str, int]] = field(default_factory=dict)

    def add(self, path: tuple[PathPart, ...], file: str, line: int) -> None:
        """Record that ``path`` starts on ``line`` of ``file``."""
        self.entries.setdefault(path, (file, line))

    def locate(self, path: Sequence[PathPart]) -> tuple[str | None, int | None]:
        """The file and line of ``path`` or of its nearest recorded ancestor."""
        key = tuple(path)
        while True:
            hit = self.entries.get(key)
            if hit is not None:
                return hit
            if not key:
                return None, None
            key = key[:-1]

    def shifted(self, prefix: tuple[PathPart, ...], offset: int, target: SourceMap) -> None:
        """Copy entries under ``prefix`` into ``target``, moving list indices by ``offset``."""
        n = len(prefix)
        for path, where in self.entries.items():
            if path[:n] != prefix:
                continue
            index = path[n] if len(path) > n else None
            if isinstance(index, int):
                target.add((*prefix, index + offset, *path[n + 1 :]), *where)
            elif offset == 0:  # the section itself, or a mapping section (network)
                target.add(path, *where)


@dataclass
class YamlDocument:
    """The data of one YAML file, its source map and any problems found reading it."""

    data: Any
    source_map: SourceMap
    issues: list[Issue]


def read_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document; syntax errors become located issues, not exceptions."""
    smap = SourceMap()
    too_deep = _too_deep(text, file)
    if too_deep is not None:
        return YamlDocument(None, smap, [too_deep])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:
        reader_line = text.count("\n", 0, max(exc.position, 0)) + 1
        issue = Issue(
            path=(),
            message=f"unreadable character {exc.character!r}: {exc.reason}",
            expected="printable text (a YAML file)",
            file=file,
            line=reader_line,
        )
        return YamlDocument(None, smap, [issue])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "invalid YAML"
        issue = Issue(
            path=(),
            message=f"YAML syntax error: {problem}",
            expected="valid YAML",
            hint=exc.context,
            file=file,
            line=line,
        )
        return YamlDocument(None, smap, [issue])
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        issue = Issue((), f"cannot read the YAML: {exc}", expected="valid YAML", file=file)
        return YamlDocument(None, smap, [issue])
    finally:
        loader.dispose()
    issues: list[Issue] = []
    if node is not None:
        _walk(node, (), file, smap, issues)
    return YamlDocument(data, smap, issues)


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
        line=event.start_mark.line + 1 if event.start_mark is not None else None,
    )


def _walk(
    root: yaml.Node,
    root_path: tuple[PathPart, ...],
    file: str,
    smap: SourceMap,
    issues: list[Issue],
) -> None:
    """Record lines iteratively (no recursion limit), visiting each node once."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[PathPart, ...]]] = [(root, root_path)]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        smap.add(path, file, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            keys: dict[object, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                line = key_node.start_mark.line + 1
                if key in keys:
                    issues.append(
                        Issue(
                            path=(*path, str(key)),
                            message=f"duplicate key '{key}' (first on line {keys[key]})",
                            expected="each key once per mapping",
                            file=file,
                            line=line,
                        )
                    )
                    continue
                keys[key] = line
                child = (*path, str(key))
                smap.add(child, file, line)
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*path, index)))
