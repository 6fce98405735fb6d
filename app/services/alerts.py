"""Alerts: a budget crossing one of its thresholds (80 % and 100 % unless set otherwise) in a month, and,
when a user asks for it, a large recurring expense due tomorrow.

Each alert is a row per recipient with a `key` (`budget:<id>:<YYYY-MM>:<threshold>`,
`recurring:<rule>:<YYYY-MM-DD>`); (user, key) is unique and rows are inserted with INSERT ... ON CONFLICT
DO NOTHING, so an alert fires once whatever the number of processes checking, restarts and checks. The
recipients of a budget's alert are its owner, and for a household budget (`scope=everyone`) the users
linked to the owner: those whose spending it counts.

In the app an alert is shown once as a notification (`notified_at`) and stays in the header's badge until
seen (`seen_at`). Delivery through the user's notification URLs is `app/services/notify.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.db import write_transaction
from app.models import Alert, AlertPreference, Budget, User, utcnow
from app.services import access, budgets, clock, recurring
from app.services.budgets_types import AlertView, BudgetProgress, UpcomingLike
from app.services.months import Month
from app.services.timestamps import as_utc

MAX_LISTED = 50


def crossed(progress: BudgetProgress) -> tuple[int, ...]:
    """The thresholds `progress` has reached: spent ≥ threshold % of what is available. With nothing
    available (rollover of an overspent month), any spending reaches them all."""
    if progress.available_cents <= 0:
        return progress.thresholds if progress.spent_cents > 0 else ()
    return tuple(t for t in progress.thresholds if progress.spent_cents * 100 >= t * progress.available_cents)


def recipients(budget: Budget) -> list[int]:
    return budgets.recipients(budget)


def _budget_rows(progress: BudgetProgress, budget: Budget) -> list[dict[str, Any]]:
    return [
        {
            'user': user_id,
            'key': f'budget:{budget.id}:{progress.month}:{threshold}',
            'kind': 'budget',
            'budget': budget.id,
            'month': progress.month,
            'threshold': threshold,
            'spent_cents': progress.spent_cents,
            'limit_cents': progress.available_cents,
            'created_at': utcnow(),
        }
        for threshold in crossed(progress)
        for user_id in recipients(budget)
    ]


def _insert(rows: list[dict[str, Any]]) -> int:
    """Insert what is new, ignore what exists (the unique (user, key)); returns how many were new."""
    if not rows:
        return 0
    fired = 0
    with write_transaction():
        for row in rows:  # one by one: a batch's rowcount is not the number inserted on every database
            cursor = Alert.insert(**row).on_conflict_ignore().as_rowcount().execute()
            fired += 1 if cursor else 0
    return fired


def check_budgets(owner_ids: Iterable[int] | None = None, *, today: date | None = None) -> int:
    """Fire the alerts of the budgets (of `owner_ids`, or all) that crossed a threshold this month; returns
    how many new alert rows were made. Safe to run as often and in as many processes as one likes."""
    query = Budget.select(Budget, User.timezone.alias('owner_timezone')).join(User, on=(Budget.owner == User.id))
    if owner_ids is not None:
        query = query.where(Budget.owner.in_(list(owner_ids)))
    rows: list[dict[str, Any]] = []
    for budget in query.objects():
        day = today or clock.today(getattr(budget, 'owner_timezone', '') or None)
        progress = budgets.progress_of(budget, Month.of(day), day, names={})
        rows += _budget_rows(progress, budget)
    return _insert(rows)


def check_for(user: User, *, today: date | None = None) -> int:
    """The budgets `user` sees: checked when they open a page, so that an expense that just crossed a
    threshold shows at once, without waiting for the background check."""
    return check_budgets(access.visible_owner_ids(user), today=today)


def check_recurring(user_id: int, upcoming: Sequence[UpcomingLike], large_cents: int, tomorrow: date) -> int:
    """The day before a recurring expense of at least `large_cents`: one alert per rule and date."""
    rows = [
        {
            'user': user_id,
            'key': f'recurring:{getattr(item, "rule_id", 0)}:{item.date.isoformat()}',
            'kind': 'recurring',
            'month': str(Month.of(item.date)),
            'spent_cents': item.amount_cents,
            'limit_cents': large_cents,
            'detail': str(getattr(item, 'description', '') or '')[:200],
            'created_at': utcnow(),
        }
        for item in upcoming
        if large_cents > 0 and item.date == tomorrow and item.amount_cents >= large_cents
    ]
    return _insert(rows)


def check_large_recurring(user_ids: Iterable[int] | None = None, *, today: date | None = None) -> int:
    """For the users who asked for it (Settings › Notifications): an alert the day before each recurring
    expense of their household of at least the amount they set."""
    query = (
        AlertPreference.select(AlertPreference, User)
        .join(User, on=(AlertPreference.user == User.id))
        .where((AlertPreference.large_recurring_cents > 0) & User.deleted_at.is_null())
    )
    if user_ids is not None:
        query = query.where(AlertPreference.user.in_(list(user_ids)))
    fired = 0
    for preference in query:
        user = preference.user
        tomorrow = (today or clock.today(user.timezone)) + timedelta(days=1)
        items = recurring.upcoming(user, tomorrow, tomorrow, household=True)
        fired += check_recurring(user.id, items, int(preference.large_recurring_cents), tomorrow)
    return fired


# --- in the app ---------------------------------------------------------------------------------------


def alert_views(query: Any) -> tuple[AlertView, ...]:
    listed = list(query.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(MAX_LISTED))
    ids = {a.budget_id for a in listed if a.budget_id is not None}
    names = {}
    if ids:
        for row in budgets.with_names(Budget.id.in_(list(ids))):
            names[row.id] = budgets.names_of(row, {})
    views = []
    for alert in listed:
        name, kind, _by = names.get(alert.budget_id, ('', 'everything', ''))
        views.append(
            AlertView(
                id=alert.id,
                kind=alert.kind,
                budget_id=alert.budget_id,
                name=name,
                budget_kind=kind if alert.kind == 'budget' else '',
                month=alert.month,
                threshold=alert.threshold,
                spent_cents=int(alert.spent_cents),
                limit_cents=int(alert.limit_cents),
                detail=alert.detail,
                created_at=as_utc(alert.created_at),
                seen=alert.seen_at is not None,
            )
        )
    return tuple(views)


def list_alerts(user: User, *, unseen: bool = False) -> tuple[AlertView, ...]:
    """The user's latest alerts, newest first (at most 50)."""
    condition = Alert.user == user.id
    if unseen:
        condition &= Alert.seen_at.is_null()
    return alert_views(Alert.select().where(condition))


