"""What the budgets and alerts services return: frozen dataclasses that the API serialises as they are and
the pages read by attribute. Apart from `budgets.py` only to keep it short."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from app.services.timestamps import Timestamp

__all__ = ['AlertView', 'BudgetHint', 'BudgetProgress', 'NotificationUrlView', 'Projection', 'UpcomingLike']


class UpcomingLike(Protocol):
    """A recurring expense still to come (`recurring.Upcoming` has these fields, and more)."""

    @property
    def date(self) -> dt.date: ...
    @property
    def amount_cents(self) -> int: ...
    @property
    def category_id(self) -> int | None: ...
    @property
    def payment_method_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Projection:
    """Where the month is heading: the one-off spending's pace so far carried to the end of the month, plus
    what recurring expenses still add."""

    projected_cents: int
    pace_cents: int  # the part that comes from the pace of the days still to come
    recurring_cents: int  # recurring expenses still to come this month


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetProgress:
    """A budget and where it stands in `month`. `kind` is `category`, `payment_method` or `everything`;
    `name` is the category's or payment method's name ('' for everything: the pages show a word in the
    reader's language). `available_cents` is the amount plus what rollover carried from the months before
    (negative when they were overspent); `left_cents` may be negative. `percent` is spent / available."""

    id: int
    kind: str
    name: str
    category_id: int | None
    payment_method_id: int | None
    scope: str
    rollover: bool
    thresholds: tuple[int, ...]
    owner_id: int
    created_by: str
    month: str
    amount: float
    amount_cents: int
    carried_cents: int
    available_cents: int
    spent: float
    spent_cents: int
    left: float
    left_cents: int
    percent: int
    days_left: int
    projected: float
    projected_cents: int
    recurring_cents: int
    created_at: Timestamp


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetHint:
    """What was spent on a budget's subject last month and on average over the last three: a hint for the
    amount to set."""

    last_month_cents: int
    average_cents: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertView:
    """An alert as the header, the API and the notification show it. `kind` is `budget` (a threshold of
    `budget_id` crossed in `month`) or `recurring` (a large recurring expense tomorrow)."""

    id: int
    kind: str
    budget_id: int | None
    name: str
    budget_kind: str
    month: str
    threshold: int
    spent_cents: int
    limit_cents: int
    detail: str
    created_at: Timestamp
    seen: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationUrlView:
    """A notification URL with its secrets hidden: `shown` keeps the scheme and the host only."""

    id: int
    shown: str
    created_at: Timestamp
