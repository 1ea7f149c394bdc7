"""Load a workspace from a YAML file or a folder of YAML files.

A folder's files (``*.yaml``, ``*.yml``, not recursive, in name order) are merged by
top-level key: lists under the same key are concatenated. Every issue is reported
with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from forcegen.errors import Issue, WorkspaceError
from forcegen.io.yaml_source import SourceMap, read_yaml
from forcegen.model.workspace import Workspace, build_workspace

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class WorkspaceData:
    """Merged raw data of a workspace with the source map of every field path."""

    data: dict[str, Any]
    source_map: SourceMap
    issues: list[Issue]
    files: list[Path]

    def locate(self, issue: Issue) -> Issue:
        """Fill in file and line from the source map (keeps them if already set)."""
        if issue.file is not None:
            return issue
        file, line = self.source_map.locate(issue.path)
        if file is None and len(self.files) == 1:
            file = str(self.files[0])
        return replace(issue, file=file, line=line)


def workspace_files(path: Path) -> list[Path]:
    """The YAML files that make up the workspace at ``path``."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
    return [path]


def read_workspace_data(path: str | Path, display_root: Path | None = None) -> WorkspaceData:
    """Read and merge the YAML of a workspace without validating its records."""
    root = Path(path)
    smap = SourceMap()
    merged: dict[str, Any] = {}
    issues: list[Issue] = []
    if not root.exists():
        issues.append(
            Issue(
                (),
                f"no such file or folder: {root}",
                file=str(root),
                expected="a workspace YAML file or a folder of them",
            )
        )
        return WorkspaceData(merged, smap, issues, [])
    files = workspace_files(root)
    if not files:
        issues.append(
            Issue(
                (),
                "the folder holds no .yaml or .yml files",
                file=str(root),
                expected="a folder of workspace YAML files",
            )
        )
    first_file: dict[str, str] = {}
    for file in files:
        name = str(file.relative_to(display_root)) if display_root else str(file)
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            issues.append(Issue((), f"file is not UTF-8 text ({exc.reason})", file=name))
            continue
        except OSError as exc:
            issues.append(Issue((), f"cannot read file: {exc.strerror}", file=name))
            continue
        doc = read_yaml(text, name)
        issues.extend(doc.issues)
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            issues.append(
                Issue(
                    (),
                    "a workspace file must be a mapping of sections",
                    found=type(doc.data).__name__,
                    file=name,
                    line=1,
                    expected="top-level keys such as nations:, pledges:",
                )
            )
            continue
        for key, value in doc.data.items():
            key = str(key)
            if key not in merged:
                merged[key] = value
                first_file[key] = name
                doc.source_map.shifted((key,), 0, smap)
            elif isinstance(merged[key], list) and isinstance(value, list):
                doc.source_map.shifted((key,), len(merged[key]), smap)
                merged[key] = merged[key] + value
            else:
                _, line = doc.source_map.locate((key,))
                issues.append(
                    Issue(
                        (key,),
                        f"section '{key}' is also in {first_file[key]}",
                        expected="lists under the same key (they are concatenated)",
                        file=name,
                        line=line,
                    )
                )
    return WorkspaceData(merged, smap, issues, files)


def load_workspace(path: str | Path, origin: str | None = None) -> Workspace:
    """Load and validate the workspace at ``path`` (a YAML file or folder).

    Raises :class:`~forcegen.errors.WorkspaceError` listing every problem, each with
    file, line and field path.
    """
    raw = read_workspace_data(path)
    if raw.issues:
        raise WorkspaceError(raw.locate(i) for i in raw.issues)
    try:
        workspace = build_workspace(raw.data, origin=origin or str(path))
    except WorkspaceError as exc:
        raise WorkspaceError(raw.locate(i) for i in exc.issues) from None
    object.__setattr__(workspace, "warnings", tuple(raw.locate(w) for w in workspace.warnings))
    return workspace
