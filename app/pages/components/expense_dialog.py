"""The add / edit expense dialog. It renders the form and saves it through `call_service`: a refusal shows
under the field it names, a success closes the dialog, refreshes the page and confirms.

Saving is safe to repeat: the Save button is disabled while a save runs, a second Save or Enter meanwhile is
ignored, and the add dialog's service call carries one request id for the dialog's whole life, so even a
save that reached the server twice records one expense.

Keyboard: the amount field has the focus (with the decimal keypad on phones), Enter in any text field saves,
Escape cancels. The buttons sit in a sticky footer: on a phone, Save stays on screen above the keyboard and
above the place suggestions. An add dialog may offer "Save and add another" (`another` opens the next one) and
quick picks (`picks` draws them and gets the function that fills the form with one).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date
from nicegui import background_tasks, ui

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.currency_select import currency_select
from app.pages.components.location import LocationField
from app.pages.components.receipts_box import ReceiptsBox
from app.pages.components.split_field import split_field
from app.pages.components.tag_input import chosen_tags, tag_input
from app.services import formats
from app.services.categories import CategoryNode, CategoryView
from app.services.clock import today as today_in
from app.services.errors import Invalid
from app.services.expenses import is_far_ahead
from app.services.links import label_duplicates
from app.services.months import parse_date
from app.services.payment_methods import PaymentMethodView
from app.services.places import Place


@dataclass
class ExpenseChoices:
    """What the selects offer: the category tree (nodes with `children`) and the payment methods of the
    chooser (`me`) and of the users linked to them. A name both have appears once, for the chooser's own
    (see `label_duplicates`); `keep` are the ids the form starts with, which must stay choosable."""

    categories: list[CategoryNode] = field(default_factory=list)
    payment_methods: list[PaymentMethodView] = field(default_factory=list)
    me: int | None = None
    keep: set[int] = field(default_factory=set)
    tag_names: list[str] = field(default_factory=list)  # the household's tags, to complete from

    def category_options(self) -> dict[int, str]:
        return label_duplicates(self.categories, self.me, keep=self.keep)

    def subcategory_options(self, category_id: int | None) -> dict[int, str]:
        for node in self.categories:
            if node.id == category_id:
                return label_duplicates(node.children, self.me, keep=self.keep)
        return {}

    def payment_method_options(self) -> dict[int, str]:
        return label_duplicates(self.payment_methods, self.me, keep=self.keep)

    def shown_category(self, category_id: int | None) -> int | None:
        """The option standing for `category_id` (a linked user's "Food" stands as the chooser's "Food")."""
        return _same_name(self.categories, category_id, self.category_options())

    def shown_subcategory(self, category_id: int | None, subcategory_id: int | None) -> int | None:
        children = [child for node in self.categories for child in node.children]
        return _same_name(children, subcategory_id, self.subcategory_options(category_id))

    def shown_payment_method(self, method_id: int | None) -> int | None:
        return _same_name(self.payment_methods, method_id, self.payment_method_options())


def _same_name(
    items: Sequence[CategoryView | PaymentMethodView], item_id: int | None, options: dict[int, str]
) -> int | None:
    if item_id in options:
        return item_id
    name = next((' '.join(i.name.split()).lower() for i in items if i.id == item_id), None)
    return next((key for key, label in options.items() if ' '.join(label.split()).lower() == name), None)


Save = Callable[[dict], Any]
Fill = Callable[[dict], None]
Picks = Callable[[Fill], Any]  # draws the quick picks; may return an object whose `moved(position)` re-ranks them


def _select(options: dict[int, str], value: Any, label: str, mark: str, *, clearable: bool = False) -> ui.select:
    """One of the form's three choices (category, subcategory, payment method), styled alike."""
    return (
        ui.select(options, value=value, label=label, clearable=clearable)
        .props('outlined options-dense hide-bottom-space')  # an error grows the field: it never overlaps the next
        .classes('w-full')
        .mark(mark)
    )


