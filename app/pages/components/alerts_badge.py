"""The header's alert bell: the number of unseen alerts as a badge, and each alert that fired since the last
visit announced once as a notification. Loaded after the page is sent, so no page waits for it."""

from __future__ import annotations

from nicegui import run, ui

from app import i18n
from app.i18n import _
from app.models import User
from app.pages.components.budget_cards import alert_text
from app.services import alerts


def alerts_badge(user: User) -> None:
    holder = ui.element('div').classes('flex items-center')

    client = ui.context.client
    language = i18n.current()  # the page's: a connect handler runs outside its events

    async def fill() -> None:
        i18n.set_language(language)
        state = await run.io_bound(alerts.page_state, user)
        if state is None or holder.is_deleted:  # the page went away meanwhile
            return
        holder.clear()
        if state.unseen:
            with holder:
                bell = (
                    ui.button(icon='notifications', on_click=lambda: ui.navigate.to('/budgets'))
                    .props('flat round color=white')
                    .mark('alerts-badge')
                )
                bell.props['aria-label'] = _('Budget alerts')
                with bell:
                    ui.badge(str(state.unseen), color='orange').props('floating rounded').mark('alerts-count')
                    ui.tooltip(_('Budget alerts'))
        for alert in reversed(state.fresh):
            ui.notify(alert_text(user, alert), type='warning', close_button=_('OK'), timeout=15000)

    # once the browser is connected: a timer created while the page is built would make NiceGUI send the
    # page before the rest of it is built
    client.on_connect(fill)
