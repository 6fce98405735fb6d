"""The payment methods page: create, rename, change the icon, delete (with Undo, or moving the expenses
first when in use). It is the shared list page of named items (`components.named_items`) as it stands."""

from __future__ import annotations

from app.models import User
from app.pages.components.named_items import ItemKind, NamedItemsPage
from app.services import payment_methods
from app.services.payment_methods import DeletionPlan, PaymentMethodView


def load(user: User) -> tuple[list[PaymentMethodView], dict[int, int]]:
    return payment_methods.list_payment_methods(user), payment_methods.usage_counts(user)


KIND: ItemKind[PaymentMethodView, DeletionPlan] = ItemKind(
    noun='payment method',
    plural='payment methods',
    intro='How you pay: cash, card, transfer...',
    marker='payment-method',
    list_marker='payment-list',
    move_field='to_payment_method_id',
    undo_event='undo_payment_method_delete_{id}',
    default_icon=payment_methods.DEFAULT_ICON,
    load=load,
    create=payment_methods.create_payment_method,
    update=payment_methods.update_payment_method,
    plan_deletion=payment_methods.plan_deletion,
    delete=payment_methods.delete_payment_method,
    restore=payment_methods.restore_payment_method,
)


async def payment_methods_page(user: User) -> None:
    await NamedItemsPage(user, KIND).show()