def expense_dialog(
    choices: ExpenseChoices,
    initial: dict,
    save: Save,
    *,
    title: str,
    user: User | None = None,
    locate: bool = False,
    refresh: Callable[[], Any] | None = None,
    after: Callable[[Any], Awaitable[Any] | Any] | None = None,
    success: str | Callable[[Any], str | None] | None = None,
    another: Callable[[], Any] | None = None,
    picks: Picks | None = None,
    extra: Callable[[ui.dialog], None] | None = None,
) -> ui.dialog:
    """Open the dialog prefilled with `initial` (amount as text, date, category_id, subcategory_id,
    payment_method_id, description, latitude, longitude, place).

    `save(values)` is the service call (run in a worker thread); on success the dialog closes, `refresh()`
    and `after(result)` run and `success` is shown ("Expense saved." when None; '' for none). With `user`,
    the form has the location block (position, place name, suggestions); `locate` asks the browser for the
    position as the dialog opens. `extra(dialog)` adds buttons at the left of the dialog's buttons."""
    today = today_in(user.timezone if user is not None else None)
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md gap-2').mark('expense-dialog'):
        ui.label(title).classes('text-lg font-semibold')
        amount = (
            ui.input(_('Amount'), value=initial.get('amount', ''))
            .props('outlined autofocus inputmode=decimal autocomplete=off hide-bottom-space')
            .classes('w-full')
            .mark('expense-amount')
        )
        money = currency_select(amount, user, initial.get('currency'))  # its currency (issue 20)
        picked = picks(lambda values: fill(values)) if picks is not None else None
        with (
            ui.input(_('Date'), value=initial.get('date', ''))
            .props('outlined mask="####-##-##" hide-bottom-space')
            .classes('w-full')
            .mark('expense-date') as day
        ):
            with ui.menu().props('no-parent-event') as date_menu:
                ui.date(on_change=lambda: date_menu.close()).props('first-day-of-week=1').bind_value(day)
            with day.add_slot('append'):
                calendar = ui.icon('event').classes('cursor-pointer').on('click', date_menu.open)
                calendar.props('role=button tabindex=0')
                calendar.props['aria-label'] = _('Open the calendar')
        category = _select(choices.category_options(), initial.get('category_id'), _('Category'), 'expense-category')
        subcategory = _select(
            choices.subcategory_options(initial.get('category_id')),
            initial.get('subcategory_id'),
            _('Subcategory (optional)'),
            'expense-subcategory',
            clearable=True,
        )
        payment_method = _select(
            choices.payment_method_options(),
            initial.get('payment_method_id'),
            _('Payment method'),
            'expense-payment-method',
        )
        description = (
            ui.input(_('Description (optional)'), value=initial.get('description', ''))
            .props('outlined maxlength=500 autocomplete=off hide-bottom-space')
            .classes('w-full')
            .mark('expense-description')
        )
        tags_field = tag_input(choices.tag_names, initial.get('tags') or (), mark='expense-tags')
        location = None
        if user is not None:

            def place_chosen(place: Place) -> None:
                """A known place: pre-select what is used most there (the person can still change it)."""
                category_id = choices.shown_category(place.category_id)
                if category_id is not None:
                    category.set_value(category_id)
                    category_changed()
                    subcategory_id = choices.shown_subcategory(category_id, place.subcategory_id)
                    if subcategory_id is not None:
                        subcategory.set_value(subcategory_id)
                method_id = choices.shown_payment_method(place.payment_method_id)
                if method_id is not None:
                    payment_method.set_value(method_id)

            location = LocationField(
                user,
                latitude=initial.get('latitude'),
                longitude=initial.get('longitude'),
                place=initial.get('place') or '',
                on_place_chosen=place_chosen,
            )
            location.on_moved = getattr(picked, 'moved', None)  # quick picks follow the position
        picked_currency = money.element if money is not None else None  # the split line speaks in it (issue 20)
        split = split_field(initial.get('split_form'), amount, user, picked_currency)  # who paid, for whom
        fields: dict[str, Any] = {
            'amount': amount,
            'date': day,
            'category_id': category,
            'subcategory_id': subcategory,
            'payment_method_id': payment_method,
            'description': description,
            'tags': tags_field,
        }
        if location is not None:
            fields['place'] = location.place_input
        if money is not None:
            fields['currency'] = money.element
        if user is not None:  # photos and PDFs, and what a photo says for a new expense
            save = ReceiptsBox(user, initial, fields).wrap(save)

        def category_changed() -> None:
            options = choices.subcategory_options(category.value)
            subcategory.set_options(options, value=subcategory.value if subcategory.value in options else None)
            subcategory.set_visibility(bool(options))

        def fill(values: dict) -> None:
            """A quick pick: its category, subcategory, payment method and place; the amount stays to type."""
            category_id = choices.shown_category(values.get('category_id'))
            if category_id is not None:
                category.set_value(category_id)
                category_changed()
                subcategory.set_value(choices.shown_subcategory(category_id, values.get('subcategory_id')))
            method_id = choices.shown_payment_method(values.get('payment_method_id'))
            if method_id is not None:
                payment_method.set_value(method_id)
            if location is not None and values.get('place'):
                location.place_input.set_value(values['place'])
            amount.run_method('focus')

        category.on_value_change(category_changed)
        subcategory.set_visibility(bool(subcategory.options))

        asking = {'now': False}  # the far-ahead question is open: Save and Enter wait for its answer

        async def submit() -> None:  # no parameter: NiceGUI would pass the event's arguments
            await save_it(again=False)

        async def save_it(*, again: bool) -> None:
            if asking['now'] or not save_button.enabled:
                return
            values = {
                'amount': amount.value,
                'date': day.value,
                'category_id': category.value,
                'subcategory_id': subcategory.value,
                'payment_method_id': payment_method.value,
                'description': description.value,
                'tags': chosen_tags(tags_field),
            }
            if location is not None:
                values.update(latitude=location.latitude, longitude=location.longitude, place=location.place)
            if split is not None:
                values.update(split.values())
            if money is not None:
                values.update(money.values())
            chosen = _typed_date(day.value)
            if chosen is not None and is_far_ahead(chosen, today):
                asking['now'] = True
                try:
                    sure = await confirm_far_ahead(chosen, today, user.locale if user is not None else formats.FALLBACK)
                finally:
                    asking['now'] = False
                if not sure:
                    day.run_method('focus')
                    return
            await call_service(
                save,
                values,
                fields=fields,
                dialog=dialog,
                busy=save_button,
                refresh=refresh,
                after=(lambda result: _then(after, result, another)) if again else after,
                success=_('Expense saved.') if success is None else success,
            )

        for element in (amount, day, description):
            element.on('keydown.enter', submit)
        with ui.row().classes('wis-sticky-footer w-full justify-end items-center gap-2 pt-2'):
            if extra is not None:
                extra(dialog)
                ui.space()
            ui.button(_('Cancel'), on_click=dialog.close).props('flat dense').mark('cancel-expense')
            if another is not None:
                ui.button(_('Save and add another'), on_click=lambda: save_it(again=True)).props(
                    'flat dense no-caps'
                ).mark('save-expense-another')
            save_button = ui.button(_('Save'), icon='check', on_click=submit).mark('save-expense')
    dialog.on('hide', lambda: dialog.delete())
    dialog.open()
    if location is not None:
        background_tasks.create(location.start(capture=locate), name='expense location', context=location.container)
    return dialog


