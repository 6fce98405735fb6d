"""The one way a date or a moment leaves a service.

The database stores naive UTC (`models.utcnow`); SQLite hands dates and times back as text, PostgreSQL
as objects. Typed results carry `Timestamp` (an aware UTC datetime that serialises as ISO 8601 with a
`Z`, to the second) and plain `date`s, so that every `created_at`, `updated_at` and `since` reads the
same in the API, the exports and the pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import PlainSerializer


def iso_utc(moment: datetime) -> str:
    """`2026-12-02T16:07:32Z`: seconds, UTC, `Z`: one format for every timestamp the app hands out."""
    return as_utc(moment).strftime('%Y-%m-%dT%H:%M:%SZ')


Timestamp = Annotated[datetime, PlainSerializer(iso_utc, return_type=str, when_used='json')]


def as_utc(moment: datetime | str) -> datetime:
    """An aware UTC datetime from what the database gives back (naive UTC, or text on SQLite)."""
    if not isinstance(moment, datetime):
        moment = datetime.fromisoformat(str(moment).replace('Z', '+00:00'))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def maybe_utc(moment: datetime | str | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def as_date(value: date | datetime | str) -> date:
    """SQLite gives dates back as text, PostgreSQL as dates: one type for the rest of the code."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
