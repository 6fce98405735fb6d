"""The dashboard's "next 30 days" card: the recurring expenses still to come, by date, with their total.

Shown only when something is coming. Markers: `upcoming-expenses`, `upcoming-total`, `upcoming-<rule>-<date>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.dashboard_cards import chart_card
from app.services import formats, recurring
from app.services.clock import today
from app.services.money import format_money

DAYS = 30
SHOWN = 8


@dataclass(frozen=True, slots=True)
class Coming:
    rule_id: int
    date: date
    label: str
    amount_cents: int


def load_coming(user: User) -> list[Coming]:
    """The occurrences of the next DAYS days (today included), named by their rule's description or category."""
    start = today(user.timezone)
    ahead = recurring.upcoming(user, start, start + timedelta(days=DAYS - 1))
    if not ahead:
        return []
    names = {rule.id: rule.description or rule.category or '' for rule in recurring.list_rules(user)}
    return [Coming(u.rule_id, u.date, names.get(u.rule_id, u.description), u.amount_cents) for u in ahead]


async def upcoming_card(user: User) -> None:
    coming = await run.io_bound(load_coming, user) or []
    if not coming:
        return
    day = today(user.timezone)

    def money(cents: int) -> str:
        return format_money(cents, user.currency, user.locale)

    def link() -> None:
        ui.button(
            _('All recurring expenses'), icon='event_repeat', on_click=lambda: ui.navigate.to('/expenses/recurring')
        ).props('flat dense no-caps').mark('upcoming-all')

    with chart_card(_('Coming in the next 30 days'), marker='upcoming-expenses', extra=link):
        ui.label(money(sum(c.amount_cents for c in coming))).classes('text-xl font-semibold').mark('upcoming-total')
        with ui.column().classes('w-full gap-0'):
            for item in coming[:SHOWN]:
                with (
                    ui.row()
                    .classes('w-full items-center no-wrap gap-3 py-1 border-b border-gray-500/20')
                    .mark(f'upcoming-{item.rule_id}-{item.date.isoformat()}')
                ):
                    ui.label(formats.short_date(item.date, user.locale, today=day)).classes('w-24 shrink-0 text-sm')
                    ui.label(item.label).classes('truncate grow min-w-0 text-sm')
                    ui.label(money(item.amount_cents)).classes('font-medium shrink-0 text-sm')
            if len(coming) > SHOWN:
                ui.label(ngettext('and {n} more', 'and {n} more', len(coming) - SHOWN)).classes(
                    'text-xs opacity-70 pt-1'
                )
