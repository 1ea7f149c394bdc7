"""``forcegen ledger export``: the workspace a ledger held, as of a date, as a folder of YAML.

What is written is what was valid on or before the date: pledges made by then (and the
undated), each with its revisions dated up to then; force options floated by then
(undated ones too; a ``dropped`` date after it left out); nations with their statements
up to then; events up to then; every other record as it is; scenarios that change a
pledge not yet made left out (as ``--as-of`` leaves them out). The folder loads with
every command, with or without ``--as-of``: the force is the one the ledger gives as of
the date. Files are written in one output transaction (all or none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from forcegen.errors import ForcegenError
from forcegen.model import scalars
from forcegen.model.common import parse_day
from forcegen.model.workspace import MAPPINGS, SECTIONS

if TYPE_CHECKING:
    from forcegen.io.atomic import OutputTransaction
    from forcegen.model.workspace import Workspace


def dated_part(data: Mapping[str, Any], workspace: Workspace, day: dt.date) -> dict[str, Any]:
    """The part of the plain workspace ``data`` valid on or before ``day``; ``workspace``
    is the same data built as of ``day`` (its scenarios are the ones kept)."""

    def by(value: Any) -> bool:
        return value is None or parse_day(value) <= day

    out: dict[str, Any] = {}
    for section in SECTIONS:
        items = data.get(section)
        if not items:
            continue
        kept: list[Any] = []
        for item in items:
            if section == "pledges":
                if not by(item.get("date")):
                    continue
                if item.get("revisions"):
                    item = {**item, "revisions": [r for r in item["revisions"] if by(r["date"])]}
                    if not item["revisions"]:
                        del item["revisions"]
            elif section == "requirements":
                if not by(item.get("floated")):
                    continue
                if item.get("dropped") is not None and not by(item["dropped"]):
                    item = {k: v for k, v in item.items() if k != "dropped"}
            elif section == "nations" and item.get("statements"):
                item = {**item, "statements": [s for s in item["statements"] if by(s["date"])]}
                if not item["statements"]:
                    del item["statements"]
            elif (section == "events" and not by(item["date"])) or (
                section == "scenarios" and item["id"] not in workspace.scenarios
            ):
                continue
            kept.append(item)
        if kept:
            out[section] = kept
    for mapping in MAPPINGS:
        if data.get(mapping) is not None:
            out[mapping] = data[mapping]
    return out


class _Dumper(yaml.SafeDumper):
    """YAML as forcegen reads it back: text that forcegen would read as a number,
    true/false or null is quoted; no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    strict = any(p.match(value) for p in (scalars.NULL, scalars.BOOL, scalars.INT, scalars.FLOAT))
    style = "'" if strict else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(data: Any, header: Sequence[str] = ()) -> str:
    """``data`` as YAML text, after ``header`` comment lines."""
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return "".join(f"# {line}\n" for line in header) + body


def _writer(text: str) -> Callable[[Path], object]:
    return lambda temp: temp.write_text(text, encoding="utf-8")


def export_workspace(
    data: Mapping[str, Any],
    workspace: Workspace,
    folder: str | Path,
    day: dt.date,
    header: Sequence[str],
    *,
    force: bool = False,
    out: OutputTransaction | None = None,
) -> list[Path]:
    """Write the part of ``data`` valid on ``day`` into ``folder``, one file per section
    (``pledges.yaml``, ...). The folder is created; one that is not empty is refused
    unless ``force`` (then the files of the export are replaced; other YAML files there,
    which would be read with them, are refused)."""
    from forcegen.io.atomic import check_folder, check_target, output_transaction

    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise ForcegenError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ForcegenError(f"{target} is not empty; choose a new folder or pass --force")
    check_folder(target, create=True)
    part = dated_part(data, workspace, day)
    files = {target / f"{section}.yaml": {section: value} for section, value in part.items()}
    if target.is_dir():
        stale = sorted(
            p.name for p in target.iterdir() if p.suffix in (".yaml", ".yml") and p not in files
        )
        if stale:
            raise ForcegenError(
                f"nothing written to {target}: it holds {', '.join(stale)}, which the export "
                "does not replace and every command would read with it; move them aside "
                "or choose a new folder"
            )
    for path in files:
        check_target(path)
    with output_transaction(out) as tx:
        for path, content in files.items():
            tx.write(path, _writer(to_yaml(content, header)), mkdir=True)
    return list(files)


__all__ = ["dated_part", "export_workspace", "to_yaml"]
