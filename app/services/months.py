"""Months and dates as the product understands them: one place that parses `YYYY-MM` and `YYYY-MM-DD`
and knows where a month starts and ends, so pages, API, exports and stats never disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import Message
from app.services.errors import Invalid

_MONTH = re.compile(r'([0-9]{4})-([0-9]{2})')  # ASCII digits: '２０２５-０１' is refused, not read as 2025-01
MIN_YEAR, MAX_YEAR = 1970, 2200


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    @property
    def days(self) -> int:
        return self.last_day.day

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f'{self.year:04d}-{self.month:02d}'

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)


def parse_month(value: str | None, *, default: date | None = None, field: str = 'month') -> Month:
    """`YYYY-MM`; empty means the month of `default` (today)."""
    if value is None or str(value).strip() == '':
        if default is None:
            from app.services.clock import today

            default = today()
        return Month.of(default)
    match = _MONTH.fullmatch(str(value).strip())
    if not match:
        raise Invalid(
            Message("'{value}' is not a month; use YYYY-MM, such as 2026-01.", value=str(value)[:20]), field=field
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(
            Message(
                '{value} is not a month between {min_year}-01 and {max_year}-12; use YYYY-MM.',
                value=value,
                min_year=MIN_YEAR,
                max_year=MAX_YEAR,
            ),
            field=field,
        )
    return Month(year, month)


def parse_date(value: object, *, field: str = 'date') -> date:
    """`YYYY-MM-DD` (or a date), within the years the product accepts."""
    if isinstance(value, date):
        day = value
    else:
        text = str(value or '').strip()
        if not re.fullmatch(r'[0-9]{4}-[0-9]{2}-[0-9]{2}', text):
            raise Invalid(
                Message("'{text}' is not a date; use YYYY-MM-DD, such as 2026-01-15.", text=text[:20]), field=field
            )
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise Invalid(
                Message('{text} is not a real date; check the day and the month.', text=text), field=field
            ) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Invalid(
            Message(
                '{day} is out of range; use a year between {min_year} and {max_year}.',
                day=day.isoformat(),
                min_year=MIN_YEAR,
                max_year=MAX_YEAR,
            ),
            field=field,
        )
    return day
