"""Where a budget's month is heading: the pace of the spending so far carried over the days still to come,
plus the recurring expenses still due (`recurring.upcoming`, with the subcategory of their rule)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from app.models import RecurringRule, User
from app.services import recurring
from app.services.budgets_types import Projection
from app.services.months import Month

# The pace is measured over at least this many days: on the 2nd, one weekly shop would otherwise project a
# month of fifteen of them.
MIN_PACE_DAYS = 7


def project(
    spent_cents: int, month: Month, today: date, upcoming_cents: int = 0, recurring_so_far: int = 0
) -> Projection:
    """Where the month ends. Past month: what was spent. Future month: only the recurring expenses due.
    This month: what was spent, plus the pace of the one-off spending so far (spent less the recurring
    expenses already made, over the days gone, today included, at least MIN_PACE_DAYS) times the days still
    to come, plus the recurring expenses still due (`upcoming_cents`)."""
    if month < Month.of(today):
        return Projection(projected_cents=spent_cents, pace_cents=0, recurring_cents=0)
    if month > Month.of(today):
        return Projection(projected_cents=spent_cents + upcoming_cents, pace_cents=0, recurring_cents=upcoming_cents)
    days_gone = max(today.day, MIN_PACE_DAYS)
    days_to_come = month.days - today.day
    one_off = max(0, spent_cents - recurring_so_far)
    pace = (one_off * days_to_come + days_gone // 2) // days_gone
    return Projection(
        projected_cents=spent_cents + pace + upcoming_cents, pace_cents=pace, recurring_cents=upcoming_cents
    )


def days_left(month: Month, today: date) -> int:
    """Days of `month` still open, today included (0 for a past month, all of them for a future one)."""
    if month < Month.of(today):
        return 0
    if month > Month.of(today):
        return month.days
    return month.days - today.day + 1


@dataclass(frozen=True, slots=True)
class _Coming:
    """A recurring expense still to come, with the subcategory of its rule (which `recurring.Upcoming`
    leaves out) so that a budget for a subcategory counts it."""

    date: date
    amount_cents: int
    category_id: int | None
    payment_method_id: int | None
    subcategory_id: int | None
    created_by: int | None


def upcoming_for(user: User, month: Month, today: date) -> list[_Coming]:
    """The recurring expenses of the user's household not created yet in `month` (from tomorrow when it is
    this month; none for a past month)."""
    if month < Month.of(today):
        return []
    start = today + timedelta(days=1) if month == Month.of(today) else month.first_day
    items = recurring.upcoming(user, start, month.last_day, household=True)
    if not items:
        return []
    rule_ids = list({item.rule_id for item in items})
    subcategories = dict(
        cast(
            Iterable[tuple[int, int | None]],
            RecurringRule.select(RecurringRule.id, RecurringRule.subcategory)
            .where(RecurringRule.id.in_(rule_ids))
            .tuples(),
        )
    )
    return [
        _Coming(
            date=item.date,
            amount_cents=item.amount_cents,
            category_id=item.category_id,
            payment_method_id=item.payment_method_id,
            subcategory_id=subcategories.get(item.rule_id),
            created_by=item.created_by,
        )
        for item in items
    ]
