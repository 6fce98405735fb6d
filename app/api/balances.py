"""/sysapi/balances, /sysapi/settlement_create and /sysapi/settlement_delete (issue 20): who owes whom in
the household, and the reimbursements that settle it (never spending). The expense fields `paid_by` and
`split` are in app/api/expenses.py through `SplitFields`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, BeforeValidator, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.api.fields import Amount, Id, OptionalId, Text, _refuse_booleans
from app.models import User
from app.services import balances, clock, exports, settlement_exports
from app.services.months import Month, parse_month
from app.services.splits_types import Balances, SettlementRow

router = APIRouter(
    responses={**ERROR_RESPONSES, 404: {'model': ErrorBody, 'description': 'No such user or settlement for you'}}
)

Part = Annotated[
    str | int | float,
    BeforeValidator(_refuse_booleans('part', 'a part', '2 or 33.5')),
    Field(examples=[50]),
]


class SplitBody(BaseModel):
    """How an expense is shared among users linked to its payer."""

    mode: str = Field(max_length=10, description='equal, shares, amounts or percent', examples=['equal'])
    members: list[Id] = Field(max_length=50, description='User ids: the payer and users linked to the payer')
    parts: list[Part] | None = Field(
        None,
        max_length=50,
        description='One per member for shares (weights such as 2 and 1), amounts (adding up to the amount) '
        'or percent (adding up to 100); none for equal',
    )


class SplitFields(BaseModel):
    """The payer and split of an expense, as JSON (`split`) or as form fields (`split_mode`,
    `split_members`, `split_parts`, comma-separated)."""

    paid_by: OptionalId = Field(None, description='Who paid: the creator (default) or a user linked to them')
    split: SplitBody | Annotated[str, Field(max_length=4000)] | None = Field(
        None, description='{"mode": ..., "members": [...], "parts": [...]}; in a form, the same as JSON text'
    )
    split_mode: Text = Field(None, max_length=10, description='In a form: equal, shares, amounts or percent')
    split_members: Text = Field(None, max_length=1000, description='In a form: user ids, comma-separated')
    split_parts: Text = Field(None, max_length=1000, description='In a form: parts, comma-separated (2,1)')


def split_data(body: BaseModel) -> dict[str, Any]:
    """The payer and split fields of an expense body, as the service reads them."""
    return body.model_dump(exclude_unset=True)


class SettlementCreate(BaseModel):
    from_user_id: Id = Field(description='Who pays back')
    to_user_id: Id = Field(description='Who is paid back')
    amount: Amount
    date: Text = Field(None, description='YYYY-MM-DD; today when empty', examples=['2026-01-15'])
    currency: Text = Field(
        None,
        max_length=10,
        description="ISO 4217 code of the amount's currency; empty: the household's. Converted at the rate of its "
        'date; while that rate is missing the settlement is marked (rate_missing) and moves no balance.',
    )


class SettlementDelete(BaseModel):
    id: Id


@router.get('/balances', response_model=Balances)
def api_balances(
    month: str = Query('all', description='YYYY-MM, or all (the default) for every month', max_length=20),
    user: User = Depends(api_user),
) -> Balances:
    """Each member's paid, share and net balance over the period (more than zero: owed), the suggested
    settlement (the fewest transfers when everyone is linked to everyone, else one per linked pair), what
    stays with former links, and the period's settlements."""
    return balances.balances(user, _period(month, user))


def _period(month: str, user: User) -> Month | None:
    """`all` (or empty): every month; otherwise YYYY-MM (a wrong one: 422 naming `month`)."""
    return None if month.strip().lower() in ('', 'all') else parse_month(month, default=clock.today(user.timezone))


@router.get(
    '/export_settlements_csv',
    response_class=Response,
    responses={200: {'content': {'text/csv': {'schema': {'type': 'string'}}}, 'description': 'The CSV file'}},
)
def api_export_settlements_csv(
    month: str = Query('all', description='YYYY-MM, or all (the default) for every month', max_length=20),
    user: User = Depends(api_user),
) -> Response:
    """The settlements you see (your household's, and yours with former links) as CSV: date, from, to, amount
    (UTF-8, header row, dot decimals). Apart from the exports of spending, which never contain one."""
    period = _period(month, user)
    return Response(
        settlement_exports.settlements_csv(user, period),
        media_type=exports.CSV_MEDIA_TYPE,
        headers={
            'Content-Disposition': f'attachment; filename="{settlement_exports.export_filename(period)}"',
            'Cache-Control': 'no-store',
        },
    )


@router.post('/settlement_create', response_model=SettlementRow, openapi_extra=body_docs(SettlementCreate))
def api_settlement_create(
    user: User = Depends(api_user), body: SettlementCreate = body_of(SettlementCreate)
) -> SettlementRow:
    """Record that `from_user_id` paid `to_user_id` back (all or part of what is owed): a reimbursement,
    never spending. One of the two is the caller, or both are linked to the caller and to each other."""
    return balances.create_settlement(
        user, body.from_user_id, body.to_user_id, body.amount, body.date, currency=body.currency
    )


@router.post('/settlement_delete', response_model=SettlementRow, openapi_extra=body_docs(SettlementDelete))
def api_settlement_delete(
    user: User = Depends(api_user), body: SettlementDelete = body_of(SettlementDelete)
) -> SettlementRow:
    """Undo a settlement (by one of the two people it is between, or who recorded it); answers what it was."""
    return balances.delete_settlement(user, body.id)
