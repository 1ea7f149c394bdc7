"""Hostile and surprising input is refused cleanly: a located message, never a crash.

Issue #10: nesting deeper than the limit, ids that are lists, figures beyond any real
force, YAML 1.1 conversions, invisible characters, and very large workspaces.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import forcegen
from forcegen.errors import Issue, WorkspaceError
from forcegen.io import yaml_source
from forcegen.io.datasets import builtin_path
from forcegen.io.yaml_depth import depth_bound, first_too_deep
from forcegen.limits import MAX_YAML_DEPTH

Write = Callable[..., Path]


def issues_of(path: Path) -> list[Issue]:
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(path)
    return list(info.value.issues)


def only(path: Path) -> Issue:
    found = issues_of(path)
    assert len(found) == 1, [i.render() for i in found]
    return found[0]


def exact_depth(text: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


# -- D1: nesting is bounded before any parser's own limit -----------------------------


def test_depth_check_runs_before_the_yaml_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoParser:
        def __init__(self, text: str) -> None:
            raise AssertionError("the parser ran before the depth check")

    monkeypatch.setattr(yaml_source, "_Loader", NoParser)
    for opener, closer in (("[", "]"), ("{a: ", "}"), ("[a: ", "]")):
        text = "nations: " + opener * 30_000 + "1" + closer * 30_000 + "\n"
        doc = yaml_source.read_yaml(text, "deep.yaml")
        assert [i.message for i in doc.issues] == ["lists and mappings nested more than 64 deep"]
        assert doc.issues[0].line == 1 and doc.issues[0].file == "deep.yaml"


def test_block_nesting_is_refused_at_the_line_that_goes_too_deep(write_yaml: Write) -> None:
    text = "".join(" " * n + f"k{n}:\n" for n in range(MAX_YAML_DEPTH + 10)) + " " * 80 + "x\n"
    issue = only(write_yaml(text))
    assert "nested more than 64 deep" in issue.message
    assert issue.line == MAX_YAML_DEPTH + 1


def test_nesting_up_to_the_limit_is_read(write_yaml: Write) -> None:
    for opener, closer in (("[", "]"), ("{a: ", "}")):
        text = "nations: " + opener * (MAX_YAML_DEPTH - 1) + "1" + closer * (MAX_YAML_DEPTH - 1)
        issues = issues_of(write_yaml(text + "\n"))  # read, then refused by the schema
        assert not any("nested" in i.message for i in issues)


def test_a_bound_over_the_limit_is_confirmed_before_refusing() -> None:
    # 40 nested flow sequences: the quick bound counts each '[' twice (a flow entry may be
    # a one-pair mapping), so it is over 64; the exact count is 41 and the text is read
    text = "x: " + "[" * 40 + "1" + "]" * 40 + "\n"
    assert depth_bound(text, MAX_YAML_DEPTH) == 1
    assert first_too_deep(text, MAX_YAML_DEPTH) is None
    assert yaml_source.read_yaml(text, "f.yaml").issues == []


def test_depth_bound_is_close_on_the_builtin_dataset() -> None:
    # within 2 levels of the truth, far from the limit: real files never need the exact,
    # slower count
    for file in sorted(builtin_path("mnf-ukraine").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        depth = exact_depth(text)
        assert depth_bound(text, depth + 2) is None, file.name
        assert depth_bound(text, depth - 1) is not None, file.name


# fmt: off
_WORDS = st.sampled_from(
    ["a", "b c", "[x", "]", "}", "{", "it's", '"q"', "'s'", "# no", "a: b", "- x", "|", ">",
     "&a", "*b", "!t", "x\ny", "  lead", "a #b", "[[[", "]]]", "'", '"', "\\", "\t", "?", ":",
     "-", "", "%", "@x", "---", "...", "ü\u2028"]
)
# fmt: on
_DATA = st.recursive(
    _WORDS | st.integers() | st.none() | st.booleans(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_WORDS, inner, max_size=4),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(
    _DATA,
    st.sampled_from([None, False, True]),
    st.sampled_from([None, "'", '"']),
    st.sampled_from([2, 4]),
    st.sampled_from([20, 80]),
)
def test_depth_bound_never_underestimates(
    data: Any, flow: bool | None, quote: str | None, indent: int, width: int
) -> None:
    text = yaml.dump(data, default_flow_style=flow, default_style=quote, indent=indent, width=width)
    depth = exact_depth(text)
    assert depth == 0 or depth_bound(text, depth - 1) is not None


# fmt: off
_PARTS = st.sampled_from(
    ["- ", "? ", ": ", "k: ", "key:", "[", "]", "{", "}", ", ", "'a'", "'it''s ]'",
     '"x\\"]"', "a'b", " #c]", "|", "|2", ">-", "&a ", "*a", "!!str ", "!t[ ", "x:y",
     "\n", "\n  ", "\n    ", "- - ", "[a: [b: c]]", "'a\n ]'", "[a\n'b]", "{a: [b]}",
     "|\n  x\n   - y\n", "k: a\n  [b\n", "---\n"]
)
# fmt: on


@settings(max_examples=500, deadline=None)
@given(st.lists(_PARTS, max_size=40))
def test_depth_bound_never_underestimates_odd_layouts(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        depth = exact_depth(text)
    except yaml.YAMLError:
        return  # not YAML: the full read reports it
    assert depth == 0 or depth_bound(text, depth - 1) is not None
