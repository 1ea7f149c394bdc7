"""Load a workspace from a YAML file or a folder of YAML files.

A folder's files (``*.yaml``, ``*.yml``, not recursive, in name order) are merged by
top-level key: lists under the same key are concatenated. Every issue is reported
with its file and line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from forcegen.errors import Issue, PathPart, WorkspaceError
from forcegen.io.overrides import Override, read_overrides
from forcegen.io.planning_factors import merge_library
from forcegen.io.yaml_source import SourceMap, read_yaml
from forcegen.limits import LIMITS, MAX_FILE_BYTES
from forcegen.model.changes import apply_changes, locate_change
from forcegen.model.workspace import Workspace, build_workspace

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class WorkspaceData:
    """Merged raw data of a workspace with the source map of every field path."""

    data: dict[str, Any]
    source_map: SourceMap
    issues: list[Issue]
    unreadable: list[Issue]
    files: list[Path]
    overridden: dict[tuple[PathPart, ...], str] = field(default_factory=dict)
    """Field path -> the ``--set #n`` that set it (see :mod:`forcegen.io.overrides`)."""

    def locate(self, issue: Issue) -> Issue:
        """Fill in file and line from the source map (keeps them if already set); a field
        an override set is located at its ``--set #n``."""
        if issue.file is not None:
            return issue
        at_override = locate_change(issue, self.overridden)
        if at_override is not None:
            return at_override
        file, line = self.source_map.locate(issue.path)
        if file is None and len(self.files) == 1:
            file = str(self.files[0])
        return replace(issue, file=file, line=line)


