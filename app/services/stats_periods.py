"""The pure arithmetic of the dashboard: how a month is cut into weeks, which of its days have happened,
and how two figures compare. No database here, so every rule is tested on plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.services.money import cents_to_number
from app.services.months import Month

MONTH_ABBREVIATIONS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')


def as_date(value: date | str) -> date:
    """SQLite gives dates back as text, PostgreSQL as dates: one type for the rest of the code."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def average_cents(total_cents: int, count: int) -> int:
    """Total / count rounded half up to the cent, in integers."""
    if count <= 0:
        return 0
    return (2 * total_cents + count) // (2 * count)


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def change(current: int, previous: int) -> dict[str, Any]:
    """How `current` compares with `previous`: direction and percentage (None when previous is 0)."""
    direction = 'up' if current > previous else 'down' if current < previous else 'same'
    pct = round(100 * (current - previous) / previous, 1) if previous else None
    return {'direction': direction, 'percent': pct}


def money(cents: int) -> float:
    return cents_to_number(int(cents))


def day_label(start: date, end: date) -> str:
    """'Feb 1–2', 'Feb 28', 'Jan 30–Feb 1' (the latter never happens inside one month, but stays right)."""
    first = f'{MONTH_ABBREVIATIONS[start.month - 1]} {start.day}'
    if start == end:
        return first
    if start.month == end.month:
        return f'{first}–{end.day}'
    return f'{first}–{MONTH_ABBREVIATIONS[end.month - 1]} {end.day}'


@dataclass(frozen=True)
class Week:
    """The part of an ISO week (Monday to Sunday) that falls inside a month."""

    iso_year: int
    iso_week: int
    start: date
    end: date

    @property
    def partial(self) -> bool:
        return self.start.isoweekday() != 1 or self.end.isoweekday() != 7

    @property
    def label(self) -> str:
        return day_label(self.start, self.end) if self.partial else f'Week {self.iso_week}'


def weeks_of(month: Month, until: date | None = None) -> list[Week]:
    """The ISO weeks of a month, clipped to the month and to `until` (the last day shown): the first and
    last may be partial; none after `until`."""
    last = month.last_day if until is None else min(until, month.last_day)
    weeks = []
    start = month.first_day
    while start <= last:
        end = min(start + timedelta(days=7 - start.isoweekday()), last)
        iso_year, iso_week, _ = start.isocalendar()
        weeks.append(Week(iso_year, iso_week, start, end))
        start = end + timedelta(days=1)
    return weeks


def last_day_shown(month: Month, today: date, last_expense: date | None = None) -> date | None:
    """The last day of `month` that its day and week charts show: today in the current month (days to
    come would read as zeros that never happened), the whole of a past month, nothing of a month to come.

    An expense dated later than today (a planned payment) is still shown: the charts stop at the later of
    today and the last expense, so that they always add up to the month's total."""
    if month.last_day <= today:
        end = month.last_day
    elif month.first_day <= today:
        end = today
    else:
        end = None
    if last_expense is not None and month.contains(last_expense) and (end is None or last_expense > end):
        end = last_expense
    return end
