"""Read YAML text while remembering the line of every key and list item.

PyYAML's safe loader builds the data; a walk over the composed node tree records,
for each field path, the line it starts on (1-based). Duplicate keys, which YAML
parsers silently collapse, are reported as issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from forcegen.errors import Issue, PathPart
from forcegen.io.yaml_depth import depth_bound, first_too_deep
from forcegen.limits import MAX_YAML_DEPTH

try:  # the C loader is much faster; fall back to pure Python when it is absent
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

MAX_DEPTH = MAX_YAML_DEPTH
"""Deepest nesting of YAML lists and mappings accepted (a workspace needs about 6)."""

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """Safe loader that leaves dates as text, so that the schema checks them with a path."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
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
