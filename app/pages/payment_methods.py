"""The payment methods page: create, rename, change the icon, delete (with Undo, or moving the expenses
first when in use)."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.buttons import icon_button
from app.pages.components.icon_picker import icon_field
from app.pages.components.move_dialog import close_and_delete, confirm_delete, move_and_delete
from app.pages.components.undo_notification import UndoOffers
from app.services import icons, payment_methods
from app.services.payment_methods import PaymentMethodView
from app.services.validation import UNSET

UNDO_EVENT = 'undo_payment_method_delete_{id}'


def load(user: User) -> tuple[list[PaymentMethodView], dict[int, int]]:
    return payment_methods.list_payment_methods(user), payment_methods.usage_counts(user)


def _expenses(count: int) -> str:
    return ngettext('{n} expense', '{n} expenses', count)


def _in_use(plan: payment_methods.DeletionPlan) -> str:
    return ngettext(
        '“{name}” is used by {n} expense; move it to another payment method first, then delete it.',
        '“{name}” is used by {n} expenses; move them to another payment method first, then delete it.',
        plan.used,
        name=plan.name,
    )


async def payment_methods_page(user: User) -> None:
    state: dict[str, list[PaymentMethodView]] = {'methods': []}

    with ui.row().classes('w-full items-center'):
        ui.label(_('How you pay: cash, card, transfer…')).classes('opacity-70')
        ui.space()
        ui.button(_('Add payment method'), icon='add', on_click=lambda: edit_dialog(None)).props('no-caps').mark(
            'add-payment-method'
        )

    @ui.refreshable
    async def listing() -> None:
        loaded = await run.io_bound(load, user)
        if loaded is None:  # the client went away meanwhile
            return
        methods, counts = loaded
        state['methods'] = methods
        if not methods:
            ui.label(_('No payment methods yet. Add one to start recording expenses.')).classes('opacity-70')
            return
        with ui.card().classes('w-full p-0'), ui.list().props('separator').classes('w-full').mark('payment-list'):
            for method in methods:
                used = counts.get(method.id, 0)
                with ui.item().mark(f'payment-method-{method.id}'):
                    with ui.item_section().props('avatar'):
                        ui.icon(icons.display_icon(method.icon, payment_methods.DEFAULT_ICON)).classes(
                            'text-primary'
                        ).mark(f'payment-method-icon-{method.id}')
                    with ui.item_section():
                        ui.item_label(method.name).classes('font-medium')
                        if used:
                            ui.item_label(_expenses(used)).props('caption')
                    with ui.item_section().props('side'), ui.row().classes('gap-0 no-wrap'):
                        edit = _('Edit {name}', name=method.name)
                        icon_button('edit', edit, f'edit-payment-method-{method.id}').on_click(
                            lambda m=method: edit_dialog(m)
                        )
                        delete_label = _('Delete {name}', name=method.name)
                        icon_button('delete', delete_label, f'delete-payment-method-{method.id}').props(
                            'color=negative'
                        ).on_click(lambda m=method: delete(m))

    def edit_dialog(method: PaymentMethodView | None) -> None:
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('payment-method-dialog'):
            ui.label(_('New payment method') if method is None else _('Edit {name}', name=method.name)).classes(
                'text-lg font-semibold'
            )
            name = (
                ui.input(_('Name'), value='' if method is None else method.name)
                .props('outlined autofocus maxlength=80')
                .classes('w-full')
                .mark('payment-method-name')
            )
            icon = icon_field(
                '' if method is None else method.icon, default=payment_methods.DEFAULT_ICON, mark='payment-method-icon'
            )
            with ui.row().classes('w-full justify-end pt-2'):
                ui.button(_('Cancel'), on_click=lambda: close_and_delete(dialog)).props('flat')
                save_button = ui.button(_('Save'), icon='check').mark('save-payment-method')

            async def save() -> None:
                shown: dict[str, Any] = {
                    'fields': {'name': name, 'icon': icon},
                    'dialog': dialog,
                    'busy': save_button,
                    'refresh': listing.refresh,
                }
                if method is None:
                    await call_service(
                        payment_methods.create_payment_method,
                        user,
                        name.value,
                        icon.value,
                        success=lambda m: _('Payment method {name} added.', name=m.name),
                        **shown,
                    )
                else:
                    await call_service(
                        payment_methods.update_payment_method,
                        user,
                        method.id,
                        name=name.value,
                        icon=icon.value or UNSET,
                        success=lambda m: _('Payment method {name} saved.', name=m.name),
                        **shown,
                    )

            save_button.on_click(save)
            name.on('keydown.enter', save)
            icon.on('keydown.enter', save)
        dialog.open()

    async def delete(method: PaymentMethodView) -> None:
        plan = await call_service(payment_methods.plan_deletion, user, method.id)
        if plan is None:
            return
        if plan.used:
            options = {m.id: m.name for m in state['methods'] if m.id != plan.id}

            async def run_move(target: int, **shown) -> None:
                await call_service(
                    payment_methods.delete_payment_method,
                    user,
                    plan.id,
                    move_to=target,
                    refresh=listing.refresh,
                    success=lambda result: ngettext(
                        '{n} expense moved; {name} deleted.',
                        '{n} expenses moved; {name} deleted.',
                        result.moved,
                        name=plan.name,
                    ),
                    **shown,
                )

            move_and_delete(
                _in_use(plan), options, what='payment method', field='to_payment_method_id', on_move=run_move
            )
            return

        async def confirmed(**shown) -> None:
            await call_service(
                payment_methods.delete_payment_method,
                user,
                plan.id,
                refresh=listing.refresh,
                after=offer_undo,
                **shown,
            )

        confirm_delete(
            _('Delete {name}?', name=plan.name), _('No expense uses it; you can undo for a few seconds.'), confirmed
        )

    undo_offers = UndoOffers(
        UNDO_EVENT,
        lambda snapshot: payment_methods.restore_payment_method(user, snapshot),
        refresh=lambda: listing.refresh(),
        restored=lambda item: _('Payment method {name} restored.', name=item.name),
    )

    def offer_undo(result: payment_methods.DeletedPaymentMethod) -> None:
        undo_offers.offer(result.snapshot.id, result.snapshot.name, result.snapshot)

    await listing()
