"""The calendar of recurring rules: month ends, leap years, Feb 29 yearly, fortnights across a year end,
the last working day, end dates and counts. Pure arithmetic: no database."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.services.recurring_schedule import Schedule, dates, monthly_cents, next_date


def listed(schedule: Schedule, until: date) -> list[date]:
    return list(dates(schedule, until=until))


def test_the_31st_is_the_last_day_of_shorter_months() -> None:
    monthly = Schedule(every=1, unit='month', start=date(2027, 1, 31))
    assert listed(monthly, date(2027, 5, 31)) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),  # computed from the start, not from the previous date: not stuck on the 28th
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    leap = Schedule(every=1, unit='month', start=date(2028, 1, 15), day_of_month=31)
    assert listed(leap, date(2028, 4, 30)) == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


def test_a_day_of_month_before_the_start_begins_next_month() -> None:
    rent = Schedule(every=1, unit='month', start=date(2026, 1, 20), day_of_month=5)
    assert listed(rent, date(2026, 3, 31)) == [date(2026, 2, 5), date(2026, 3, 5)]


def test_yearly_on_february_29() -> None:
    birthday = Schedule(every=1, unit='year', start=date(2028, 2, 29))
    assert listed(birthday, date(2033, 12, 31)) == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
        date(2033, 2, 28),
    ]


def test_fortnightly_across_the_year_end() -> None:
    pay = Schedule(every=2, unit='week', start=date(2026, 12, 11))
    assert listed(pay, date(2027, 1, 31)) == [
        date(2026, 12, 11),
        date(2026, 12, 25),
        date(2027, 1, 8),
        date(2027, 1, 22),
    ]


def test_every_n_days_and_quarterly() -> None:
    assert listed(Schedule(every=10, unit='day', start=date(2026, 2, 20)), date(2026, 3, 15)) == [
        date(2026, 2, 20),
        date(2026, 3, 2),
        date(2026, 3, 12),
    ]
    quarterly = Schedule(every=3, unit='month', start=date(2026, 11, 30))
    assert listed(quarterly, date(2027, 9, 1)) == [
        date(2026, 11, 30),
        date(2027, 2, 28),
        date(2027, 5, 30),
        date(2027, 8, 30),
    ]


def test_the_last_working_day() -> None:
    salary = Schedule(every=1, unit='month', start=date(2026, 1, 1), last_working_day=True)
    # Jan 2026 ends on a Saturday, May 2026 on a Sunday, Feb 2026 on a Saturday
    assert listed(salary, date(2026, 5, 31)) == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 29),
    ]


def test_an_end_date_and_a_count_stop_the_schedule() -> None:
    ended = Schedule(every=1, unit='month', start=date(2026, 1, 10), end=date(2026, 3, 10))
    assert listed(ended, date(2030, 1, 1)) == [date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)]
    counted = Schedule(every=1, unit='week', start=date(2026, 1, 1), count=3)
    assert listed(counted, date(2030, 1, 1)) == [date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15)]
    # the count counts from the start, whatever was dealt with already
    assert list(dates(counted, after=date(2026, 1, 8), until=date(2030, 1, 1))) == [date(2026, 1, 15)]
    assert next_date(counted, date(2026, 1, 15)) is None
    # a day of month earlier than the start's in the first month is not one of the count
    rent = Schedule(every=1, unit='month', start=date(2026, 1, 20), day_of_month=5, count=2)
    assert listed(rent, date(2030, 1, 1)) == [date(2026, 2, 5), date(2026, 3, 5)]


def test_the_monthly_cost() -> None:
    assert monthly_cents(1000, Schedule(every=1, unit='month', start=date(2026, 1, 1))) == 1000
    assert monthly_cents(12000, Schedule(every=1, unit='year', start=date(2026, 1, 1))) == 1000
    assert monthly_cents(1000, Schedule(every=2, unit='week', start=date(2026, 1, 1))) == 2174  # 26.09 a year / 12
    assert monthly_cents(300, Schedule(every=3, unit='month', start=date(2026, 1, 1))) == 100


@given(
    unit=st.sampled_from(['day', 'week', 'month', 'year']),
    every=st.integers(1, 5),
    start=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    after_days=st.integers(0, 4000),
)
def test_skipping_ahead_gives_the_same_dates_as_walking(unit: str, every: int, start: date, after_days: int) -> None:
    """`dates(after=...)` jumps over a long past; it must give what walking from the start gives."""
    from datetime import timedelta

    schedule = Schedule(every=every, unit=unit, start=start, day_of_month=31 if unit == 'month' else None)
    after = start + timedelta(days=after_days)
    until = after + timedelta(days=800)
    walked = [d for d in dates(schedule, until=until) if d > after]
    assert list(dates(schedule, after=after, until=until)) == walked
