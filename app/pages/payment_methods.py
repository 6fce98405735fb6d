"""The payment methods page: create, rename, change the icon, delete (moving the expenses first when in use)."""

from __future__ import annotations

from nicegui import run, ui

from app.models import User
from app.pages.components.actions import show_service_error
from app.pages.components.move_dialog import ask_move_target
from app.services import payment_methods
from app.services.errors import Conflict, ServiceError
from app.services.validation import UNSET


def load(user: User) -> tuple[list[dict], dict[int, int]]:
    methods = [payment_methods.payment_method_dict(m) for m in payment_methods.list_payment_methods(user)]
    return methods, payment_methods.usage_counts(user)


async def payment_methods_page(user: User) -> None:
    with ui.row().classes('w-full items-center'):
        ui.label('How you pay: cash, card, transfer...').classes('opacity-70')
        ui.space()
        ui.button('Add payment method', icon='add', on_click=lambda: edit_dialog(None)).props('no-caps').mark(
            'add-payment-method'
        )

    @ui.refreshable
    async def listing() -> None:
        loaded = await run.io_bound(load, user)
        if loaded is None:  # the client went away meanwhile
            return
        methods, counts = loaded
        if not methods:
            ui.label('No payment methods yet. Add one to start recording expenses.').classes('opacity-70')
            return
        with ui.card().classes('w-full p-0'), ui.list().props('separator').classes('w-full').mark('payment-list'):
            for method in methods:
                used = counts.get(method['id'], 0)
                with ui.item().mark(f'payment-method-{method["id"]}'):
                    with ui.item_section().props('avatar'):
                        ui.icon(method['icon'] or 'payments').classes('text-primary')
                    with ui.item_section():
                        ui.item_label(method['name']).classes('font-medium')
                        if used:
                            ui.item_label(f'{used} expense{"" if used == 1 else "s"}').props('caption')
                    with ui.item_section().props('side'), ui.row().classes('gap-0 no-wrap'):
                        ui.button(icon='edit', on_click=lambda m=method: edit_dialog(m)).props(
                            'flat round dense aria-label=Edit'
                        ).tooltip('Edit').mark(f'edit-payment-method-{method["id"]}')
                        ui.button(icon='delete', on_click=lambda m=method: delete(m, methods)).props(
                            'flat round dense color=negative aria-label=Delete'
                        ).tooltip('Delete').mark(f'delete-payment-method-{method["id"]}')

    def edit_dialog(method: dict | None) -> None:
        creating = method is None
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('payment-method-dialog'):
            ui.label('New payment method' if creating else f'Edit {method["name"]}').classes('text-lg font-semibold')
            name = (
                ui.input('Name', value='' if creating else method['name'])
                .props('outlined autofocus maxlength=80')
                .classes('w-full')
                .mark('payment-method-name')
            )
            icon = (
                ui.input('Icon (Material icon name, optional)', value='' if creating else method['icon'])
                .props('outlined maxlength=40')
                .classes('w-full')
                .mark('payment-method-icon')
            )

            async def save() -> None:
                name.error = icon.error = None
                try:
                    if creating:
                        await run.io_bound(payment_methods.create_payment_method, user, name.value, icon.value)
                    else:
                        await run.io_bound(
                            payment_methods.update_payment_method,
                            user,
                            method['id'],
                            name=name.value,
                            icon=icon.value or UNSET,
                        )
                except ServiceError as exc:
                    show_service_error(exc, {'name': name, 'icon': icon})
                    return
                dialog.close()
                dialog.delete()
                ui.notify('Payment method saved.', type='positive')
                listing.refresh()

            name.on('keydown.enter', save)
            icon.on('keydown.enter', save)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: (dialog.close(), dialog.delete())).props('flat')
                ui.button('Save', icon='check', on_click=save).mark('save-payment-method')
        dialog.open()

    async def delete(method: dict, methods: list[dict]) -> None:
        try:
            await run.io_bound(payment_methods.delete_payment_method, user, method['id'])
        except Conflict as exc:
            options = {m['id']: m['name'] for m in methods if m['id'] != method['id']}
            target = await ask_move_target(exc.message, options, what='payment method')
            if target is None:
                return
            try:
                moved = await run.io_bound(payment_methods.delete_payment_method, user, method['id'], move_to=target)
            except ServiceError as again:
                ui.notify(again.message, type='negative')
                return
            ui.notify(f'{moved} expense{"" if moved == 1 else "s"} moved; {method["name"]} deleted.', type='positive')
            listing.refresh()
            return
        except ServiceError as exc:
            ui.notify(exc.message, type='negative')
            return
        ui.notify(f'{method["name"]} deleted.', type='positive')
        listing.refresh()

    await listing()
