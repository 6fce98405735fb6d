"""Payment methods (cash, card, transfer...): names unique per owner (ignoring case); in use, not deletable.

Reads and writes go through `access.visible_owner_ids`, like categories.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from peewee import fn

from app.db import write_transaction
from app.i18n import Message, Plural
from app.models import Expense, PaymentMethod, User, utcnow
from app.services import access, icons, named_items
from app.services.errors import Conflict, Invalid
from app.services.validation import UNSET, clean_name, is_blank

DEFAULT_ICON = icons.DEFAULT_PAYMENT_METHOD_ICON


@dataclass(frozen=True, slots=True)
class DeletionPlan(named_items.DeletionPlan):
    KIND = 'payment_method'

    @property
    def in_use(self) -> Message:
        return _in_use_message(self.name, self.used)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentMethodView:
    """A payment method as the API, the pages and the pickers show it."""

    id: int
    name: str
    icon: str
    owner_id: int


def _view(method: PaymentMethod) -> PaymentMethodView:
    return PaymentMethodView(id=method.id, name=method.name, icon=method.icon, owner_id=method.owner_id)


def list_payment_methods(user: User, scope: str = 'everyone') -> list[PaymentMethodView]:
    owners = access.owner_ids_for(user, scope)
    query = (
        PaymentMethod.select()
        .where(PaymentMethod.owner.in_(owners))
        .order_by(fn.LOWER(PaymentMethod.name), PaymentMethod.id)
    )
    return [_view(method) for method in query]


def get_payment_method(user: User, method_id: object, *, field: str = 'id') -> PaymentMethod:
    return named_items.get_visible(
        PaymentMethod,
        user,
        method_id,
        field=field,
        missing=lambda number: Message(
            'Payment method {number} does not exist; GET /sysapi/payment_methods lists yours.', number=number
        ),
    )


def _check_unique(owner_id: int, name: str, exclude_id: int | None = None) -> None:
    if named_items.name_taken(PaymentMethod, owner_id, name, exclude_id=exclude_id):
        raise Conflict(
            Message("A payment method named '{name}' already exists; choose another name.", name=name), field='name'
        )


def create_payment_method(user: User, name: object, icon: object = None) -> PaymentMethodView:
    """A new payment method of the user's: at most 80 characters, a name not taken yet (case aside)."""
    name = clean_name(name, label=Message('payment method name'))
    icon = icons.clean_icon(icon) if not is_blank(icon) else DEFAULT_ICON
    with write_transaction():
        _check_unique(user.id, name)
        return _view(PaymentMethod.create(owner=user.id, name=name, icon=icon))


def update_payment_method(
    user: User, method_id: object, *, name: object = UNSET, icon: object = UNSET
) -> PaymentMethodView:
    """Rename or change the icon. An icon sent back unchanged is kept even when it predates the list of
    known icons, so that such a payment method stays editable."""
    with write_transaction():
        method = get_payment_method(user, method_id)
        _check_may_change(user, method)
        if name is not UNSET:
            method.name = clean_name(name, label=Message('payment method name'))
        if icon is not UNSET:
            method.icon = named_items.sent_icon(method.icon, icon)
        _check_unique(method.owner_id, method.name, exclude_id=method.id)
        method.save()
        return _view(method)


def _check_may_change(user: User, method: PaymentMethod) -> None:
    """Everyone who sees the method (its owner's viewers, and those of the expenses paid with it) must be the
    writer or linked to the writer (issue 13, docs/security/chain.md)."""
    used_by = Expense.select(Expense.owner).where(Expense.payment_method == method.id).distinct()
    owners = {method.owner_id} | {row.owner_id for row in used_by}
    access.check_may_change(user, owners, 'payment_method', method.name)


def usage_count(method: PaymentMethod) -> int:
    return Expense.select().where(Expense.payment_method == method.id).count()


def usage_counts(user: User) -> dict[int, int]:
    owners = access.visible_owner_ids(user)
    rows = (
        PaymentMethod.select(PaymentMethod.id, fn.COUNT(Expense.id))
        .join(Expense, on=(Expense.payment_method == PaymentMethod.id))
        .where(PaymentMethod.owner.in_(owners))
        .group_by(PaymentMethod.id)
        .tuples()
    )
    return dict(cast(Iterable[tuple[int, int]], rows))


def _in_use_message(name: str, used: int) -> Message:
    return Plural(
        "'{name}' is used by {n} expense; move it to another payment method first, then delete the payment method.",
        "'{name}' is used by {n} expenses; move them to another payment method first, then delete it.",
        n=used,
        name=name,
    )


def plan_deletion(user: User, method_id: object) -> DeletionPlan:
    """How many expenses stop `delete_payment_method` from deleting it right away."""
    method = get_payment_method(user, method_id)
    return DeletionPlan(method.id, method.name, usage_count(method))


def delete_payment_method(
    user: User, method_id: object, *, move_to: object = None
) -> named_items.Deleted[named_items.Snapshot]:
    """Delete a payment method no expense uses. With `move_to`, its expenses move there first, in the same
    transaction. The snapshot in the result lets `restore_payment_method` undo it."""
    with write_transaction():
        method = get_payment_method(user, method_id)
        _check_may_change(user, method)
        moved = 0 if is_blank(move_to) else move_expenses(user, method.id, move_to)
        used = usage_count(method)
        if used:
            raise Conflict(_in_use_message(method.name, used), field='id')
        snapshot = named_items.Snapshot(method.id, method.owner_id, method.name, method.icon, method.created_at)
        method.delete_instance()
    return named_items.Deleted(moved, snapshot)


def restore_payment_method(user: User, snapshot: named_items.Snapshot) -> PaymentMethodView:
    """Undo a deletion: the same payment method again (same id when still free); refused, with the reason,
    when its name was taken meanwhile."""
    with write_transaction():
        gone = Message(
            "The payment method '{name}' can no longer be restored: its owner no longer shares with you.",
            name=snapshot.name,
        )
        named_items.check_restorable(user, snapshot, kind='payment_method', gone=gone)
        if named_items.name_taken(PaymentMethod, snapshot.owner_id, snapshot.name):
            raise Conflict(
                Message(
                    "'{name}' cannot come back: a payment method of that name was added "
                    'meanwhile. Use that one, or rename it and add this one again.',
                    name=snapshot.name,
                ),
                field='name',
            )
        restored = PaymentMethod.create(
            owner=snapshot.owner_id,
            name=snapshot.name,
            icon=snapshot.icon,
            created_at=snapshot.created_at,
            **named_items.same_id(PaymentMethod, snapshot),
        )
    return _view(restored)


def move_expenses(user: User, from_method: object, to_method: object) -> int:
    """Move the visible expenses paid with `from_method` to `to_method`; returns how many moved."""
    with write_transaction():
        source = get_payment_method(user, from_method, field='id')
        target = get_payment_method(user, to_method, field='to_payment_method_id')
        if source.id == target.id:
            raise Invalid(
                Message('Choose a different payment method to move the expenses to.'), field='to_payment_method_id'
            )
        selector = (Expense.payment_method == source.id) & Expense.owner.in_(access.visible_owner_ids(user))
        named_items.check_move(
            user,
            selector,
            [target],
            moved='expense_with_payment_method',
            source=source.name,
            field='to_payment_method_id',
        )
        return Expense.update(payment_method=target.id, updated_at=utcnow()).where(selector).execute()
