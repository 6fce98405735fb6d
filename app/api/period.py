"""The period a /sysapi route covers, read and checked in one place for every route that lists or sums.

`month=YYYY-MM` (empty or absent: this month in the caller's time zone) and `scope=` (`everyone`: the
caller and the users linked to them, the default; `mine`: the caller alone). A route takes
`period: Period = Depends(month_period)`; the exports, which may cover every month, take
`Depends(any_period)`, where `month=all` gives `month=None`. A wrong month or scope is refused before the
route runs, with `field` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Query

from app.api.deps import api_user
from app.models import User
from app.services import access, clock
from app.services.months import Month, parse_month

SCOPE_QUERY = Query('everyone', description='everyone (you and your linked users) or mine', max_length=20)


@dataclass(frozen=True, slots=True)
class Period:
    month: Month
    scope: str


@dataclass(frozen=True, slots=True)
class AnyPeriod:
    month: Month | None  # None: every month (month=all)
    scope: str


def month_period(
    month: str = Query('', description='YYYY-MM; empty or absent: the current month', max_length=20),
    scope: str = SCOPE_QUERY,
    user: User = Depends(api_user),
) -> Period:
    return Period(parse_month(month, default=clock.today(user.timezone)), access.check_scope(scope))


def any_period(
    month: str = Query('', description='YYYY-MM, or all for every expense; empty: the current month', max_length=20),
    scope: str = SCOPE_QUERY,
    user: User = Depends(api_user),
) -> AnyPeriod:
    if month.strip().lower() == 'all':
        return AnyPeriod(None, access.check_scope(scope))
    period = month_period(month, scope, user)
    return AnyPeriod(period.month, period.scope)