def workspace_files(path: Path) -> list[Path]:
    """The YAML files that make up the workspace at ``path``."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
    return [path]


def read_workspace_data(path: str | Path) -> WorkspaceData:
    """Read and merge the YAML of a workspace without validating its records.

    Problems that leave a file unreadable go to ``unreadable``; problems in files that
    could be read (duplicate keys, a section in two files) go to ``issues``.
    """
    root = Path(path)
    out = WorkspaceData({}, SourceMap(), [], [], [])
    if not root.exists():
        out.unreadable.append(
            Issue(
                (),
                f"no such file or folder: {root}",
                file=str(root),
                expected="a workspace YAML file or a folder of them",
            )
        )
        return out
    out.files = workspace_files(root)
    if not out.files:
        out.unreadable.append(
            Issue(
                (),
                "the folder holds no .yaml or .yml files",
                file=str(root),
                expected="a folder of workspace YAML files",
            )
        )
    first_file: dict[str, str] = {}
    for file in out.files:
        name = str(file)
        text, problem = _read_text(file)
        if problem is not None:
            out.unreadable.append(problem)
            continue
        doc = read_yaml(text, name)
        if doc.data is None and doc.issues:
            out.unreadable.extend(doc.issues)
            continue
        out.issues.extend(doc.issues)
        if doc.data is None:
            continue  # an empty file adds nothing
        if not isinstance(doc.data, dict):
            out.unreadable.append(
                Issue(
                    (),
                    "a workspace file must be a mapping of sections",
                    found=f"a {type(doc.data).__name__}",
                    file=name,
                    line=1,
                    expected="top-level keys such as nations:, pledges:",
                )
            )
            continue
        assert doc.lines is not None and doc.lines.keys is not None
        for raw_key, value in doc.data.items():
            key = str(raw_key)
            line, below = doc.lines.step(raw_key)
            if key not in out.data:
                # a copy: later files extend it, and an alias may share the original
                out.data[key] = list(value) if isinstance(value, list) else value
                first_file[key] = name
                out.source_map.add(key, 0, name, line or 1, below)
            elif isinstance(out.data[key], list) and isinstance(value, list):
                out.source_map.add(key, len(out.data[key]), name, line or 1, below)
                out.data[key].extend(value)  # not a + b: linear in the files
            else:
                out.issues.append(
                    Issue(
                        (key,),
                        f"section '{key}' is also in {first_file[key]}",
                        expected="lists under the same key (they are concatenated)",
                        file=name,
                        line=line,
                    )
                )
    return out


def _read_text(file: Path) -> tuple[str, Issue | None]:
    """The file's text (UTF-8, optional BOM), or the reason it cannot be read.

    A file over MAX_FILE_BYTES is refused unread (its size is checked first, and at most
    one byte more is ever read: a pipe or device named as the workspace cannot fill
    the memory).
    """
    limit = LIMITS["MAX_FILE_BYTES"]
    try:
        size = file.stat().st_size
        data = b""
        if size <= MAX_FILE_BYTES:
            with file.open("rb") as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return "", Issue(
            (), f"cannot read file: {exc.strerror}", file=str(file), expected="a readable YAML file"
        )
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        found = size if size > MAX_FILE_BYTES else f"more than {MAX_FILE_BYTES:,}"
        return "", Issue(
            (),
            f"the file is too big to read: {limit.refusal(found)}",
            expected=f"{limit.at_most()} (split the workspace into a folder of files)",
            file=str(file),
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return "", Issue(
            (),
            f"byte {data[exc.start]:#04x} is not UTF-8 text ({exc.reason})",
            expected="a UTF-8 text file",
            file=str(file),
            line=line,
        )


def pin_overridden(data: dict[str, Any], overridden: Mapping[tuple[PathPart, ...], str]) -> None:
    """Take each overridden pledge field out of that pledge's revisions, so that the
    override holds at every date (a revision would otherwise change it back)."""
    from forcegen.model.pledges import REVISABLE

    pledges = data.get("pledges")
    if not isinstance(pledges, list):
        return
    for path in overridden:
        if len(path) < 3 or path[0] != "pledges" or path[2] not in REVISABLE:
            continue
        index = path[1]
        if not isinstance(index, int) or not isinstance(pledges[index], dict):
            continue
        revisions = pledges[index].get("revisions")
        if isinstance(revisions, list):
            pledges[index] = {
                **pledges[index],
                "revisions": [
                    {k: v for k, v in r.items() if k != path[2]} if isinstance(r, dict) else r
                    for r in revisions
                ],
            }


def load_workspace(
    path: str | Path,
    origin: str | None = None,
    overrides: Sequence[Override] = (),
    as_of: dt.date | None = None,
) -> Workspace:
    """Load and validate the workspace at ``path`` (a YAML file or folder), the force as
    of ``as_of`` (:func:`forcegen.build_workspace`; every revision when None).

    ``overrides`` (``--set PATH=VALUE``, :func:`forcegen.io.overrides.parse_overrides`)
    change the raw data before validation; the workspace's ``overrides`` lists them. An
    override of a pledge field holds at every date: the pledge's revisions stop
    changing that field.
    Raises :class:`~forcegen.errors.WorkspaceError` listing every problem, each with
    file, line and field path (``--set #n`` for a value an override gave).
    """
    raw = read_workspace_data(path)
    if raw.unreadable:
        # a file could not be read at all: checking the rest would report false errors
        raise WorkspaceError(raw.locate(i) for i in raw.unreadable)
    merge_library(raw.data)  # the package's planning factors, under the workspace's own
    if overrides:
        changes, unread = read_overrides(overrides)
        problems, raw.overridden = apply_changes(raw.data, changes)
        if unread or problems:
            # a path that leads nowhere: the rest is checked once it is put right
            raise WorkspaceError([*unread, *problems])
        pin_overridden(raw.data, raw.overridden)
    try:
        workspace = build_workspace(raw.data, origin=origin or str(path), as_of=as_of)
    except WorkspaceError as exc:
        raise WorkspaceError(raw.locate(i) for i in (*raw.issues, *exc.issues)) from None
    if raw.issues:
        raise WorkspaceError(raw.locate(i) for i in raw.issues)
    # the warnings located in their files: a new frozen object, never a mutation
    return dataclasses.replace(
        workspace,
        warnings=tuple(raw.locate(w) for w in workspace.warnings),
        overrides=tuple(o.text for o in overrides),
    )
