"""Which days of a month the dashboard shows: the current month stops at today, a past month is whole."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from app.services import stats
from app.services.months import Month
from app.services.stats_periods import last_day_shown, weeks_of
from tests.stats_data import household, spend

MARCH_2024 = Month(2024, 3)  # Friday 1 to Sunday 31


def test_last_day_shown_by_month() -> None:
    today = date(2024, 3, 20)
    assert last_day_shown(MARCH_2024, today) == today
    assert last_day_shown(Month(2024, 2), today) == date(2024, 2, 29)  # past: whole
    assert last_day_shown(Month(2024, 4), today) is None  # to come: nothing
    assert last_day_shown(MARCH_2024, date(2024, 3, 31)) == date(2024, 3, 31)
    # a planned expense later in the month keeps the charts adding up to the month's total
    assert last_day_shown(MARCH_2024, today, date(2024, 3, 25)) == date(2024, 3, 25)
    assert last_day_shown(MARCH_2024, today, date(2024, 3, 2)) == today
    assert last_day_shown(Month(2024, 4), today, date(2024, 4, 3)) == date(2024, 4, 3)


def test_weeks_stop_at_the_last_day_shown() -> None:
    weeks = weeks_of(MARCH_2024, until=date(2024, 3, 20))
    assert [(w.start.day, w.end.day, w.partial) for w in weeks] == [
        (1, 3, True),
        (4, 10, False),
        (11, 17, False),
        (18, 20, True),
    ]
    assert [w.label for w in weeks][-1] == 'Mar 18–20'
    assert weeks_of(MARCH_2024, until=date(2024, 2, 10)) == []


@pytest.mark.usefixtures('database')
def test_the_current_month_has_no_days_to_come() -> None:
    h = household()
    spend(h.user, 1000, '2024-03-01', h.food)
    spend(h.user, 500, '2024-03-20', h.food)
    with time_machine.travel('2024-03-20 23:00:00', tick=False):
        data = stats.dashboard(h.user, MARCH_2024)
    assert [d.day for d in data.daily_evolution] == list(range(1, 21))
    assert data.daily_evolution[-1].cumulative_cents == 1500 == data.stats.total_cents
    assert [w.label for w in data.weekly_comparison] == ['Mar 1–3', 'Week 10', 'Week 11', 'Mar 18–20']
    assert stats.daily_evolution(h.user, MARCH_2024, today=date(2024, 3, 5))[-1].date == date(2024, 3, 20)

    # the same month seen later is whole
    whole = stats.dashboard(h.user, MARCH_2024, today=date(2024, 4, 2))
    assert len(whole.daily_evolution) == 31 and len(whole.weekly_comparison) == 5


@pytest.mark.usefixtures('database')
def test_a_planned_expense_keeps_the_charts_whole() -> None:
    h = household()
    spend(h.user, 1000, '2024-03-02', h.food)
    spend(h.user, 9900, '2024-03-28', h.food, description='rent, paid ahead')
    data = stats.dashboard(h.user, MARCH_2024, today=date(2024, 3, 10))
    assert data.daily_evolution[-1].date == date(2024, 3, 28)
    assert data.daily_evolution[-1].cumulative_cents == data.stats.total_cents == 10900
    assert sum(w.total_cents for w in data.weekly_comparison) == 10900
