"""The moment ``--known-at`` names: what the ledger held then."""

from __future__ import annotations

import datetime as dt
import re

from forcegen.errors import Issue, WorkspaceError
from forcegen.model.scalars import DATE

_TIME = re.compile(r"[T ](\d{2})(?::(\d{2}))?(?::(\d{2}))?(?:[.,](\d+))?")
"""The time of an ISO date-time: hours, minutes, seconds, fraction (as far as given)."""

_EXPECTED = "YYYY-MM-DD (the end of that day, UTC) or an ISO date-time, e.g. 2026-01-06T12:00:00Z"


def parse_known_at(
    value: dt.datetime | dt.date | str | None, option: str = "--known-at"
) -> dt.datetime | None:
    """The moment (aware, UTC) a ``--known-at`` value names: the end of what it gives,
    as a date is the end of that day (23:59:59.999999 UTC) and ``09:30`` the end of that
    minute (09:30:59.999999), ``06:56:21.609`` the end of that millisecond: a moment
    copied from ``ledger log`` sees the entry recorded then. A date-time without a zone
    is UTC. A :class:`~forcegen.errors.WorkspaceError` naming ``option`` otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.max)
    else:
        text = value.strip()
        try:
            if DATE.match(text):
                moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max)
            elif "T" in text or " " in text:
                moment = dt.datetime.fromisoformat(text) + _rest_of(text)
            else:
                raise ValueError(text)
        except ValueError:
            shown = text if len(text) <= 60 else text[:57] + "..."
            raise WorkspaceError(
                [
                    Issue(
                        (),
                        f"'{shown}' is not a date or a date-time",
                        file=option,
                        expected=_EXPECTED,
                    )
                ]
            ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _rest_of(text: str) -> dt.timedelta:
    """From the moment a date-time text names to the end of its last digit."""
    match = _TIME.search(text)
    if match is None:  # pragma: no cover - fromisoformat read a time
        return dt.timedelta(0)
    minutes, seconds, fraction = match.group(2), match.group(3), match.group(4)
    if minutes is None:
        return dt.timedelta(minutes=60, microseconds=-1)
    if seconds is None:
        return dt.timedelta(seconds=60, microseconds=-1)
    digits = min(len(fraction or ""), 6)
    return dt.timedelta(microseconds=10 ** (6 - digits) - 1)


def shown_moment(moment: dt.datetime) -> str:
    """A moment as messages show it: ``2026-01-06T23:59:59.999Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


__all__ = ["parse_known_at", "shown_moment"]
