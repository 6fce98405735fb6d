"""What the dashboard's figures are: the typed results of `app.services.stats`.

The page reads their attributes and `/sysapi` serialises them as they are (`response_model=` these types),
so a figure is declared once. Every amount comes twice: `*_cents` (exact integers that add up) and the
same amount as a number rounded to cents, as the API has always answered. Sequences are tuples (JSON
arrays); days are `date`s (`YYYY-MM-DD` in JSON); months are `YYYY-MM` text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Change:
    """How a figure compares with the month before."""

    direction: str  # up | down | same
    percent: float | None  # None when the month before is zero


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes:
    total: Change
    count: Change
    average: Change
    highest: Change


@dataclass(frozen=True, slots=True, kw_only=True)
class TopExpense:
    """One of the month's largest expenses, with the names a reader needs (a deleted payment method or
    category is named as such)."""

    id: int
    date: dt.date
    amount: float
    amount_cents: int
    description: str
    category_id: int | None
    category: str
    subcategory_id: int | None
    subcategory: str | None
    payment_method_id: int | None
    payment_method: str
    owner_id: int
    owner: str  # the owner's username when linked users are counted together; '' otherwise
    currency: str | None = None  # its own currency (issue 20); None: recorded before currencies
    original_amount: float | None = None  # its whole amount in that currency
    whole_cents: int | None = None  # view=share: the whole expense (counted), when `amount_cents` is a part


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthTotals:
    """What the key figures of a month and of the month before have in common."""

    month: str
    total: float
    total_cents: int
    count: int
    average: float  # per expense, rounded half up to the cent
    average_cents: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviousMonth(MonthTotals):
    highest: float
    highest_cents: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary(MonthTotals):
    """The month's key figures, and the month before for comparison."""

    highest: TopExpense | None  # None in a month without expenses
    previous: PreviousMonth
    change: Changes


@dataclass(frozen=True, slots=True, kw_only=True)
class Day:
    date: dt.date
    day: int
    total: float
    total_cents: int
    count: int
    cumulative: float  # the running total of the month up to this day
    cumulative_cents: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SubcategoryShare:
    subcategory_id: int | None  # None: the category's expenses without a subcategory
    subcategory_ids: tuple[int, ...]  # linked users' subcategories of the same name, merged
    name: str
    color: str
    total: float
    total_cents: int
    count: int
    percent: float  # of its category


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryShare:
    category_id: int  # the viewer's own category when the group has one
    category_ids: tuple[int, ...]  # linked users' categories of the same name, merged
    name: str
    color: str
    total: float
    total_cents: int
    count: int
    percent: float  # of the month
    subcategories: tuple[SubcategoryShare, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Week:
    """The part of an ISO week that falls in the month (and has happened), with its total."""

    iso_year: int
    iso_week: int
    start: dt.date
    end: dt.date
    days: int
    partial: bool
    label: str  # 'Week 6', or the dates of a partial week: 'Feb 1–4'
    total: float
    total_cents: int
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentShare:
    payment_method_id: int | None  # None: the expenses without a payment method
    payment_method_ids: tuple[int, ...]  # linked users' payment methods of the same name, merged
    name: str
    total: float
    total_cents: int
    count: int
    percent: float


@dataclass(frozen=True, slots=True, kw_only=True)
class YearCategory:
    """One category's stack in the year chart: an amount for each month, January first."""

    category_id: int
    category_ids: tuple[int, ...]
    name: str
    color: str
    totals: tuple[float, ...]
    totals_cents: tuple[int, ...]
    total_cents: int


@dataclass(frozen=True, slots=True, kw_only=True)
class YearOverview:
    year: int
    months: tuple[str, ...]  # the 12 months, YYYY-MM
    totals: tuple[float, ...]
    totals_cents: tuple[int, ...]
    total_cents: int
    categories: tuple[YearCategory, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Dashboard:
    """Every figure of the dashboard for one month, read in one snapshot."""

    month: str
    previous_month: str
    next_month: str
    currency: str
    locale: str
    view: str  # share | paid | household: how the figures count (app.services.stats_views)
    stats: Summary
    daily_evolution: tuple[Day, ...]
    category_distribution: tuple[CategoryShare, ...]
    weekly_comparison: tuple[Week, ...]
    payment_method_stats: tuple[PaymentShare, ...]
    top_expenses: tuple[TopExpense, ...]
    year_overview: YearOverview
