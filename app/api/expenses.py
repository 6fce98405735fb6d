"""/sysapi routes for expenses: list a month, create, update, delete (the reference's paths and fields)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.api.balances import SplitFields
from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.api.fields import Amount, Coordinate, Id, OptionalId, Tags, Text
from app.api.filters import expense_filters
from app.api.json_answer import json_answer
from app.api.rates import CurrencyField
from app.models import User
from app.services import expense_page, expenses
from app.services.expenses import ExpenseFilters, ExpensePage, ExpenseRow

router = APIRouter(
    responses={**ERROR_RESPONSES, 404: {'model': ErrorBody, 'description': 'No such expense, or not yours to see'}}
)


class ExpenseOkOut(BaseModel):
    """The reference's envelope around a saved expense (`success` is always true: errors are 4xx)."""

    success: bool
    expense: ExpenseRow


class DeletedOut(BaseModel):
    success: bool
    id: int


class ExpenseCreate(SplitFields, CurrencyField):
    amount: Amount
    date: Text = Field(None, description='YYYY-MM-DD; today when empty', examples=['2026-01-15'])
    category_id: Id
    subcategory_id: OptionalId = None
    payment_method_id: Id
    description: Text = None
    latitude: Coordinate = None
    longitude: Coordinate = None
    place: Text = Field(None, description='A short name for the place', examples=['Market'])
    tags: Tags = None
    request_id: Text = Field(
        None,
        description=(
            "The client's id for this create (up to 100 letters, digits, . _ : -; a UUID for instance): a retry "
            'with the same request_id answers with the expense the first call recorded, and records nothing. The '
            'retried body is not compared, so use a new request_id for every new expense.'
        ),
        examples=['0b6f8c1e-5a8e-4f0e-9a51-2f7d3c9e1a44'],
    )


class ExpenseUpdate(SplitFields, CurrencyField):
    id: Id
    amount: Amount | None = None
    date: Text = Field(None, examples=['2026-01-15'])
    category_id: OptionalId = None
    subcategory_id: OptionalId = None
    payment_method_id: OptionalId = None
    description: Text = None
    latitude: Coordinate = None
    longitude: Coordinate = None
    place: Text = None
    tags: Tags = None


class ExpenseDelete(BaseModel):
    id: Id


@router.get('/expenses', response_model=ExpensePage)
def list_expenses(
    filters: ExpenseFilters = Depends(expense_filters),
    sort: str = Query(
        expenses.DEFAULT_SORT,
        description='date, amount, category, payment_method, description or created_by; prefix with - for descending',
        max_length=30,
    ),
    offset: int = Query(0, ge=0, le=10_000_000),
    limit: int | None = Query(None, ge=1, le=100_000, description='All matching expenses when empty'),
    user: User = Depends(api_user),
) -> Response:
    """The expenses you may see, newest first, with their count and total: the month's (`month`, this month
    when absent), or every month's when `search`, `from` or `to` is given without a month; narrowed by
    the filters."""
    # rows written as JSON by SQLite or built as plain dicts, encoded by orjson: the ExpensePage shape, byte
    # for byte (expense_page)
    page = expense_page.list_plain(user, filters.month, filters=filters, sort=sort, offset=offset, limit=limit)
    return json_answer(page)


@router.post('/expense_create', response_model=ExpenseOkOut, openapi_extra=body_docs(ExpenseCreate))
def create_expense(user: User = Depends(api_user), body: ExpenseCreate = body_of(ExpenseCreate)) -> Response:
    """Record an expense: amount, date, category_id, subcategory_id?, payment_method_id, description?,
    latitude?, longitude?, place?, tags?, request_id? (a replayed request_id returns the first expense)."""
    data = body.model_dump(exclude_unset=True)
    request_id = data.pop('request_id', None)
    expense = expenses.create_expense(user, data, request_id=request_id)
    return json_answer({'success': True, 'expense': expense})  # ExpenseOkOut's bytes, without validating it again


@router.post('/expense_update', response_model=ExpenseOkOut, openapi_extra=body_docs(ExpenseUpdate))
def update_expense(user: User = Depends(api_user), body: ExpenseUpdate = body_of(ExpenseUpdate)):
    """Change an expense: `id` plus only the fields to change (an empty optional field clears it; `tags`
    replaces the expense's tags, an empty list or text removes them)."""
    data = body.model_dump(exclude_unset=True)
    expense_id = data.pop('id')
    expense = expenses.update_expense(user, expense_id, data)
    return ExpenseOkOut(success=True, expense=expense)


@router.post('/expense_delete', response_model=DeletedOut, openapi_extra=body_docs(ExpenseDelete))
def delete_expense(user: User = Depends(api_user), body: ExpenseDelete = body_of(ExpenseDelete)):
    """Delete an expense by `id`."""
    snapshot = expenses.delete_expense(user, body.id)
    return DeletedOut(success=True, id=snapshot.id)