async def _then(after: Callable[[Any], Any] | None, result: Any, another: Callable[[], Any] | None) -> None:
    """After "Save and add another": what a save does, then the next dialog."""
    for step in (lambda: after(result) if after is not None else None, another or (lambda: None)):
        outcome = step()
        if inspect.isawaitable(outcome):
            await outcome


async def confirm_far_ahead(chosen: date, today: date, locale: str = formats.FALLBACK) -> bool:
    """Ask before saving a date more than a year ahead: most often a slip in the year."""

    def _long(day: date) -> str:  # always with the year: the year is what the question is about
        return format_date(day, 'long', locale=formats.words_locale(locale))

    with ui.dialog() as question, ui.card().classes('max-w-sm').mark('far-ahead-dialog'):
        ui.label(_('Save this expense on {date}?', date=_long(chosen))).classes('text-lg font-semibold')
        ui.label(
            _(
                'That date is more than a year after today ({today}). If the year is a typing slip, fix the date; '
                'if the expense is planned that far ahead, save it.',
                today=_long(today),
            )
        ).classes('opacity-80')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button(_('Fix the date'), on_click=lambda: question.submit(False)).props('flat').mark('far-ahead-fix')
            ui.button(_('Save anyway'), on_click=lambda: question.submit(True)).mark('far-ahead-save')
    answer = await question
    question.delete()
    return bool(answer)


def _typed_date(text: object) -> date | None:
    """The date as the service will read it, or None when it will refuse it (and say why, under the field)."""
    try:
        return parse_date(text)
    except Invalid:
        return None
