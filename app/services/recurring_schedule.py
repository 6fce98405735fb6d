"""The dates of a recurring rule: pure calendar arithmetic, no database, so it is tested on its own.

Every date is computed from the rule's start (the k-th date is start + k·every units), never from the
previous date: a monthly rule on the 31st gives 31 Jan, 28 Feb, 31 Mar, and not 28 Feb, 28 Mar. A day of
month past the end of a shorter month means that month's last day (Feb 29 yearly: Feb 28 in other years);
"last working day" is the month's last Monday-to-Friday (public holidays are not known). Dates before
the start (a day of month earlier than the start's day in the first month) are not part of the schedule;
`count` counts the dates from the start.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from app.services.months import MAX_YEAR

UNITS = ('day', 'week', 'month', 'year')
# per year, how many dates one rule of `every` = 1 gives: for the monthly cost of a rule
PER_YEAR = {'day': 365.25, 'week': 365.25 / 7, 'month': 12.0, 'year': 1.0}
LAST_DAY = date(MAX_YEAR, 12, 31)


@dataclass(frozen=True, slots=True)
class Schedule:
    every: int
    unit: str
    start: date
    end: date | None = None
    count: int | None = None
    day_of_month: int | None = None
    last_working_day: bool = False


def _in_month(year: int, month: int, schedule: Schedule, default_day: int) -> date:
    last = calendar.monthrange(year, month)[1]
    if schedule.last_working_day:
        day = date(year, month, last)
        while day.weekday() >= 5:  # Saturday, Sunday
            day -= timedelta(days=1)
        return day
    return date(year, month, min(schedule.day_of_month or default_day, last))


def nth(schedule: Schedule, k: int) -> date | None:
    """The k-th candidate date (k = 0, 1, ...), or None past the last year the product handles."""
    start, step = schedule.start, k * schedule.every
    try:
        if schedule.unit == 'day':
            return start + timedelta(days=step)
        if schedule.unit == 'week':
            return start + timedelta(weeks=step)
        if schedule.unit == 'month':
            index = start.year * 12 + start.month - 1 + step
            if index // 12 > MAX_YEAR:
                return None
            return _in_month(index // 12, index % 12 + 1, schedule, start.day)
        if start.year + step > MAX_YEAR:
            return None
        return _in_month(start.year + step, start.month, schedule, start.day)
    except OverflowError:
        return None


def dates(schedule: Schedule, *, after: date | None = None, until: date = LAST_DAY) -> Iterator[date]:
    """The schedule's dates later than `after` and up to `until`, in order, within its end and count."""
    k = _skip(schedule, after) if schedule.count is None else 0  # with a count, every date must be counted
    made = 0
    last = min(until, schedule.end) if schedule.end is not None else until
    while schedule.count is None or made < schedule.count:
        day = nth(schedule, k)
        k += 1
        if day is None or day > last:
            return
        if day < schedule.start:
            continue
        made += 1
        if after is None or day > after:
            yield day


def _skip(schedule: Schedule, after: date | None) -> int:
    """A k whose date is not later than `after`: a rule that began years ago need not walk its past."""
    if after is None or after <= schedule.start:
        return 0
    if schedule.unit in ('day', 'week'):
        return (after - schedule.start).days // (schedule.every * (7 if schedule.unit == 'week' else 1))
    if schedule.unit == 'month':
        months = (after.year - schedule.start.year) * 12 + after.month - schedule.start.month
        return max(0, months // schedule.every - 1)
    return max(0, (after.year - schedule.start.year) // schedule.every - 1)


def next_date(schedule: Schedule, after: date | None) -> date | None:
    """The first date of the schedule after `after` (from its start when None); None when it is over."""
    return next(dates(schedule, after=after), None)


def monthly_cents(amount_cents: int, schedule: Schedule) -> int:
    """What the rule costs in an average month, to the cent."""
    return round(amount_cents * PER_YEAR[schedule.unit] / schedule.every / 12)
