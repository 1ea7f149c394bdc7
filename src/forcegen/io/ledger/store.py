"""The pledge ledger: a database of every entry ever recorded, read back as a workspace.

:class:`Ledger` opens one (SQLite file or PostgreSQL, :mod:`.connection`), writes entries
(:meth:`Ledger.import_workspace`, :meth:`Ledger.record`, :meth:`Ledger.record_file`),
each write one transaction validated exactly as a workspace is before anything is
written, and reads them back: :meth:`Ledger.log`, :meth:`Ledger.snapshot` (the plain
workspace data as known at a moment), :meth:`Ledger.workspace` (the force as of a date,
as known at a moment) and :meth:`Ledger.export` (a folder of YAML).

SQLAlchemy is imported on first use, so that ``import forcegen`` does not need it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from forcegen.errors import ForcegenError, Issue, PathPart, WorkspaceError
from forcegen.io.ledger.entries import LedgerEntry, NewEntry, split_workspace
from forcegen.io.ledger.queries import (
    Progress,
    insert_entries,
    read_entries,
    read_rows,
)
from forcegen.io.ledger.record import Origin, check_sources, plan, request_entries
from forcegen.io.ledger.snapshot import Row, Snapshot, assemble
from forcegen.io.ledger.times import parse_known_at, shown_moment
from forcegen.io.ledger.validation import at_stored, given_twice, validate_with
from forcegen.io.planning_factors import merge_library

if TYPE_CHECKING:
    import sqlalchemy as sa

    from forcegen.io.atomic import OutputTransaction
    from forcegen.io.overrides import Override
    from forcegen.model.workspace import Workspace


@dataclass(frozen=True)
class RecordResult:
    """What one write added: the ids of the new entries, and what it left as it was."""

    ids: tuple[int, ...]
    unchanged: int = 0
    """Records (revisions, statements) the ledger already held as given: not recorded again."""
    kinds: Mapping[str, int] = dataclasses.field(default_factory=dict)
    """Entries written, by kind."""
    corrections: int = 0
    """Entries written that correct an earlier one."""
    warnings: tuple[Issue, ...] = ()
    """Warnings of the workspace about the new entries (figures without a source, a
    pledge that contradicts its nation's statement)."""

    def to_json(self) -> dict[str, Any]:
        """The result as ``--json`` prints it."""
        return {
            "recorded": len(self.ids),
            "ids": list(self.ids),
            "by_kind": dict(self.kinds),
            "corrections": self.corrections,
            "unchanged": self.unchanged,
            "warnings": [w.to_dict() for w in self.warnings],
        }


class Ledger:
    """An open pledge ledger. Use :func:`forcegen.open_ledger` (or :meth:`from_url`) and close
    it (it is a context manager)."""

    def __init__(self, engine: sa.Engine, url: str) -> None:
        from forcegen.io.ledger.connection import shown_url

        self._engine = engine
        self._url = url
        self.url = shown_url(url)
        """The URL, password hidden."""

    @classmethod
    def from_url(cls, url: str) -> Ledger:
        """Open the ledger at ``url``; refuse a database without a ledger, or one whose
        schema is older (run ``forcegen ledger init URL``) or newer than this forcegen's."""
        from forcegen.io.ledger.errors import require_extra

        require_extra()
        from forcegen.io.ledger.connection import create_engine
        from forcegen.io.ledger.migrate import check_schema

        engine = create_engine(url)
        ledger = cls(engine, url)
        try:
            with ledger._connection() as connection:
                check_schema(connection, url)
        except BaseException:
            ledger.close()
            raise
        return ledger

    def close(self) -> None:
        """Close every connection."""
        self._engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self.url!r})"

    # -- reading ---------------------------------------------------------------------

    def entries(
        self,
        known_at: dt.datetime | dt.date | str | None = None,
        *,
        pledge: str | None = None,
        nation: str | None = None,
    ) -> list[LedgerEntry]:
        """The entries recorded at or before ``known_at`` (every one when None), in
        recorded order; only a pledge's (as made and its revisions), or a nation's."""
        moment = parse_known_at(known_at)
        with self._connection() as connection:
            return read_entries(connection, moment, pledge=pledge, nation=nation)

    def log(
        self,
        *,
        pledge: str | None = None,
        nation: str | None = None,
        known_at: dt.datetime | dt.date | str | None = None,
    ) -> list[LedgerEntry]:
        """The entries of ``forcegen ledger log``: as :meth:`entries`."""
        return self.entries(known_at, pledge=pledge, nation=nation)

    def count(self) -> int:
        """How many entries the ledger holds [entries]."""
        import sqlalchemy as sa

        from forcegen.io.ledger.schema import entries

        with self._connection() as connection:
            return int(
                connection.execute(sa.select(sa.func.count()).select_from(entries)).scalar_one()
            )

    def snapshot(self, known_at: dt.datetime | dt.date | str | None = None) -> Snapshot:
        """The plain workspace data of every entry recorded at or before ``known_at``
        (all when None), corrections applied: what :func:`forcegen.build_workspace` reads."""
        moment = parse_known_at(known_at)
        with self._connection() as connection:
            return assemble(read_rows(connection, moment))

    def workspace(
        self,
        overrides: Sequence[Override] = (),
        as_of: dt.date | None = None,
        known_at: dt.datetime | dt.date | str | None = None,
    ) -> Workspace:
        """The workspace the ledger held at ``known_at`` (now when None), the force as of
        ``as_of`` (every revision when None), with ``--set`` overrides applied. A
        problem names the ledger entry it is in (``ledger entry 42 (revision of pledge
        gbr-brigade-1)``)."""
        moment = parse_known_at(known_at)
        return self._built(self._rows(moment), moment, overrides, as_of)[0]

    def _rows(self, moment: dt.datetime | None) -> list[Row]:
        with self._connection() as connection:
            return read_rows(connection, moment)

    def _built(
        self,
        rows: list[Row],
        moment: dt.datetime | None,
        overrides: Sequence[Override],
        as_of: dt.date | None,
    ) -> tuple[Workspace, Snapshot]:
        """The workspace of ``rows`` (read at ``moment``), and their snapshot."""
        from forcegen.io.loader import pin_overridden
        from forcegen.io.overrides import read_overrides
        from forcegen.model.changes import apply_changes, locate_change
        from forcegen.model.workspace import build_workspace

        if not rows:
            from forcegen.io.ledger.errors import LedgerError

            if moment is None:
                raise LedgerError(
                    f"the ledger {self.url} holds no entries yet: record a workspace with "
                    "`forcegen ledger import WORKSPACE`"
                )
            raise LedgerError(f"the ledger {self.url} held no entries at {shown_moment(moment)}")
        snapshot = assemble(rows)
        labels = {row.id: row for row in rows}
        data = dict(snapshot.data)  # overrides copy what they change: the snapshot stays
        merge_library(data)  # the package's planning factors, under the ledger's own
        overridden: dict[tuple[PathPart, ...], str] = {}
        if overrides:
            changes, unread = read_overrides(overrides)
            problems, overridden = apply_changes(data, changes)
            if unread or problems:
                raise WorkspaceError([*unread, *problems])
            pin_overridden(data, overridden)

        def locate(issue: Issue) -> Issue:
            at_override = locate_change(issue, overridden)
            if at_override is not None:
                return at_override
            return at_stored(snapshot, labels, issue, self.url)

        origin = f"ledger {self.url}" + (f" known at {shown_moment(moment)}" if moment else "")
        try:
            workspace = build_workspace(data, origin=origin, as_of=as_of)
        except WorkspaceError as exc:
            raise WorkspaceError(locate(i) for i in exc.issues) from None
        workspace = dataclasses.replace(
            workspace,
            warnings=tuple(locate(w) for w in workspace.warnings),
            overrides=tuple(o.text for o in overrides),
        )
        return workspace, snapshot

    def export(
        self,
        folder: str | Path,
        as_of: dt.date,
        known_at: dt.datetime | dt.date | str | None = None,
        *,
        force: bool = False,
        out: OutputTransaction | None = None,
    ) -> list[Path]:
        """Write the workspace the ledger held at ``known_at`` (now when None), cut to
        what was valid on or before ``as_of``, as a folder of YAML files that every
        command reads (:mod:`forcegen.io.ledger.export`). Returns the files written."""
        from forcegen.io.ledger.export import export_workspace

        moment = parse_known_at(known_at)
        # one read: the workspace (refused when it does not load) and the data written
        workspace, snapshot = self._built(self._rows(moment), moment, (), as_of)
        header = [
            f"Exported from the forcegen ledger {self.url} (docs/ledger.md):",
            f"the force as of {as_of.isoformat()}, as recorded "
            + (
                f"at or before {shown_moment(moment)}"
                if moment
                else f"up to entry {snapshot.last_id}"
            )
            + ".",
        ]
        return export_workspace(
            snapshot.data, workspace, folder, as_of, header, force=force, out=out
        )

    # -- writing ---------------------------------------------------------------------

    def import_workspace(
        self, spec: str | Path, *, author: str, progress: Progress | None = None
    ) -> RecordResult:
        """Record every record of the workspace at ``spec`` (a path, or a built-in dataset
        by name) in one transaction: each pledge as first made and each of its
        revisions, each nation and each of its statements, each force option, event and
        other record. Records the ledger already holds as given are not recorded again;
        a changed one is recorded as a correction of the one in force. The workspace
        is validated first (problems with file and line), then with the ledger's
        entries; nothing is written when either fails."""
        data, origin = _read_import(spec)
        entries = list(split_workspace(data))
        return self._write(
            entries, origin, author, merge=True, sources=False, progress=progress, valid=True
        )

    def record(
        self,
        request: Mapping[str, Any],
        *,
        author: str,
        where: str = "ledger record",
        source: str | None = None,
    ) -> RecordResult:
        """Record one revision (``pledge: ID`` and its fields), one statement (``nation:
        ISO3`` ...) or records given in workspace sections (:mod:`.record`), validated
        with the whole ledger as a workspace is; refused, with nothing written, when
        that fails (problems located at ``where``). Each entry needs a source or
        ``basis: assumption`` (``source``: a retraction's)."""
        origin = Origin(where)
        entries, issues = request_entries(request, origin)
        if issues:
            raise WorkspaceError(issues)
        if source is not None:
            entries = [dataclasses.replace(e, given_source=source) for e in entries]
        return self._write(entries, origin, author, merge=True, sources=True)

    def record_file(self, path: str | Path, *, author: str) -> RecordResult:
        """:meth:`record` of the YAML snippet at ``path``; problems with its file and line."""
        from forcegen.io.loader import read_workspace_data

        raw = read_workspace_data(path)
        if raw.unreadable or raw.issues:
            raise WorkspaceError(raw.locate(i) for i in (*raw.unreadable, *raw.issues))
        origin = Origin(str(path), lambda p: raw.source_map.locate(p))
        entries, issues = request_entries(raw.data, origin)
        if issues:
            raise WorkspaceError(issues)
        return self._write(entries, origin, author, merge=True, sources=True)

    def _write(
        self,
        entries: list[NewEntry],
        origin: Origin,
        author: str,
        *,
        merge: bool,
        sources: bool,
        progress: Progress | None = None,
        valid: bool = False,
    ) -> RecordResult:
        """Check, validate and write ``entries`` in one transaction, holding the write lock
        from the first read to the commit (writers queue; each sees the ones before).
        ``valid``: the entries are a whole workspace already validated as one, so that
        into an empty ledger they need no second build."""
        from forcegen.io.ledger.connection import WRITE, write_lock

        author = author.strip() if isinstance(author, str) else ""
        if not author:
            raise ForcegenError("every ledger entry needs an author: give --author NAME")
        with self._connection(**{WRITE: True}) as connection, connection.begin():
            write_lock(connection)
            stored = read_rows(connection, None)
            snapshot = assemble(stored)
            labels = {row.id: row for row in stored}
            planned = plan(entries, snapshot, labels, origin, merge=merge)
            issues = planned.issues + given_twice(planned.entries, origin)
            if sources:
                issues += check_sources(planned.entries, origin)
            if issues:
                raise WorkspaceError(issues)
            if not planned.entries:
                return RecordResult((), planned.unchanged)
            warnings: tuple[Issue, ...] = ()
            if stored or not valid:
                warnings = validate_with(
                    stored, labels, planned.entries, snapshot, origin, self.url
                )
            ids = insert_entries(connection, planned.entries, author, progress)
        kinds: dict[str, int] = {}
        for entry in planned.entries:
            kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
        corrections = sum(e.corrects is not None for e in planned.entries)
        return RecordResult(tuple(ids), planned.unchanged, kinds, corrections, warnings)

    def _connection(self, **options: Any) -> Any:
        """A connection (a context manager); database errors become :class:`LedgerError`."""
        from forcegen.io.ledger.connection import connect

        return connect(self._engine, self._url, **options)


