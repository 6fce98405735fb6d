"""/sysapi statistics: the dashboard in one call, and each of its figures on its own.

In the current month, `daily_evolution` and `weekly_comparison` stop at today (or at the last expense
dated later): days that have not happened are not answered as zeros. Past months are whole.

Every route reads its period through `app.api.period` (`month=YYYY-MM`, default this month in the caller's
time zone; `scope=everyone|mine`) and `view=` (`share`: the caller's share; `paid`: what the caller paid;
`household`: every expense, whole; the default, as before views existed: see `app.services.stats_views`).
A wrong view answers 422 naming `view`. The answers are the service's own types (`app.services.stats_types`),
so each single route answers exactly the matching part of `/sysapi/dashboard-data`.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES
from app.api.period import Period, month_period
from app.models import User
from app.services import stats, stats_views

router = APIRouter(responses=ERROR_RESPONSES)


def stats_view(
    view: str = Query(
        stats_views.DEFAULT_VIEW,
        description='share (your share of the expenses), paid (what you paid) or household (every expense, whole)',
        max_length=20,
    ),
) -> str:
    return stats_views.check_view(view)


View = Depends(stats_view)


@router.get('/dashboard-data', response_model=stats.Dashboard, summary='Every figure of the dashboard in one call')
def dashboard_data(
    period: Period = Depends(month_period), view: str = View, user: User = Depends(api_user)
) -> stats.Dashboard:
    return stats.dashboard(user, period.month, period.scope, view=view)


@router.get('/stats', response_model=stats.Summary, summary='Key figures of a month, compared with the month before')
def month_stats(
    period: Period = Depends(month_period), view: str = View, user: User = Depends(api_user)
) -> stats.Summary:
    return stats.summary(user, period.month, period.scope, view)


@router.get(
    '/daily_evolution', response_model=list[stats.Day], summary='Total of each day of a month and running total'
)
def daily_evolution(
    period: Period = Depends(month_period), view: str = View, user: User = Depends(api_user)
) -> tuple[stats.Day, ...]:
    return stats.daily_evolution(user, period.month, period.scope, view=view)


@router.get(
    '/category_distribution',
    response_model=list[stats.CategoryShare],
    summary='Totals by category and subcategory',
)
def category_distribution(
    period: Period = Depends(month_period), view: str = View, user: User = Depends(api_user)
) -> tuple[stats.CategoryShare, ...]:
    return stats.category_distribution(user, period.month, period.scope, view)


@router.get('/weekly_comparison', response_model=list[stats.Week], summary='Totals of the ISO weeks of a month')
def weekly_comparison(
    period: Period = Depends(month_period), view: str = View, user: User = Depends(api_user)
) -> tuple[stats.Week, ...]:
    return stats.weekly_comparison(user, period.month, period.scope, view=view)


@router.get(
    '/payment_method_stats', response_model=list[stats.PaymentShare], summary='Totals by payment method of a month'
)
def payment_method_stats(
    period: Period = Depends(month_period), view: str = View, user: User = Depends(api_user)
) -> tuple[stats.PaymentShare, ...]:
    return stats.payment_method_stats(user, period.month, period.scope, view)


@router.get('/top_expenses', response_model=list[stats.TopExpense], summary='The largest expenses of a month')
def top_expenses(
    period: Period = Depends(month_period),
    limit: int = Query(stats.TOP_DEFAULT, ge=1, le=stats.TOP_MAX, description='how many, 1 to 100'),
    view: str = View,
    user: User = Depends(api_user),
) -> tuple[stats.TopExpense, ...]:
    return stats.top_expenses(user, period.month, limit, period.scope, view)


@router.get(
    '/year_overview', response_model=stats.YearOverview, summary='The 12 months of the year of `month`, by category'
)
def year_overview(
    period: Period = Depends(month_period), view: str = View, user: User = Depends(api_user)
) -> stats.YearOverview:
    return stats.year_overview(user, period.month.year, period.scope, view)
