"""A Hypothesis mutator over workspaces, for the fuzzing suite (tests/test_fuzz_workspaces.py).

A case starts from one of the base workspaces (the small hand-computed workspace, the
deployment example of docs/deployment.md, one file of the built-in dataset), applies one
to four mutations to its data (keys, types, magnitudes, ids, unicode) and, sometimes, one
to its YAML text (YAML 1.1 scalars, tags, anchors and aliases, nesting, encodings, NUL,
duplicate keys), and writes the result to a folder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from forcegen.io.datasets import builtin_path

from .workspaces import deployment_example_text

TESTS = Path(__file__).resolve().parent.parent

PathPart = str | int

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Base:
    """A workspace to start from: its files (name -> text) and the file to mutate."""

    name: str
    files: dict[str, str]
    target: str


@functools.cache
def bases() -> tuple[Base, ...]:
    """Every base workspace; the built-in dataset once per file (read once)."""
    out = [
        Base("small", {"ws.yaml": (TESTS / "data" / "small.yaml").read_text("utf-8")}, "ws.yaml"),
        Base("network", {"ws.yaml": deployment_example_text()}, "ws.yaml"),
    ]
    builtin = {p.name: p.read_text("utf-8") for p in sorted(builtin_path().glob("*.yaml"))}
    out += [Base(f"builtin/{name}", builtin, name) for name in builtin]
    return tuple(out)


def paths(data: Any, prefix: tuple[PathPart, ...] = ()) -> Iterator[tuple[PathPart, ...]]:
    """Every path to a value inside ``data`` (the root excluded)."""
    stack: list[tuple[Any, tuple[PathPart, ...]]] = [(data, prefix)]
    while stack:
        node, where = stack.pop()
        if where:
            yield where
        if isinstance(node, dict):
            stack.extend((value, (*where, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, (*where, i)) for i, value in enumerate(node))


def _get(data: Any, path: tuple[PathPart, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "cease\u200bfire",
        "ceasefire\u00a0and us_backstop",
        "GBR\u202e",
        "\u0000",
        "x" * 70,
        "é",
        "ceasefire and (",
        "not not not ceasefire",
        "__import__('os')",
        "USA",
        "gbr-brigade-1",
        "poland",
        "2025-02-30",
        "2025-W18",
        "-1",
        "1e400",
    ]
)
MAGNITUDES = st.sampled_from(
    [0, -1, 1, 2**31, 2**53 + 1, 2**63, 2**64, 10**19, 5 * 10**18, 10**100, 1e308, 1e-320, 0.5]
)
SCALARS = st.one_of(
    MAGNITUDES,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    ODD_TEXT,
    st.text(max_size=12),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.one_of(ODD_TEXT, st.text(max_size=6)), SCALARS, max_size=3),
)

TEXT_EDITS = [
    ("scalar", "yes"),
    ("scalar", "011610"),
    ("scalar", "1:00"),
    ("scalar", "0x1F"),
    ("scalar", ".inf"),
    ("scalar", ".nan"),
    ("scalar", "2025-W18"),
    ("scalar", "35e-2"),
    ("scalar", "!!python/object/apply:os.system ['true']"),
    ("scalar", "!!binary aGVsbG8="),
    ("scalar", "*nowhere"),
    ("scalar", "&a [*a]"),
    ("scalar", "[" * 80 + "]" * 80),
    ("scalar", "{a: 1, a: 2}"),
    ("scalar", "'unterminated"),
    ("scalar", "\u200b"),
    ("scalar", "1_000"),
    ("scalar", "+12"),
    ("scalar", "~"),
    ("prefix", "\ufeff"),
    ("prefix", "%YAML 1.1\n---\n"),
    ("prefix", "x: &a [1, 2]\ny: [*a, *a, *a, *a]\n"),
    ("suffix", "\n...\n---\nsecond: document\n"),
    ("suffix", "\n\x00"),
    ("suffix", "\nnations: []\n"),
    ("tab", "\t"),
    ("duplicate-line", ""),
    ("bytes", "latin-1"),
    ("bytes", "utf-16"),
]


@dataclass(frozen=True)
class Case:
    """One mutated workspace, and what was done to it (shown when a case fails)."""

    base: Base
    files: dict[str, bytes]
    edits: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Case({' / '.join(self.edits)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints the edits, not the (large) files."""
        printer.text(repr(self))

    def write(self, folder: Path) -> Path:
        """Write the files; return the workspace path (a file, or the folder)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (folder / name).write_bytes(data)
        if len(self.files) == 1:
            return folder / next(iter(self.files))
        return folder


def _mutate_data(draw: st.DrawFn, data: Any, edits: list[str]) -> Any:
    for _ in range(draw(st.integers(1, 4))):
        targets = sorted(paths(data), key=repr)
        if not targets:
            data = draw(VALUES)
            edits.append(f"root = {data!r:.60}")
            continue
        path = draw(st.sampled_from(targets))
        parent = _get(data, path[:-1])
        key = path[-1]
        kind = draw(st.sampled_from(["replace", "replace", "delete", "unknown", "copy", "id"]))
        if kind == "replace":
            parent[key] = draw(VALUES)
        elif kind == "delete":
            del parent[key]  # type: ignore[arg-type]
        elif kind == "unknown" and isinstance(parent, dict):
            parent[draw(ODD_TEXT)] = draw(SCALARS)
        elif kind == "copy" and isinstance(parent, list):
            parent.append(parent[key])  # a duplicate record (duplicate id)
        elif kind == "id" and isinstance(parent, dict) and "id" in parent:
            parent["id"] = draw(st.one_of(ODD_TEXT, st.lists(ODD_TEXT, max_size=2), MAGNITUDES))
        else:
            parent[key] = draw(SCALARS)
        edits.append(f"{kind} {path!r:.80}")
    return data


def _edit_text(draw: st.DrawFn, text: str, edits: list[str]) -> bytes:
    kind, value = draw(st.sampled_from(TEXT_EDITS))
    edits.append(f"text {kind} {value!r:.40}")
    if kind == "scalar":
        spots = [m.start(1) for m in re.finditer(r":[ ]+([^\s#\[{&*!|>'\"-][^\n#]*)$", text, re.M)]
        if spots:
            at = draw(st.sampled_from(spots))
            end = text.index("\n", at) if "\n" in text[at:] else len(text)
            text = text[:at] + value + text[end:]
    elif kind == "prefix":
        text = value + text
    elif kind == "suffix":
        text = text + value
    elif kind == "tab":
        lines = text.split("\n")
        n = draw(st.integers(0, max(len(lines) - 1, 0)))
        lines[n] = "\t" + lines[n]
        text = "\n".join(lines)
    elif kind == "duplicate-line":
        lines = text.split("\n")
        n = draw(st.integers(0, max(len(lines) - 1, 0)))
        lines.insert(n, lines[n])
        text = "\n".join(lines)
    elif kind == "bytes":
        return text.encode(value, errors="replace") + "é".encode(value)
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def cases(draw: st.DrawFn, base_names: tuple[str, ...] | None = None) -> Case:
    """A mutated workspace: data mutations, then (one time in three) a text edit."""
    kinds = sorted(base_names or {b.name.split("/")[0] for b in bases()})
    kind = draw(st.sampled_from(kinds))  # each kind equally often, then one of its files
    base = draw(st.sampled_from([b for b in bases() if b.name.split("/")[0] == kind]))
    edits: list[str] = [base.name]
    files = {name: text.encode("utf-8") for name, text in base.files.items()}
    text = base.files[base.target]
    if draw(st.integers(0, 3)) > 0:
        data = _mutate_data(draw, yaml.load(text, Loader=_LOADER), edits)
        try:
            text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
        except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
            edits.append("(mutation could not be written as YAML: base kept)")
    if draw(st.integers(0, 2)) == 0:
        files[base.target] = _edit_text(draw, text, edits)
    else:
        files[base.target] = text.encode("utf-8", errors="surrogatepass")
    return Case(base, files, tuple(edits))
