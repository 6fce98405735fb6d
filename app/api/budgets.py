"""/sysapi routes for budgets (list with progress, create, update, delete) and the caller's alerts.

The names follow the reference's `noun_verb` style of the routes beside them (`/budget_create`, as
`/category_create`), as the issue asks; the alerts list is a plain resource."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.api.fields import Amount, Id, OptionalId
from app.models import User
from app.services import alerts, budgets, clock
from app.services.budgets_types import AlertView, BudgetProgress
from app.services.months import parse_month

router = APIRouter(
    responses={
        **ERROR_RESPONSES,
        404: {'model': ErrorBody, 'description': 'No such budget, category or payment method, or not yours to see'},
        409: {'model': ErrorBody, 'description': 'A budget for this already exists, or it is not yours to change'},
    }
)

Thresholds = list[int] | str | None
THRESHOLDS = Field(
    None,
    description='Percents at which to alert, as a list or "80,100" (1 to 500, at most 5); empty: 80 and 100',
    examples=[[80, 100]],
)
SCOPE = Field(
    None,
    description='everyone (your household: you and your linked users; the default), mine (your expenses only) '
    'or share (your share: your own expenses and your part of those split with you)',
    examples=['everyone'],
    max_length=20,
)


class BudgetCreate(BaseModel):
    amount: Amount
    category_id: OptionalId = Field(None, description='A category (its subcategories count too)')
    payment_method_id: OptionalId = Field(None, description='Or a payment method; neither: all spending')
    scope: str | None = SCOPE
    rollover: bool = Field(False, description='Carry what is left (or overspent) into the next month')
    thresholds: Thresholds = THRESHOLDS


class BudgetUpdate(BaseModel):
    """`id` and the fields to change: one left out keeps its value."""

    id: Id
    amount: Amount | None = None
    category_id: OptionalId = None
    payment_method_id: OptionalId = None
    scope: str | None = SCOPE
    rollover: bool | None = None
    thresholds: Thresholds = THRESHOLDS


class BudgetDelete(BaseModel):
    id: Id


class BudgetOkOut(BaseModel):
    success: bool
    budget: BudgetProgress


class BudgetDeletedOut(BaseModel):
    success: bool
    id: int


def _changes(body: BudgetUpdate) -> dict[str, Any]:
    sent = body.model_dump(exclude_unset=True, exclude={'id'})
    return {key: value for key, value in sent.items() if value is not None or key.endswith('_id')}


@router.get('/budgets', response_model=list[BudgetProgress])
def list_all(
    month: str = Query('', description='YYYY-MM; empty or absent: the current month', max_length=20),
    user: User = Depends(api_user),
):
    """The budgets you see (yours and your linked users'), each with what was spent, what is left, the days
    left and the projected end of the month."""
    today = clock.today(user.timezone)
    return list(budgets.list_budgets(user, parse_month(month, default=today), today=today))


@router.post('/budget_create', response_model=BudgetOkOut, openapi_extra=body_docs(BudgetCreate))
def create(user: User = Depends(api_user), body: BudgetCreate = body_of(BudgetCreate)):
    """Create a monthly budget for a category, a payment method, or everything."""
    budget = budgets.create_budget(
        user,
        body.amount,
        body.category_id,
        body.payment_method_id,
        scope=body.scope,
        rollover=body.rollover,
        thresholds=body.thresholds,
    )
    return BudgetOkOut(success=True, budget=budget)


@router.post('/budget_update', response_model=BudgetOkOut, openapi_extra=body_docs(BudgetUpdate))
def update(user: User = Depends(api_user), body: BudgetUpdate = body_of(BudgetUpdate)):
    """Change a budget: `id` plus the fields to change."""
    return BudgetOkOut(success=True, budget=budgets.update_budget(user, body.id, **_changes(body)))


@router.post('/budget_delete', response_model=BudgetDeletedOut, openapi_extra=body_docs(BudgetDelete))
def delete(user: User = Depends(api_user), body: BudgetDelete = body_of(BudgetDelete)):
    """Delete a budget (and the alerts it fired); expenses are untouched."""
    return BudgetDeletedOut(success=True, id=budgets.delete_budget(user, body.id))


@router.get('/alerts', response_model=list[AlertView])
def list_alerts(
    unseen: bool = Query(False, description='Only the alerts not yet seen in the app'),
    user: User = Depends(api_user),
):
    """Your latest alerts (at most 50), newest first; the budgets you see are checked first."""
    alerts.check_for(user)
    return list(alerts.list_alerts(user, unseen=unseen))
