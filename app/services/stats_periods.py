"""The pure arithmetic of the dashboard: how a month is cut into weeks, which of its days have happened,
and how two figures compare. No database here, so every rule is tested on plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict

from app.services.money import cents_to_number
from app.services.months import Month
from app.services.stats_types import Change, Day, Week

MONTH_ABBREVIATIONS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')


def average_cents(total_cents: int, count: int) -> int:
    """Total / count rounded half up to the cent, in integers."""
    if count <= 0:
        return 0
    return (2 * total_cents + count) // (2 * count)


class MonthFigures(TypedDict):
    month: str
    total: float
    total_cents: int
    count: int
    average: float
    average_cents: int


def month_figures(month: Month, count: int, total: int) -> MonthFigures:
    """What the summary says of a month and of the month before alike."""
    average = average_cents(total, count)
    return MonthFigures(
        month=str(month),
        total=money(total),
        total_cents=total,
        count=count,
        average=money(average),
        average_cents=average,
    )


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def change(current: int, previous: int) -> Change:
    """How `current` compares with `previous`: direction and percentage (None when previous is 0)."""
    direction = 'up' if current > previous else 'down' if current < previous else 'same'
    pct = round(100 * (current - previous) / previous, 1) if previous else None
    return Change(direction, pct)


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


@dataclass(frozen=True, slots=True)
class WeekSpan:
    """The part of an ISO week (Monday to Sunday) that falls inside a month (its figures: `stats_types.Week`)."""

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


def weeks_of(month: Month, until: date | None = None) -> list[WeekSpan]:
    """The ISO weeks of a month, clipped to the month and to `until` (the last day shown): the first and
    last may be partial; none after `until`."""
    last = month.last_day if until is None else min(until, month.last_day)
    weeks = []
    start = month.first_day
    while start <= last:
        end = min(start + timedelta(days=7 - start.isoweekday()), last)
        iso_year, iso_week, _ = start.isocalendar()
        weeks.append(WeekSpan(iso_year, iso_week, start, end))
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


def week_totals(month: Month, daily: tuple[Day, ...]) -> tuple[Week, ...]:
    """The month's ISO weeks up to the last day `daily` shows, each adding up its days' totals."""
    if not daily:
        return ()
    result = []
    for week in weeks_of(month, until=daily[-1].date):
        days = daily[week.start.day - 1 : week.end.day]
        total = sum(d.total_cents for d in days)
        result.append(
            Week(
                iso_year=week.iso_year,
                iso_week=week.iso_week,
                start=week.start,
                end=week.end,
                days=len(days),
                partial=week.partial,
                label=week.label,
                total=money(total),
                total_cents=total,
                count=sum(d.count for d in days),
            )
        )
    return tuple(result)
