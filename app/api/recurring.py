"""/sysapi routes for recurring rules: list, create, update, pause, resume, delete (issue 17)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, BeforeValidator, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.api.fields import Amount, Id, OptionalId, Text
from app.api.period import SCOPE_QUERY
from app.models import User
from app.services import access, recurring
from app.services.recurring import RuleRow

router = APIRouter(
    responses={**ERROR_RESPONSES, 404: {'model': ErrorBody, 'description': 'No such rule, or not yours to see'}}
)


def _bool_as_text(value: object) -> object:
    """Pydantic would read true as 1 (every 1 unit): the service refuses the text 'True', naming the field."""
    return str(value) if isinstance(value, bool) else value


Whole = Annotated[int | str | None, BeforeValidator(_bool_as_text)]


class RulesOut(BaseModel):
    count: int
    rules: list[RuleRow]


class RuleOkOut(BaseModel):
    success: bool
    rule: RuleRow


class DeletedOut(BaseModel):
    success: bool
    id: int


class RuleCreate(BaseModel):
    amount: Amount
    category_id: Id
    subcategory_id: OptionalId = None
    payment_method_id: Id
    description: Text = None
    place: Text = None
    every: Whole = Field(None, description='Every how many units; 1 when empty', examples=[1])
    unit: Text = Field(None, description='day, week, month or year', examples=['month'])
    start: Text = Field(None, description='YYYY-MM-DD, the first date; today when empty', examples=['2026-01-31'])
    end: Text = Field(None, description='YYYY-MM-DD, the last possible date; none when empty')
    count: Whole = Field(None, description='How many dates in all, counted from the start; no limit when empty')
    day_of_month: Whole = Field(
        None, description='1-31 (31: the last day of shorter months), last, or last_working_day', examples=[31]
    )
    new_amount: Amount | None = Field(None, description='The amount from new_amount_from on', examples=['15.99'])
    new_amount_from: Text = Field(None, description='YYYY-MM-DD', examples=['2026-03-01'])
    request_id: Text = Field(
        None,
        description="The client's id for this create: a retry with the same request_id answers with the rule the "
        'first call made, and makes nothing.',
    )


class RuleUpdate(BaseModel):
    id: Id
    amount: Amount | None = None
    category_id: OptionalId = None
    subcategory_id: OptionalId = None
    payment_method_id: OptionalId = None
    description: Text = None
    place: Text = None
    every: Whole = None
    unit: Text = None
    start: Text = None
    end: Text = None
    count: Whole = None
    day_of_month: Whole = None
    new_amount: Amount | None = None
    new_amount_from: Text = None


class RuleId(BaseModel):
    id: Id


@router.get('/recurring', response_model=RulesOut)
def list_rules(scope: str = SCOPE_QUERY, user: User = Depends(api_user)):
    """The recurring rules you may see (scope=mine: only yours), with their next date and monthly cost."""
    rules = recurring.list_rules(user, scope=access.check_scope(scope))
    return RulesOut(count=len(rules), rules=rules)


@router.post('/recurring_create', response_model=RuleOkOut, openapi_extra=body_docs(RuleCreate))
def create_rule(user: User = Depends(api_user), body: RuleCreate = body_of(RuleCreate)):
    """A rule from an expense's fields (amount, category_id, subcategory_id?, payment_method_id, description?,
    place?) and a schedule; the occurrences due by today are created at once."""
    data = body.model_dump(exclude_unset=True)
    request_id = data.pop('request_id', None)
    return RuleOkOut(success=True, rule=recurring.create_rule(user, data, request_id=request_id))


@router.post('/recurring_update', response_model=RuleOkOut, openapi_extra=body_docs(RuleUpdate))
def update_rule(user: User = Depends(api_user), body: RuleUpdate = body_of(RuleUpdate)):
    """Change a rule: `id` plus only the fields to change; it applies to the dates after today."""
    data = body.model_dump(exclude_unset=True)
    rule_id = data.pop('id')
    return RuleOkOut(success=True, rule=recurring.update_rule(user, rule_id, data))


@router.post('/recurring_pause', response_model=RuleOkOut, openapi_extra=body_docs(RuleId))
def pause_rule(user: User = Depends(api_user), body: RuleId = body_of(RuleId)):
    """Stop a rule: nothing is created until it is resumed."""
    return RuleOkOut(success=True, rule=recurring.pause_rule(user, body.id))


@router.post('/recurring_resume', response_model=RuleOkOut, openapi_extra=body_docs(RuleId))
def resume_rule(user: User = Depends(api_user), body: RuleId = body_of(RuleId)):
    """Start a paused rule again from today (the dates it missed while paused are skipped)."""
    return RuleOkOut(success=True, rule=recurring.resume_rule(user, body.id))


@router.post('/recurring_delete', response_model=DeletedOut, openapi_extra=body_docs(RuleId))
def delete_rule(user: User = Depends(api_user), body: RuleId = body_of(RuleId)):
    """Delete a rule; the expenses it created stay."""
    return DeletedOut(success=True, id=recurring.delete_rule(user, body.id))
