"""The ledger's queries: the entries visible at a moment, what a snapshot needs of
them, and a write's rows inserted."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from forcegen.io.ledger.entries import LedgerEntry, NewEntry
from forcegen.io.ledger.snapshot import Row

if TYPE_CHECKING:
    import sqlalchemy as sa

Progress = Callable[[int, int], None]
"""``progress(done, total)``: entries written so far, of all."""

INSERT_CHUNK = 1_000
"""Entries sent to the database per statement [entries]."""


def visible(query: Any, moment: dt.datetime | None) -> Any:
    """``query`` limited to the entries visible at ``moment``: a write's entries are seen
    together, only when all of them were recorded by then."""
    import sqlalchemy as sa

    from forcegen.io.ledger.schema import entries

    if moment is None:
        return query
    seen = (
        sa.select(entries.c.batch)
        .group_by(entries.c.batch)
        .having(sa.func.max(entries.c.recorded_at) <= moment)
    )
    return query.where(entries.c.batch.in_(seen))


def read_rows(connection: sa.Connection, moment: dt.datetime | None) -> list[Row]:
    """What a snapshot needs of the entries visible at ``moment``, in recorded order."""
    import sqlalchemy as sa

    from forcegen.io.ledger.schema import entries

    columns = [entries.c[name] for name in Row._fields]
    query = visible(sa.select(*columns).order_by(entries.c.id), moment)
    return [Row(*row) for row in connection.execute(query)]


def read_entries(
    connection: sa.Connection,
    moment: dt.datetime | None,
    *,
    pledge: str | None = None,
    nation: str | None = None,
) -> list[LedgerEntry]:
    """The entries visible at ``moment`` (every one when None), in recorded order
    (:func:`_visible`)."""
    import sqlalchemy as sa

    from forcegen.io.ledger.entries import PLEDGE, REVISION
    from forcegen.io.ledger.schema import entries

    query = visible(sa.select(entries).order_by(entries.c.id), moment)
    if pledge is not None:
        query = query.where(
            entries.c.section == "pledges",
            entries.c.record_id == pledge,
            entries.c.kind.in_((PLEDGE, REVISION)),
        )
    if nation is not None:
        query = query.where(entries.c.nation == nation)
    return [
        LedgerEntry(
            id=row.id,
            batch=row.batch,
            kind=row.kind,
            section=row.section,
            record_id=row.record_id,
            nation=row.nation,
            valid_from=row.valid_from,
            recorded_at=row.recorded_at,
            author=row.author,
            source=row.source,
            summary=row.summary,
            body=row.body,
            corrects=row.corrects,
        )
        for row in connection.execute(query)
    ]


def insert_entries(
    connection: sa.Connection,
    new: Sequence[NewEntry],
    author: str,
    progress: Progress | None,
) -> list[int]:
    """Insert ``new`` as one batch; the ids the database gave, in order."""
    import sqlalchemy as sa

    from forcegen.io.ledger.schema import entries

    batch = uuid.uuid4().hex
    rows = [
        {
            "batch": batch,
            "kind": e.kind,
            "section": e.section,
            "record_id": e.record_id,
            "nation": e.nation,
            "valid_from": e.valid_from(),
            "author": author,
            "source": e.source(),
            "summary": e.summary,
            "body": e.body,
            "corrects": e.corrects,
        }
        for e in new
    ]
    # executemany without RETURNING: the driver's own fast path; the ids are read back
    # by batch (ascending in the order inserted: this transaction holds the write lock)
    statement = sa.insert(entries)
    for start in range(0, len(rows), INSERT_CHUNK):
        connection.execute(statement, rows[start : start + INSERT_CHUNK])
        if progress is not None:
            progress(min(start + INSERT_CHUNK, len(rows)), len(rows))
    query = sa.select(entries.c.id).where(entries.c.batch == batch).order_by(entries.c.id)
    ids = list(connection.execute(query).scalars())
    assert len(ids) == len(rows)
    return ids


__all__ = ["INSERT_CHUNK", "Progress", "insert_entries", "read_entries", "read_rows", "visible"]
