"""/sysapi routes for payment methods: list, create, update, delete (or move, then delete)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.fields import Id, OptionalId, Text
from app.api.named_items import ItemDeletedOut, ItemUpdate, changes, item_responses
from app.models import User
from app.services import payment_methods
from app.services.payment_methods import PaymentMethodView

router = APIRouter(responses=item_responses('payment method', 'Name taken, or payment method in use'))


class PaymentMethodOkOut(BaseModel):
    """The reference's envelope around a saved payment method (`success` is always true: errors are 4xx)."""

    success: bool
    payment_method: PaymentMethodView


class PaymentMethodCreate(BaseModel):
    name: str = Field(max_length=500, examples=['Card'])
    icon: Text = Field(
        None, description='One of the Material icon names the icon picker offers', examples=['credit_card']
    )


class PaymentMethodUpdate(ItemUpdate):
    """`id` and the fields to change (a name, an icon): one left out keeps its value."""


class PaymentMethodDelete(BaseModel):
    id: Id
    move_to_id: OptionalId = Field(None, description='Move the expenses paid this way to this method first')


@router.get('/payment_methods', response_model=list[PaymentMethodView])
def list_all(user: User = Depends(api_user)):
    """The payment methods you may see (yours and your linked users'), by name."""
    return payment_methods.list_payment_methods(user)


@router.post('/payment_method_create', response_model=PaymentMethodOkOut, openapi_extra=body_docs(PaymentMethodCreate))
def create(user: User = Depends(api_user), body: PaymentMethodCreate = body_of(PaymentMethodCreate)):
    """Create a payment method."""
    method = payment_methods.create_payment_method(user, body.name, body.icon)
    return PaymentMethodOkOut(success=True, payment_method=method)


@router.post('/payment_method_update', response_model=PaymentMethodOkOut, openapi_extra=body_docs(PaymentMethodUpdate))
def update(user: User = Depends(api_user), body: PaymentMethodUpdate = body_of(PaymentMethodUpdate)):
    """Rename a payment method or change its icon: `id` plus the fields to change."""
    method = payment_methods.update_payment_method(user, body.id, **changes(body))
    return PaymentMethodOkOut(success=True, payment_method=method)


@router.post('/payment_method_delete', response_model=ItemDeletedOut, openapi_extra=body_docs(PaymentMethodDelete))
def delete(user: User = Depends(api_user), body: PaymentMethodDelete = body_of(PaymentMethodDelete)):
    """Delete a payment method that no expense uses; with `move_to_id`, its expenses move there first."""
    deleted = payment_methods.delete_payment_method(user, body.id, move_to=body.move_to_id)
    return ItemDeletedOut(success=True, id=body.id, moved=deleted.moved)
