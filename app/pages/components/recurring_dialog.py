"""The recurring rule dialog: the expense's fields (when adding or editing a rule) and its schedule
(every N days, weeks, months or years, a day of the month, a start, an end or a count, an amount change).

"Make recurring" in the expense dialog opens the schedule part alone: the expense gives the rest. Saving
goes through `call_service`: a refusal shows under the field it names (`every`, `day_of_month`, `end`...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.expense_dialog import ExpenseChoices
from app.services import recurring
from app.services.recurring import RuleRow

Save = Callable[[dict], Any]


def unit_options() -> dict[str, str]:
    return {'day': _('days'), 'week': _('weeks'), 'month': _('months'), 'year': _('years')}


def day_options() -> dict[str, str]:
    days: dict[str, str] = {'': _('The start’s day')}
    days.update({str(day): str(day) for day in range(1, 31)})
    days['31'] = _('The last day of the month')
    days['last_working_day'] = _('The last working day')
    return days


def _date_input(label: str, value: str, mark: str) -> ui.input:
    with (
        ui.input(label, value=value).props('outlined dense mask="####-##-##" hide-bottom-space').classes('w-full')
    ) as field:
        with ui.menu().props('no-parent-event') as menu:
            ui.date(on_change=lambda: menu.close()).props('first-day-of-week=1').bind_value(field)
        with field.add_slot('append'):
            icon = ui.icon('event').classes('cursor-pointer').on('click', menu.open)
            icon.props('role=button tabindex=0')
            icon.props['aria-label'] = _('Open the calendar')
    return field.mark(mark)


def _schedule_fields(initial: dict) -> dict[str, Any]:
    """Every, unit, day of month, start, end, count and the amount change: the rule's schedule."""
    fields: dict[str, Any] = {}
    with ui.row().classes('w-full no-wrap items-start gap-2'):
        fields['every'] = (
            ui.number(_('Every'), value=initial.get('every', 1), min=1, max=1000, precision=0)
            .props('outlined dense hide-bottom-space')
            .classes('w-24 shrink-0')
            .mark('rule-every')
        )
        fields['unit'] = (
            ui.select(unit_options(), value=initial.get('unit', 'month'), label=_('Unit'))
            .props('outlined dense hide-bottom-space')
            .classes('grow')
            .mark('rule-unit')
        )
    fields['day_of_month'] = (
        ui.select(day_options(), value=str(initial.get('day_of_month') or ''), label=_('Day of the month'))
        .props('outlined dense hide-bottom-space')
        .classes('w-full')
        .mark('rule-day')
    )
    fields['day_of_month'].bind_visibility_from(fields['unit'], 'value', backward=lambda u: u in ('month', 'year'))
    fields['start'] = _date_input(_('First date'), initial.get('start', ''), 'rule-start')
    with ui.row().classes('w-full no-wrap items-start gap-2'):
        with ui.column().classes('w-1/2 gap-0'):
            fields['end'] = _date_input(_('Last date (optional)'), initial.get('end', ''), 'rule-end')
        fields['count'] = (
            ui.input(_('Or how many times'), value=str(initial.get('count') or ''))
            .props('outlined dense inputmode=numeric hide-bottom-space')
            .classes('w-1/2')
            .mark('rule-count')
        )
    with (
        ui.expansion(_('Amount change'), icon='trending_up', value=bool(initial.get('new_amount')))
        .classes('w-full')
        .mark('rule-amount-change'),
        ui.row().classes('w-full no-wrap items-start gap-2'),
    ):
        fields['new_amount'] = (
            ui.input(_('New amount'), value=initial.get('new_amount', ''))
            .props('outlined dense inputmode=decimal hide-bottom-space')
            .classes('w-1/2')
            .mark('rule-new-amount')
        )
        with ui.column().classes('w-1/2 gap-0'):
            fields['new_amount_from'] = _date_input(
                _('From'), initial.get('new_amount_from', ''), 'rule-new-amount-from'
            )
    return fields


def _values(fields: dict[str, Any]) -> dict:
    values = {name: element.value for name, element in fields.items()}
    every = values.get('every')
    values['every'] = '' if every is None else str(int(every)) if float(every).is_integer() else str(every)
    return values


