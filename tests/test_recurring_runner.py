"""The scheduler: due "today" in each owner's time zone (across a DST change), catch-up after 40 days of
downtime creating each missed date exactly once, end dates and counts, and two schedulers at once (threads,
and two processes on the same SQLite file) creating each occurrence once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine

from app.db import db
from app.models import Expense, RecurringOccurrence, User
from app.services import recurring
from app.services.recurring_runner import run_due
from tests.builders import basics, make_user

pytestmark = pytest.mark.usefixtures('database')
ROOT = Path(__file__).resolve().parents[1]


def zone(user: User, name: str) -> User:
    User.update(timezone=name).where(User.id == user.id).execute()
    user.timezone = name
    return user


def rule(user: User, things: dict, **schedule) -> int:
    data = {
        'amount': '10',
        'category_id': things['food'].id,
        'payment_method_id': things['card'].id,
        'description': 'test',
        **schedule,
    }
    return recurring.create_rule(user, data).id


def dates_of(rule_id: int) -> list[date]:
    rows = RecurringOccurrence.select(RecurringOccurrence.date).where(RecurringOccurrence.rule == rule_id)
    return sorted(date.fromisoformat(str(r.date)) for r in rows)


def test_forty_days_of_downtime_create_each_missed_date_once(alice, things) -> None:
    zone(alice, 'UTC')
    with time_machine.travel('2026-02-20 09:00:00+00:00', tick=False) as traveller:
        daily = rule(alice, things, unit='day', start='2026-02-20')
        weekly = rule(alice, things, unit='week', every=2, start='2026-02-21')
        monthly = rule(alice, things, unit='month', start='2026-01-31')
        ended = rule(alice, things, unit='day', every=7, start='2026-02-20', end='2026-03-06')
        counted = rule(alice, things, unit='day', every=3, start='2026-02-20', count=4)
        assert run_due().created == 0  # the create made today's already
        before = RecurringOccurrence.select().count()
        traveller.move_to('2026-04-01 09:00:00+00:00')  # the server was down for 40 days
        result = run_due()
        assert run_due().created == 0 and result.rules == 5
    assert dates_of(daily) == [date(2026, 2, 20) + timedelta(days=n) for n in range(41)]
    assert dates_of(weekly) == [date(2026, 2, 21), date(2026, 3, 7), date(2026, 3, 21)]
    assert dates_of(monthly) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert dates_of(ended) == [date(2026, 2, 20), date(2026, 2, 27), date(2026, 3, 6)]
    assert dates_of(counted) == [date(2026, 2, 20), date(2026, 2, 23), date(2026, 2, 26), date(2026, 3, 1)]
    assert before == 1 + 0 + 1 + 1 + 1  # the 31 January one; 28 February is not due yet
    assert result.created == 40 + 3 + 2 + 2 + 3
    # each occurrence is an ordinary expense with its own date
    expenses = list(Expense.select(Expense.date).where(Expense.description == 'test'))
    assert Counter(str(e.date) for e in expenses)['2026-03-15'] == 1 + 0 + 0 + 0 + 0
    assert len(expenses) == RecurringOccurrence.select().count() == 41 + 3 + 3 + 3 + 4


def test_a_deleted_occurrence_is_not_created_again(alice, things) -> None:
    zone(alice, 'UTC')
    with time_machine.travel('2026-03-10 09:00:00+00:00', tick=False):
        made = rule(alice, things, unit='month', start='2026-03-10')
        occurrence = RecurringOccurrence.get(RecurringOccurrence.rule == made)
        Expense.delete_by_id(occurrence.expense_id)
        recurring.update_rule(alice, made, {'description': 'edited'})
        assert run_due().created == 0 and Expense.select().count() == 0


def test_due_today_follows_the_owners_time_zone_across_a_dst_change(alice, things) -> None:
    paris = zone(alice, 'Europe/Paris')
    bob = zone(make_user('bob'), 'UTC')
    with time_machine.travel('2026-01-15 12:00:00+00:00', tick=False):
        in_paris = rule(paris, things, unit='month', start='2026-02-01')
        in_utc = rule(bob, basics(bob), unit='month', start='2026-02-01')
    with time_machine.travel('2026-01-31 22:59:00+00:00', tick=False):
        run_due()  # 23:59 in Paris (CET, UTC+1)
        assert dates_of(in_paris) == [] and dates_of(in_utc) == []
    with time_machine.travel('2026-01-31 23:30:00+00:00', tick=False):
        run_due()  # 00:30 on 1 February in Paris, still 31 January in UTC
        assert dates_of(in_paris) == [date(2026, 2, 1)] and dates_of(in_utc) == []
    with time_machine.travel('2026-02-01 00:00:00+00:00', tick=False):
        run_due()
        assert dates_of(in_utc) == [date(2026, 2, 1)] and dates_of(in_paris) == [date(2026, 2, 1)]
    # Paris moves to summer time (UTC+2) at 01:00 UTC on 29 March 2026
    with time_machine.travel('2026-03-29 12:00:00+00:00', tick=False):
        daily_paris = rule(paris, things, unit='day', start='2026-03-30')
    with time_machine.travel('2026-03-29 21:59:00+00:00', tick=False):
        run_due()  # 23:59 in Paris (CEST)
        assert dates_of(daily_paris) == []
    with time_machine.travel('2026-03-29 22:30:00+00:00', tick=False):
        run_due()  # 00:30 on 30 March in Paris under summer time; winter time would still say the 29th
        assert dates_of(daily_paris) == [date(2026, 3, 30)]


def test_the_last_working_day_and_february_29_through_the_scheduler(alice, things) -> None:
    zone(alice, 'UTC')
    with time_machine.travel('2027-12-01 09:00:00+00:00', tick=False) as traveller:
        salary = rule(alice, things, unit='month', start='2027-12-01', day_of_month='last_working_day')
        leap = rule(alice, things, unit='year', start='2028-02-29')
        traveller.move_to('2029-03-01 09:00:00+00:00')
        run_due()
    assert dates_of(salary)[:3] == [date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29)]
    assert dates_of(salary)[-1] == date(2029, 2, 28) and len(dates_of(salary)) == 15
    assert dates_of(leap) == [date(2028, 2, 29), date(2029, 2, 28)]


def test_four_threads_running_the_scheduler_at_once_create_each_once(alice, things) -> None:
    zone(alice, 'UTC')
    with time_machine.travel('2026-01-01 09:00:00+00:00', tick=False):
        ids = [rule(alice, things, unit='day', start='2026-01-01') for _ in range(5)]
    barrier = threading.Barrier(4)
    failures: list[str] = []
    totals: list[int] = []

    def scheduler() -> None:
        try:
            barrier.wait(10)
            totals.append(run_due().created)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(f'{type(exc).__name__}: {exc}')
        finally:
            if not db.is_closed():
                db.close()

    with time_machine.travel('2026-02-10 09:00:00+00:00', tick=False):
        threads = [threading.Thread(target=scheduler, daemon=True) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert failures == [] and sum(totals) == 5 * 40
    for rule_id in ids:
        assert dates_of(rule_id) == [date(2026, 1, 1) + timedelta(days=n) for n in range(41)]


SCHEDULER = """
import time_machine
from app.config import get_settings, load, use_settings
from app.db import open_database
from app.services.recurring_runner import run_due
use_settings(load())
open_database(get_settings().database_url)
with time_machine.travel('2026-02-10 09:00:00+00:00', tick=False):
    print(run_due().created)
"""


def test_two_processes_running_the_scheduler_on_one_sqlite_file_create_each_once(alice, things, environment) -> None:
    zone(alice, 'UTC')
    with time_machine.travel('2026-01-01 09:00:00+00:00', tick=False):
        ids = [rule(alice, things, unit='day', start='2026-01-01') for _ in range(10)]
    db.close()
    env = {**os.environ, **environment}
    processes = [
        subprocess.Popen([sys.executable, '-c', SCHEDULER], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    assert sum(int(out.strip().splitlines()[-1]) for out in outputs) == 10 * 40
    for rule_id in ids:
        assert dates_of(rule_id) == [date(2026, 1, 1) + timedelta(days=n) for n in range(41)]
