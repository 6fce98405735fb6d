"""The add / edit expense dialog. It renders the form and hands the typed values to `on_save`; the page
calls the service, and a refusal comes back here as a message under the field it names.

Keyboard: the amount field has the focus, Enter in any text field saves, Escape cancels.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from nicegui import background_tasks, ui

from app.models import User
from app.pages.components.actions import show_service_error
from app.pages.components.location import LocationField
from app.services.errors import ServiceError
from app.services.links import label_duplicates
from app.services.places import Place


@dataclass
class ExpenseChoices:
    """What the selects offer: the category tree (dicts with `children`) and the payment methods."""

    categories: list[dict] = field(default_factory=list)
    payment_methods: list[dict] = field(default_factory=list)
    owners: dict[int, str] = field(default_factory=dict)  # owner id -> username, for same-name items

    def category_options(self) -> dict[int, str]:
        return label_duplicates(self.categories, self.owners)

    def subcategory_options(self, category_id: int | None) -> dict[int, str]:
        for node in self.categories:
            if node['id'] == category_id:
                return label_duplicates(node['children'], self.owners)
        return {}

    def payment_method_options(self) -> dict[int, str]:
        return label_duplicates(self.payment_methods, self.owners)


SaveHandler = Callable[[dict], Awaitable[object] | object]


def expense_dialog(
    choices: ExpenseChoices,
    initial: dict,
    on_save: SaveHandler,
    *,
    title: str,
    user: User | None = None,
    locate: bool = False,
) -> ui.dialog:
    """Open the dialog prefilled with `initial` (amount as text, date, category_id, subcategory_id,
    payment_method_id, description, latitude, longitude, place); `on_save(values)` may raise a
    ServiceError to keep it open. With `user`, the form has the location block (position, place name,
    suggestions); `locate` asks the browser for the position as the dialog opens."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md gap-2').mark('expense-dialog'):
        ui.label(title).classes('text-lg font-semibold')
        amount = (
            ui.input('Amount', value=initial.get('amount', ''))
            .props('outlined autofocus inputmode=decimal autocomplete=off')
            .classes('w-full')
            .mark('expense-amount')
        )
        with (
            ui.input('Date', value=initial.get('date', ''))
            .props('outlined mask="####-##-##"')
            .classes('w-full')
            .mark('expense-date') as date
        ):
            with ui.menu().props('no-parent-event') as date_menu:
                ui.date(on_change=lambda: date_menu.close()).props('first-day-of-week=1').bind_value(date)
            with date.add_slot('append'):
                ui.icon('event').classes('cursor-pointer').on('click', date_menu.open)
        category = (
            ui.select(choices.category_options(), value=initial.get('category_id'), label='Category')
            .props('outlined options-dense')
            .classes('w-full')
            .mark('expense-category')
        )
        subcategory = (
            ui.select(
                choices.subcategory_options(initial.get('category_id')),
                value=initial.get('subcategory_id'),
                label='Subcategory (optional)',
                clearable=True,
            )
            .props('outlined options-dense')
            .classes('w-full')
            .mark('expense-subcategory')
        )
        payment_method = (
            ui.select(choices.payment_method_options(), value=initial.get('payment_method_id'), label='Payment method')
            .props('outlined options-dense')
            .classes('w-full')
            .mark('expense-payment-method')
        )
        description = (
            ui.input('Description (optional)', value=initial.get('description', ''))
            .props('outlined maxlength=500 autocomplete=off')
            .classes('w-full')
            .mark('expense-description')
        )
        location = None
        if user is not None:

            def place_chosen(place: Place) -> None:
                """A known place: pre-select what is used most there (the person can still change it)."""
                if place.category_id in category.options:
                    category.set_value(place.category_id)
                    category_changed()
                    if place.subcategory_id in subcategory.options:
                        subcategory.set_value(place.subcategory_id)
                if place.payment_method_id in payment_method.options:
                    payment_method.set_value(place.payment_method_id)

            location = LocationField(
                user,
                latitude=initial.get('latitude'),
                longitude=initial.get('longitude'),
                place=initial.get('place') or '',
                on_place_chosen=place_chosen,
            )
        fields = {
            'amount': amount,
            'date': date,
            'category_id': category,
            'subcategory_id': subcategory,
            'payment_method_id': payment_method,
            'description': description,
        }
        if location is not None:
            fields['place'] = location.place_input

        def category_changed() -> None:
            options = choices.subcategory_options(category.value)
            subcategory.set_options(options, value=subcategory.value if subcategory.value in options else None)
            subcategory.set_visibility(bool(options))

        category.on_value_change(category_changed)
        subcategory.set_visibility(bool(subcategory.options))

        def clear_errors() -> None:
            for element in fields.values():
                element.error = None

        async def save() -> None:
            clear_errors()
            values = {
                'amount': amount.value,
                'date': date.value,
                'category_id': category.value,
                'subcategory_id': subcategory.value,
                'payment_method_id': payment_method.value,
                'description': description.value,
            }
            if location is not None:
                values.update(latitude=location.latitude, longitude=location.longitude, place=location.place)
            try:
                result = on_save(values)
                if inspect.isawaitable(result):
                    await result
            except ServiceError as exc:
                show_service_error(exc, fields)
                return
            dialog.close()

        for element in (amount, date, description):
            element.on('keydown.enter', save)
        with ui.row().classes('w-full justify-end gap-2 pt-2'):
            ui.button('Cancel', on_click=dialog.close).props('flat').mark('cancel-expense')
            ui.button('Save', icon='check', on_click=save).mark('save-expense')
    dialog.on('hide', lambda: dialog.delete())
    dialog.open()
    if location is not None:
        background_tasks.create(location.start(capture=locate), name='expense location')
    return dialog
