"""/sysapi/rates (issue 20, item 4): the exchange rates the household's conversions use, and an expense's
`currency` field (`CurrencyField`, mixed into the expense bodies of app/api/expenses.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, BeforeValidator, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.api.fields import Text, _refuse_booleans
from app.models import User
from app.services import rates
from app.services.rates import RateList, RateView

router = APIRouter(responses={**ERROR_RESPONSES, 403: {'model': ErrorBody, 'description': 'Not an administrator'}})

Rate = Annotated[
    str | int | float,
    BeforeValidator(_refuse_booleans('rate', 'a rate', '1.0845')),
    Field(description='Units of the currency for one euro, more than zero: "1.0845" or 161', examples=['1.0845']),
]


class CurrencyField(BaseModel):
    currency: Text = Field(
        None,
        max_length=10,
        description="ISO 4217 code of the amount's currency; empty: the household's. The amount is kept in it "
        "and counted converted into the household's currency at the rate of the expense's date.",
        examples=['USD'],
    )


class RateSet(BaseModel):
    currency: str = Field(max_length=10, description='ISO 4217 code (not EUR, the base)', examples=['USD'])
    rate: Rate
    date: Text = Field(None, description='YYYY-MM-DD; today when empty', examples=['2026-01-15'])


@router.get('/rates', response_model=RateList)
def api_rates(
    currency: str = Query('', max_length=10, description='Only this currency (ISO 4217)'),
    since: str = Query('', max_length=20, description='From this date, YYYY-MM-DD'),
    until: str = Query('', max_length=20, description='Up to this date, YYYY-MM-DD'),
    limit: int = Query(100, ge=1, le=rates.MAX_LIST),
    user: User = Depends(api_user),
) -> RateList:
    """Exchange rates newest first (units of each currency for one euro; `source` manual or fetched), and the
    dates and currencies whose rate is missing for expenses you see (they count once it arrives)."""
    return rates.list_rates(user, currency, since, until, limit)


@router.post(
    '/rates',
    response_model=RateView,
    openapi_extra=body_docs(RateSet),
    responses={403: {'model': ErrorBody, 'description': 'Not an administrator'}},
)
def api_rate_set(user: User = Depends(api_user), body: RateSet = body_of(RateSet)) -> RateView:
    """Enter the rate of a currency for a date by hand (administrators): it wins over a fetched one, and the
    expenses it converts are counted again at once."""
    return rates.set_rate(user, body.currency, body.rate, body.date)
