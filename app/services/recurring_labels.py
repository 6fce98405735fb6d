"""How a schedule reads in words ("every 2 weeks", "every month, on day 15"): lazy messages that the page
and the CLI render in their own language, never stored."""

from __future__ import annotations

from app.i18n import Message, Plural


def every_label(every: int, unit: str) -> Message:
    if unit == 'day':
        return Plural('every day', 'every {n} days', n=every)
    if unit == 'week':
        return Plural('every week', 'every {n} weeks', n=every)
    if unit == 'month':
        return Plural('every month', 'every {n} months', n=every)
    return Plural('every year', 'every {n} years', n=every)


def schedule_label(every: int, unit: str, day_of_month: int | None, last_working_day: bool) -> Message:
    """The interval, with the day of the month when one is set."""
    interval = every_label(every, unit)
    if last_working_day:
        return Message('{interval}, last working day', interval=interval)
    if day_of_month == 31:
        return Message('{interval}, last day of the month', interval=interval)
    if day_of_month:
        return Message('{interval}, on day {day}', interval=interval, day=day_of_month)
    return interval