def unseen_count(user: User) -> int:
    return Alert.select().where((Alert.user == user.id) & Alert.seen_at.is_null()).count()


def highest_only(views: Sequence[AlertView]) -> tuple[AlertView, ...]:
    """Drop a budget alert when the same budget crossed a higher threshold in the same month among `views`:
    an expense that jumps from 70 % to 110 % says "over budget" once, not "80 % reached" and "over" together."""
    top: dict[tuple[int | None, str], int] = {}
    for view in views:
        if view.kind == 'budget':
            key = (view.budget_id, view.month)
            top[key] = max(top.get(key, view.threshold), view.threshold)
    return tuple(v for v in views if v.kind != 'budget' or v.threshold == top[(v.budget_id, v.month)])


def superseded(alert: Alert) -> bool:
    """Whether a higher threshold of the same budget and month has fired for the same user (so sending this
    lower one now would only repeat, in a weaker voice, what the higher one says)."""
    if alert.kind != 'budget':
        return False
    return (
        Alert.select()
        .where(
            (Alert.user == alert.user_id)
            & (Alert.kind == 'budget')
            & (Alert.budget == alert.budget_id)
            & (Alert.month == alert.month)
            & (Alert.threshold > alert.threshold)
        )
        .exists()
    )


def take_new(user: User) -> tuple[AlertView, ...]:
    """The alerts not yet shown as a notification, marked as shown: each is announced once, on the visit
    after it fired, and of one budget's thresholds crossed together only the highest."""
    with write_transaction():
        fresh = alert_views(Alert.select().where((Alert.user == user.id) & Alert.notified_at.is_null()))
        if fresh:
            Alert.update(notified_at=utcnow()).where(Alert.id.in_([a.id for a in fresh])).execute()
    return highest_only(fresh)


def mark_seen(user: User) -> int:
    """Clear the badge: every alert of the user is seen (and needs no notification any more)."""
    now = utcnow()
    with write_transaction():
        Alert.update(notified_at=now).where((Alert.user == user.id) & Alert.notified_at.is_null()).execute()
        return int(Alert.update(seen_at=now).where((Alert.user == user.id) & Alert.seen_at.is_null()).execute())


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertsState:
    """What the header shows on a page visit: how many alerts are unseen, and those to announce now."""

    unseen: int
    fresh: tuple[AlertView, ...]


def page_state(user: User) -> AlertsState:
    """Check the budgets `user` sees, then count the unseen alerts and take the ones to announce: one call
    per page visit, so that an expense that crossed a threshold shows on the next page opened."""
    check_for(user)
    check_large_recurring([user.id])
    fresh = take_new(user)
    return AlertsState(unseen=unseen_count(user), fresh=fresh)
