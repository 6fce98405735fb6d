"""A month picker: previous / month label / next, plus a calendar to jump to any month."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from nicegui import ui

from app.services.errors import Invalid
from app.services.months import Month, parse_month

MONTH_NAMES = (
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
)


def month_label(month: Month) -> str:
    return f'{MONTH_NAMES[month.month - 1]} {month.year}'


def month_picker(month: Month, on_change: Callable[[Month], Awaitable[None] | None]) -> None:
    """Render the picker for `month`; `on_change(new_month)` runs after every move (sync or async).

    Markers: `month-previous`, `month-next`, `month-label`, `month-input` (the YYYY-MM field of the menu).
    """
    state = {'month': month}

    async def go(target: Month) -> None:
        state['month'] = target
        label.set_text(month_label(target))
        field.set_value(str(target))
        result = on_change(target)
        if inspect.isawaitable(result):
            await result

    async def jump(event) -> None:
        if event.value != field.value or event.value == str(state['month']):
            return  # the echo of a move made with the arrows (possibly a stale one): not a jump
        try:
            target = parse_month(event.value or '')
        except Invalid as exc:
            ui.notify(exc.message, type='warning')
            return
        if target != state['month']:
            menu.close()
            await go(target)

    with ui.row().classes('items-center gap-1 no-wrap').mark('month-picker'):
        ui.button(icon='chevron_left', on_click=lambda: go(state['month'].previous())).props(
            'flat round dense aria-label="Previous month"'
        ).mark('month-previous')
        with ui.button().props('flat no-caps').classes('min-w-[10rem]'):
            label = ui.label(month_label(month)).classes('text-base font-medium').mark('month-label')
            with ui.menu() as menu:
                field = (
                    ui.date(value=str(month), on_change=jump)
                    .props('minimal default-view=Months emit-immediately mask="YYYY-MM"')
                    .mark('month-input')
                )
        ui.button(icon='chevron_right', on_click=lambda: go(state['month'].next())).props(
            'flat round dense aria-label="Next month"'
        ).mark('month-next')