def rule_dialog(
    choices: ExpenseChoices | None,
    initial: dict,
    save: Save,
    *,
    title: str,
    success: str,
    refresh: Callable[[], Awaitable[Any] | Any] | None = None,
) -> ui.dialog:
    """Open the form prefilled with `initial`; with `choices` it has the expense's fields too."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md gap-2').mark('rule-dialog'):
        ui.label(title).classes('text-lg font-semibold')
        fields: dict[str, Any] = {}
        if choices is not None:
            fields['amount'] = (
                ui.input(_('Amount'), value=initial.get('amount', ''))
                .props('outlined dense autofocus inputmode=decimal autocomplete=off hide-bottom-space')
                .classes('w-full')
                .mark('rule-amount')
            )
            fields['category_id'] = _select(choices.category_options(), initial.get('category_id'), _('Category'))
            fields['category_id'].mark('rule-category')
            fields['subcategory_id'] = _select(
                choices.subcategory_options(initial.get('category_id')),
                initial.get('subcategory_id'),
                _('Subcategory (optional)'),
                clearable=True,
            ).mark('rule-subcategory')
            fields['payment_method_id'] = _select(
                choices.payment_method_options(), initial.get('payment_method_id'), _('Payment method')
            ).mark('rule-payment-method')
            fields['description'] = (
                ui.input(_('Description (optional)'), value=initial.get('description', ''))
                .props('outlined dense maxlength=500 autocomplete=off hide-bottom-space')
                .classes('w-full')
                .mark('rule-description')
            )

            def category_changed() -> None:
                options = choices.subcategory_options(fields['category_id'].value)
                sub = fields['subcategory_id']
                sub.set_options(options, value=sub.value if sub.value in options else None)
                sub.set_visibility(bool(options))

            fields['category_id'].on_value_change(category_changed)
            fields['subcategory_id'].set_visibility(bool(fields['subcategory_id'].options))
        fields.update(_schedule_fields(initial))

        async def submit() -> None:
            await call_service(
                save, _values(fields), fields=fields, dialog=dialog, busy=save_button, refresh=refresh, success=success
            )

        with ui.row().classes('w-full justify-end gap-2 pt-2'):
            ui.button(_('Cancel'), on_click=dialog.close).props('flat').mark('cancel-rule')
            save_button = ui.button(_('Save'), icon='check', on_click=submit).mark('save-rule')
    dialog.on('hide', lambda: dialog.delete())
    dialog.open()
    return dialog


def _select(options: dict, value: Any, label: str, *, clearable: bool = False) -> ui.select:
    return (
        ui.select(options, value=value, label=label, clearable=clearable)
        .props('outlined dense options-dense hide-bottom-space')
        .classes('w-full')
    )


def initial_of(rule: RuleRow, amount_text: Callable[[int], str]) -> dict:
    """The form's values for an existing rule."""
    return {
        'amount': amount_text(rule.amount_cents),
        'category_id': rule.category_id,
        'subcategory_id': rule.subcategory_id,
        'payment_method_id': rule.payment_method_id,
        'description': rule.description,
        'every': rule.every,
        'unit': rule.unit,
        'day_of_month': 'last_working_day' if rule.last_working_day else rule.day_of_month,
        'start': rule.start.isoformat(),
        'end': rule.end.isoformat() if rule.end else '',
        'count': rule.count or '',
        'new_amount': amount_text(rule.new_amount_cents) if rule.new_amount_cents else '',
        'new_amount_from': rule.new_amount_from.isoformat() if rule.new_amount_from else '',
    }


def make_recurring_button(
    user: User, expense_id: Any, expense_dialog: ui.dialog, start: str, refresh: Callable[[], Any] | None = None
) -> None:
    """In the expense dialog: a rule from this expense (it becomes the first occurrence); its schedule only."""

    def open_form() -> None:
        def make(values: dict) -> RuleRow:
            return recurring.make_recurring(user, expense_id, values)

        with ui.context.client.layout:  # not inside the expense dialog, which closes now
            rule_dialog(
                None,
                {'start': start, 'unit': 'month', 'every': 1},
                make,
                title=_('Make this expense recurring'),
                success=_('Recurring expense created: see Expenses › Recurring.'),
                refresh=refresh,
            )
        expense_dialog.close()
        expense_dialog.delete()  # last: this handler runs in one of its buttons

    ui.button(_('Make recurring'), icon='event_repeat', on_click=open_form).props('flat no-caps').mark('make-recurring')
