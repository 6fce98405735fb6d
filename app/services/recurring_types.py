"""What the recurring service returns: frozen dataclasses that the API serialises as they are and the
pages read by attribute (apart from `recurring.py` only to keep it short)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.services.timestamps import Timestamp

__all__ = ['RuleRow', 'RunResult', 'Upcoming']


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleRow:
    """A recurring rule with the names of what it files under, its next date and its monthly cost.

    `amount` is the amount of the dates before `new_amount_from`, `new_amount` the one from that date on;
    `monthly_cost` is what the rule costs in an average month at today's amount."""

    id: int
    amount: float
    amount_cents: int
    category_id: int
    category: str | None
    subcategory_id: int | None
    subcategory: str | None
    payment_method_id: int | None
    payment_method: str | None
    description: str
    place: str
    every: int
    unit: str
    day_of_month: int | None
    last_working_day: bool
    start: dt.date
    end: dt.date | None
    count: int | None
    new_amount: float | None
    new_amount_cents: int | None
    new_amount_from: dt.date | None
    paused: bool
    next_date: dt.date | None
    monthly_cost: float
    monthly_cost_cents: int
    created_count: int
    owner_id: int
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp


@dataclass(frozen=True, slots=True)
class Upcoming:
    """An occurrence not created yet: what the dashboard lists and the budgets project."""

    rule_id: int
    date: dt.date
    amount_cents: int
    category_id: int | None
    payment_method_id: int | None
    description: str
    created_by: int


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one pass of the scheduler did: expenses created, rules looked at."""

    created: int
    rules: int
