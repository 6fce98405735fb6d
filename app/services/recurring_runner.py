"""The scheduler: creates the expenses that recurring rules have made due, exactly once each.

There is no cron: the server runs `run_due` at start-up and on a timer (app/startup.py), and
`manage.py recurring run` does the same for a service manager that prefers its own timer.

Exactly once, even with several processes: each rule is handled in its own write transaction, which on
SQLite takes the write lock first (BEGIN IMMEDIATE), so a second process waits and then reads the rule's
`done_through` as the first one left it; on PostgreSQL the unique index on (rule, date) refuses a twin and
that rule's transaction is rolled back (the other process made the same expenses). After downtime, every
missed date is created with its own date; at most MAX_CATCH_UP per rule per pass (a pass every few minutes
finishes a longer backlog), so one pass never holds the write lock for long.

"Today" is the rule owner's today, in their time zone (or the server's when they set none).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from peewee import IntegrityError

from app.config import get_settings
from app.db import write_transaction
from app.models import Expense, RecurringOccurrence, RecurringRule, User
from app.services.recurring_schedule import Schedule, dates
from app.services.recurring_types import RunResult
from app.services.timestamps import as_date

log = logging.getLogger(__name__)

MAX_CATCH_UP = 1000  # expenses one rule creates in one pass (one transaction)
INTERVAL_SECONDS = 300  # how often the server looks for due occurrences


def local_today(timezone: str | None, now: datetime | None = None) -> date:
    """The date at `now` (default: now) in `timezone`, or in the server's configured zone, or local."""
    moment = now or datetime.now(UTC)
    for name in (timezone, get_settings().timezone):
        if name:
            try:
                return moment.astimezone(ZoneInfo(name)).date()
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return moment.astimezone().date()


def owner_today(owner_id: int, now: datetime | None = None) -> date:
    owner = User.select(User.timezone).where(User.id == owner_id).first()
    return local_today(owner.timezone if owner is not None else None, now)


def schedule_of(rule: RecurringRule) -> Schedule:
    return Schedule(
        every=rule.every,
        unit=rule.unit,
        start=as_date(rule.start_date),
        end=as_date(rule.end_date) if rule.end_date is not None else None,
        count=rule.count,
        day_of_month=rule.day_of_month,
        last_working_day=bool(rule.last_working_day),
    )


def amount_on(rule: RecurringRule, day: date) -> int:
    """The amount of the occurrence on `day`: the new amount from its date on."""
    since = rule.new_amount_from
    if rule.new_amount_cents is not None and since is not None and day >= as_date(since):
        return int(rule.new_amount_cents)
    return int(rule.amount_cents)


def done_through(rule: RecurringRule) -> date | None:
    return as_date(rule.done_through) if rule.done_through is not None else None


def catch_up(rule: RecurringRule, today: date, limit: int = MAX_CATCH_UP) -> int:
    """Create the rule's occurrences due up to `today` that are not created yet; returns how many.

    Runs inside the caller's write transaction. A paused rule creates nothing. A date that has an
    occurrence already (its expense may have been deleted by hand since) is not created again."""
    with write_transaction():  # a savepoint inside a caller's transaction
        if rule.paused:
            return 0
        after = done_through(rule)
        if after is not None and after >= today:
            return 0
        taken_query = RecurringOccurrence.select(RecurringOccurrence.date).where(RecurringOccurrence.rule == rule.id)
        if after is not None:
            taken_query = taken_query.where(RecurringOccurrence.date > after)
        taken = {as_date(row.date) for row in taken_query}
        made = 0
        reached = today
        for day in dates(schedule_of(rule), after=after, until=today):
            if made >= limit:
                reached = day - timedelta(days=1)
                break
            if day in taken:
                continue
            expense = Expense.create(
                owner=rule.owner_id,
                amount_cents=amount_on(rule, day),
                date=day,
                category=rule.category_id,
                subcategory=rule.subcategory_id,
                payment_method=rule.payment_method_id,
                description=rule.description,
                place=rule.place,
            )
            RecurringOccurrence.create(rule=rule.id, date=day, expense=expense.id)
            made += 1
        RecurringRule.update(done_through=reached).where(RecurringRule.id == rule.id).execute()
        rule.done_through = reached
        return made


def run_due(now: datetime | None = None) -> RunResult:
    """One pass over every active rule: create what is due by now, in each owner's time zone."""
    rows = cast(
        Iterable[tuple[int, date | str | None, str]],
        RecurringRule.select(RecurringRule.id, RecurringRule.done_through, User.timezone)
        .join(User, on=(RecurringRule.owner == User.id))
        .where(~RecurringRule.paused)
        .tuples(),
    )
    created = looked = 0
    for rule_id, through, timezone in list(rows):
        today = local_today(timezone, now)
        if through is not None and as_date(through) >= today:
            continue  # nothing can be due: checked without taking the write lock
        looked += 1
        try:
            with write_transaction():
                rule = RecurringRule.get_or_none(RecurringRule.id == rule_id)  # as the last writer left it
                if rule is not None:
                    created += catch_up(rule, today)
        except IntegrityError:
            log.info('recurring rule %s: another process created its occurrences first', rule_id)
    if created:
        log.info('recurring rules: %s expenses created', created)
    return RunResult(created=created, rules=looked)
