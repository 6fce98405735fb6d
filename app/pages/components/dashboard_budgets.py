"""The dashboard's budgets: where each budget stands in the month the dashboard shows (spent, left, days
left, projection). Nothing is shown when the user sees no budget. Loaded after the page is sent, so that the
month's figures are not kept waiting, and again whenever the dashboard moves to another month (the cards
once stayed on the current month while the charts showed March)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import run, ui

from app import i18n
from app.i18n import _
from app.models import User
from app.pages.components.budget_cards import budget_card
from app.services import budgets, clock, formats
from app.services.months import Month

ShowMonth = Callable[[Month], Awaitable[None]]


def budgets_section(user: User, month: Month) -> ShowMonth:
    """Render the section for `month`; returns the coroutine function that moves it to another month."""
    holder = ui.column().classes('w-full gap-2 empty:hidden')
    client = ui.context.client
    language = i18n.current()  # the page's: a connect handler runs outside its events
    wanted = [month]  # the month the last move asked for: a slow answer for an older one is dropped

    async def fill() -> None:
        i18n.set_language(language)
        shown = wanted[0]
        views = await run.io_bound(budgets.list_budgets, user, shown)
        if holder.is_deleted or shown != wanted[0]:
            return
        holder.clear()
        if not views:
            return
        current = shown == Month.of(clock.today(user.timezone))
        title = (
            _('Budgets this month')
            if current
            else _('Budgets in {month}', month=formats.month_year(shown, user.locale or formats.FALLBACK))
        )
        with holder:
            with ui.row().classes('w-full items-center justify-between').mark('dashboard-budgets'):
                ui.label(title).classes('text-lg font-semibold').mark('dashboard-budgets-title')
                ui.button(_('All budgets'), icon='chevron_right', on_click=lambda: ui.navigate.to('/budgets')).props(
                    'flat no-caps dense'
                ).mark('dashboard-all-budgets')
            with ui.element('div').classes('grid grid-cols-1 md:grid-cols-2 xl:grid-cols-3 gap-4 w-full'):
                for view in views:
                    budget_card(user, view)

    async def show(month: Month) -> None:
        if month != wanted[0]:
            wanted[0] = month
            await fill()

    # once the browser is connected: a timer created while the page is built would make NiceGUI send the
    # page before the rest of it is built
    client.on_connect(fill)
    return show
