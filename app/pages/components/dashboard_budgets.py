"""The dashboard's budgets: where each budget stands this month (spent, left, days left, projection).
Nothing is shown when the user sees no budget. Loaded after the page is sent, so that the month's figures
are not kept waiting."""

from __future__ import annotations

from nicegui import run, ui

from app import i18n
from app.i18n import _
from app.models import User
from app.pages.components.budget_cards import budget_card
from app.services import budgets


def budgets_section(user: User) -> None:
    holder = ui.column().classes('w-full gap-2 empty:hidden')

    client = ui.context.client
    language = i18n.current()  # the page's: a connect handler runs outside its events

    async def fill() -> None:
        i18n.set_language(language)
        views = await run.io_bound(budgets.list_budgets, user)
        if not views or holder.is_deleted:
            return
        with holder:
            with ui.row().classes('w-full items-center justify-between').mark('dashboard-budgets'):
                ui.label(_('Budgets this month')).classes('text-lg font-semibold')
                ui.button(_('All budgets'), icon='chevron_right', on_click=lambda: ui.navigate.to('/budgets')).props(
                    'flat no-caps dense'
                ).mark('dashboard-all-budgets')
            with ui.element('div').classes('grid grid-cols-1 md:grid-cols-2 xl:grid-cols-3 gap-4 w-full'):
                for view in views:
                    budget_card(user, view)

    # once the browser is connected: a timer created while the page is built would make NiceGUI send the
    # page before the rest of it is built
    client.on_connect(fill)
