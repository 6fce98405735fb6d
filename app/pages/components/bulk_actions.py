"""The bar over the expenses table when rows are selected (issue 18): file them under another category or
payment method, add or remove tags, delete them with Undo. Each action is one service call
(app/services/expense_bulk.py), all or nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components import undo_notification
from app.pages.components.actions import call_service
from app.pages.components.expense_filters import FilterChoices
from app.pages.components.tag_input import chosen_tags, tag_input
from app.services import expense_bulk
from app.services.expenses_types import DeletedExpense

BULK_UNDO_EVENT = 'undo_bulk_delete'


class BulkBar:
    """Shown while the table has a selection; `choices()` gives what the dialogs offer (loaded on demand)."""

    def __init__(
        self,
        user: User,
        table: ui.table,
        *,
        refresh: Callable[[], Awaitable[None]],
        choices: Callable[[], Awaitable[FilterChoices | None]],
    ) -> None:
        self.user, self.table, self.refresh, self.choices = user, table, refresh, choices
        self.deleted: list[DeletedExpense] = []
        with ui.row().classes('w-full items-center gap-2 wis-bulk-bar').mark('bulk-bar') as self.bar:
            self.label = ui.label().classes('font-semibold').mark('bulk-count')
            ui.button(_('Category'), icon='category', on_click=self.refile_category).props(
                'outline dense no-caps'
            ).mark('bulk-category')
            ui.button(_('Payment method'), icon='credit_card', on_click=self.refile_method).props(
                'outline dense no-caps'
            ).mark('bulk-payment-method')
            ui.button(_('Tags'), icon='sell', on_click=self.retag).props('outline dense no-caps').mark('bulk-tags')
            ui.button(_('Delete'), icon='delete', color='negative', on_click=self.delete).props(
                'outline dense no-caps'
            ).mark('bulk-delete')
            ui.button(_('Clear the selection'), on_click=self.clear).props('flat dense no-caps').mark('bulk-clear')
        ui.on(BULK_UNDO_EVENT, self.undo)
        table.on_select(lambda _event: self.show())
        self.show()

    @property
    def ids(self) -> list[int]:
        return [row['id'] for row in self.table.selected if isinstance(row, dict) and 'id' in row]

    def show(self) -> None:
        count = len(self.ids)
        self.bar.set_visibility(count > 0)
        self.label.set_text(ngettext('{n} selected', '{n} selected', count))

    def clear(self) -> None:
        self.table.selected = []
        self.table.update()
        self.show()

    async def done(self) -> None:
        self.clear()
        await self.refresh()

    def _dialog(self, title: str, mark: str) -> tuple[ui.dialog, Any]:
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-sm gap-2').mark(mark) as card:
            ui.label(title).classes('text-lg font-semibold')
        dialog.on('hide', lambda: dialog.delete())
        return dialog, card

    def _buttons(self, dialog: ui.dialog, apply: Callable[[], Any]) -> ui.button:
        with ui.row().classes('w-full justify-end gap-2 pt-2'):
            ui.button(_('Cancel'), on_click=dialog.close).props('flat').mark('bulk-cancel')
            return ui.button(_('Apply'), icon='check', on_click=apply).mark('bulk-apply')

    def _title(self) -> str:
        count = len(self.ids)
        return ngettext('Change {n} expense', 'Change {n} expenses', count)

    async def _refile(self, name: str, label: str, options: dict[int, str]) -> None:
        ids = self.ids
        dialog, card = self._dialog(self._title(), 'bulk-dialog')
        with card:
            select = (
                ui.select(options, label=label)
                .props('outlined options-dense hide-bottom-space')
                .classes('w-full')
                .mark('bulk-choice')
            )

            async def apply() -> None:
                value = select.value
                if value is None:
                    select.props['error'] = True
                    select.props['error-message'] = _('Choose one.')
                    select.update()
                    return
                data = _filing(name, value, options)
                await call_service(
                    expense_bulk.refile,
                    self.user,
                    ids,
                    data,
                    fields={
                        'category_id': select,
                        'subcategory_id': select,
                        'payment_method_id': select,
                        'ids': select,
                    },
                    dialog=dialog,
                    busy=button,
                    refresh=self.done,
                    success=lambda n: ngettext('{n} expense changed.', '{n} expenses changed.', n),
                )

            button = self._buttons(dialog, apply)
        dialog.open()

    async def refile_category(self) -> None:
        choices = await self.choices()
        if choices is not None:
            await self._refile('category_id', _('Category'), choices.categories)

    async def refile_method(self) -> None:
        choices = await self.choices()
        if choices is not None:
            await self._refile('payment_method_id', _('Payment method'), choices.payment_methods)

    async def retag(self) -> None:
        choices = await self.choices()
        if choices is None:
            return
        ids = self.ids
        dialog, card = self._dialog(self._title(), 'bulk-dialog')
        with card:
            add = tag_input(choices.tags, label=_('Tags to add'), mark='bulk-add-tags')
            remove = tag_input(choices.tags, label=_('Tags to remove'), mark='bulk-remove-tags')

            async def apply() -> None:
                await call_service(
                    expense_bulk.retag,
                    self.user,
                    ids,
                    chosen_tags(add),
                    chosen_tags(remove),
                    fields={'add': add, 'remove': remove, 'ids': add},
                    dialog=dialog,
                    busy=button,
                    refresh=self.done,
                    success=lambda n: ngettext('{n} expense changed.', '{n} expenses changed.', n),
                )

            button = self._buttons(dialog, apply)
        dialog.open()

    async def delete(self) -> None:
        ids = self.ids
        with ui.dialog() as confirm, ui.card().mark('confirm-bulk-delete'):
            ui.label(ngettext('Delete {n} expense?', 'Delete {n} expenses?', len(ids))).classes('text-lg font-semibold')
            with ui.row().classes('w-full justify-end'):
                ui.button(_('Cancel'), on_click=confirm.close).props('flat').mark('cancel-bulk-delete')
                ui.button(_('Delete'), color='negative', on_click=lambda: confirm.submit(True)).mark(
                    'confirm-bulk-delete-yes'
                )
        confirmed = await confirm
        confirm.delete()
        if not confirmed:
            return

        def deleted(snapshots: list[DeletedExpense]) -> None:
            self.deleted = snapshots
            undo_notification.notify_with_undo(
                ngettext('{n} expense deleted.', '{n} expenses deleted.', len(snapshots)), BULK_UNDO_EVENT
            )

        await call_service(expense_bulk.delete, self.user, ids, refresh=self.done, after=deleted)

    async def undo(self) -> None:
        snapshots, self.deleted = self.deleted, []
        if snapshots:
            await call_service(
                expense_bulk.restore,
                self.user,
                snapshots,
                refresh=self.refresh,
                success=lambda n: ngettext('{n} expense restored.', '{n} expenses restored.', n),
            )


def _filing(name: str, value: int, options: dict[int, str]) -> dict[str, Any]:
    """The fields to change: a subcategory ("Food › Groceries") is sent as the category, which files it
    under its parent (the service's rule)."""
    if name == 'category_id':
        return (
            {'category_id': value, 'subcategory_id': None}
            if ' › ' not in options.get(value, '')
            else {'category_id': value}
        )
    return {name: value}
