"""/sysapi statistics: the dashboard in one call, and each of its figures on its own.

In the current month, `daily_evolution` and `weekly_comparison` stop at today (or at the last expense
dated later): days that have not happened are not answered as zeros. Past months are whole.

Every route reads `month=YYYY-MM` (default: this month in the caller's time zone) and `scope=`
(`everyone`: the caller and the users linked to them, the default; `mine`: the caller alone). Each
single route answers exactly the matching part of `/sysapi/dashboard-data`: same service, same shapes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES
from app.models import User
from app.services import clock, stats
from app.services.months import Month, parse_month

router = APIRouter(responses=ERROR_RESPONSES)

MONTH_QUERY = Query('', description='YYYY-MM; empty or absent: the current month', max_length=20)
SCOPE_QUERY = Query('everyone', description='everyone (you and your linked users) or mine', max_length=20)


class Change(BaseModel):
    direction: str  # up | down | same
    percent: float | None  # None when the previous month is zero


class ChangeSet(BaseModel):
    total: Change
    count: Change
    average: Change
    highest: Change


class TopExpense(BaseModel):
    id: int
    date: str
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
    owner: str


class PreviousMonth(BaseModel):
    month: str
    total: float
    total_cents: int
    count: int
    average: float
    average_cents: int
    highest: float
    highest_cents: int


class Stats(BaseModel):
    month: str
    total: float
    total_cents: int
    count: int
    average: float
    average_cents: int
    highest: TopExpense | None
    previous: PreviousMonth
    change: ChangeSet


class Day(BaseModel):
    date: str
    day: int
    total: float
    total_cents: int
    count: int
    cumulative: float
    cumulative_cents: int


class Subcategory(BaseModel):
    subcategory_id: int | None  # None: the expenses without a subcategory
    subcategory_ids: list[int]  # linked users' subcategories of the same name, merged
    name: str
    color: str
    total: float
    total_cents: int
    count: int
    percent: float


class CategoryShare(BaseModel):
    category_id: int
    category_ids: list[int]  # linked users' categories of the same name, merged
    name: str
    color: str
    total: float
    total_cents: int
    count: int
    percent: float
    subcategories: list[Subcategory]


class WeekTotal(BaseModel):
    iso_year: int
    iso_week: int
    start: str
    end: str
    days: int
    partial: bool
    label: str
    total: float
    total_cents: int
    count: int


class PaymentMethodShare(BaseModel):
    payment_method_id: int | None  # None: expenses without a payment method
    payment_method_ids: list[int]
    name: str
    total: float
    total_cents: int
    count: int
    percent: float


class YearCategory(BaseModel):
    category_id: int
    category_ids: list[int]
    name: str
    color: str
    totals: list[float]
    totals_cents: list[int]
    total_cents: int


class YearOverview(BaseModel):
    year: int
    months: list[str]
    totals: list[float]
    totals_cents: list[int]
    total_cents: int
    categories: list[YearCategory]


class DashboardData(BaseModel):
    month: str
    previous_month: str
    next_month: str
    currency: str
    locale: str
    stats: Stats
    daily_evolution: list[Day]
    category_distribution: list[CategoryShare]
    weekly_comparison: list[WeekTotal]
    payment_method_stats: list[PaymentMethodShare]
    top_expenses: list[TopExpense]
    year_overview: YearOverview


def _month(user: User, value: str) -> Month:
    return parse_month(value, default=clock.today(user.timezone))


@router.get('/dashboard-data', response_model=DashboardData, summary='Every figure of the dashboard in one call')
def dashboard_data(month: str = MONTH_QUERY, scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    return stats.dashboard(user, _month(user, month), scope)


@router.get('/stats', response_model=Stats, summary='Key figures of a month, compared with the month before')
def month_stats(month: str = MONTH_QUERY, scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    return stats.summary(user, _month(user, month), scope)


@router.get('/daily_evolution', response_model=list[Day], summary='Total of each day of a month and running total')
def daily_evolution(month: str = MONTH_QUERY, scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    return stats.daily_evolution(user, _month(user, month), scope)


@router.get('/category_distribution', response_model=list[CategoryShare], summary='Totals by category and subcategory')
def category_distribution(month: str = MONTH_QUERY, scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    return stats.category_distribution(user, _month(user, month), scope)


@router.get('/weekly_comparison', response_model=list[WeekTotal], summary='Totals of the ISO weeks of a month')
def weekly_comparison(month: str = MONTH_QUERY, scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    return stats.weekly_comparison(user, _month(user, month), scope)


@router.get(
    '/payment_method_stats', response_model=list[PaymentMethodShare], summary='Totals by payment method of a month'
)
def payment_method_stats(month: str = MONTH_QUERY, scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    return stats.payment_method_stats(user, _month(user, month), scope)


@router.get('/top_expenses', response_model=list[TopExpense], summary='The largest expenses of a month')
def top_expenses(
    month: str = MONTH_QUERY,
    limit: int = Query(stats.TOP_DEFAULT, ge=1, le=stats.TOP_MAX, description='how many, 1 to 100'),
    scope: str = SCOPE_QUERY,
    user: User = Depends(api_user),
):
    return stats.top_expenses(user, _month(user, month), limit, scope)


@router.get('/year_overview', response_model=YearOverview, summary='The 12 months of the year of `month`, by category')
def year_overview(month: str = MONTH_QUERY, scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    return stats.year_overview(user, _month(user, month).year, scope)
