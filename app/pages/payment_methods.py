"""The payment methods page: create, rename, change the icon, delete (with Undo, or moving the expenses
first when in use). It is the shared list page of named items (`components.named_items`) as it stands."""

from __future__ import annotations

from app.i18n import N_, ngettext
from app.models import User
from app.pages.components.named_items import ItemKind, NamedItemsPage
from app.services import payment_methods
from app.services.payment_methods import DeletionPlan, PaymentMethodView


def load(user: User) -> tuple[list[PaymentMethodView], dict[int, int]]:
    return payment_methods.list_payment_methods(user), payment_methods.usage_counts(user)


def in_use(plan: DeletionPlan) -> str:
    return ngettext(
        '“{name}” is used by {n} expense; move it to another payment method first, then delete it.',
        '“{name}” is used by {n} expenses; move them to another payment method first, then delete it.',
        plan.used,
        name=plan.name,
    )


KIND: ItemKind[PaymentMethodView, DeletionPlan] = ItemKind(
    what='payment method',
    intro=N_('How you pay: cash, card, transfer…'),
    add=N_('Add payment method'),
    new=N_('New payment method'),
    empty=N_('No payment methods yet. Add one to start recording expenses.'),
    added=N_('Payment method {name} added.'),
    saved=N_('Payment method {name} saved.'),
    restored=N_('Payment method {name} restored.'),
    in_use=in_use,
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