def _read_import(spec: str | Path) -> tuple[dict[str, Any], Origin]:
    """The plain data of the workspace at ``spec`` (a path or a built-in dataset name),
    validated as ``load_workspace`` does (problems with file and line)."""
    from forcegen.io.datasets import BUILTIN_DATASETS, builtin_path
    from forcegen.io.loader import read_workspace_data
    from forcegen.model.workspace import build_workspace

    path = Path(spec)
    if not path.exists() and str(spec) in BUILTIN_DATASETS:
        path = builtin_path(str(spec))
    elif not path.exists():
        raise WorkspaceError(
            [
                Issue(
                    (),
                    f"no such file or folder: {spec}",
                    file=str(spec),
                    expected="a workspace YAML file, a folder of them, or a built-in "
                    f"dataset ({', '.join(BUILTIN_DATASETS)})",
                )
            ]
        )
    raw = read_workspace_data(path)
    if raw.unreadable:
        raise WorkspaceError(raw.locate(i) for i in raw.unreadable)
    try:
        build_workspace(raw.data, origin=str(spec))
    except WorkspaceError as exc:
        raise WorkspaceError(raw.locate(i) for i in (*raw.issues, *exc.issues)) from None
    if raw.issues:
        raise WorkspaceError(raw.locate(i) for i in raw.issues)

    def place(path: tuple[PathPart, ...]) -> tuple[str | None, int | None]:
        located = raw.locate(Issue(path, ""))
        return located.file or str(spec), located.line

    return raw.data, Origin(str(spec), place)


__all__ = ["Ledger", "Progress", "RecordResult"]
