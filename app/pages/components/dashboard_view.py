"""The dashboard's two choices for a linked account: how its figures count (my share, what I paid, the
household: `app.services.stats_views`) and whose expenses (everyone's, or only the ones I created).

Markers: `dashboard-view` (the toggle), `dashboard-scope`, `dashboard-view-note` (one line saying what the
figures count)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from app.i18n import N_, _

VIEW_LABELS = {'share': N_('My share'), 'paid': N_('What I paid'), 'household': N_('Household')}
VIEW_NOTES = {
    'share': N_('Your share: your own expenses, and your part of those split with you.'),
    'paid': N_('What you paid, whoever shares it.'),
    'household': N_('Every expense of the household, whole, whoever paid it.'),
}


def view_choices(
    view: str,
    scope: str,
    on_view: Callable[[str], Awaitable[None]],
    on_scope: Callable[[str], Awaitable[None]],
) -> None:
    """Both toggles side by side, wrapping under each other on a phone."""
    with ui.row().classes('items-center gap-2 flex-wrap'):
        ui.toggle(
            {key: _(label) for key, label in VIEW_LABELS.items()},
            value=view,
            on_change=lambda e: on_view(e.value),
        ).props('no-caps dense').tooltip(_('Count your share, what you paid, or the whole household')).mark(
            'dashboard-view'
        )
        ui.toggle(
            {'everyone': _('Everyone'), 'mine': _('Only mine')},
            value=scope,
            on_change=lambda e: on_scope(e.value),
        ).props('no-caps dense').tooltip(_('Your expenses, or also those of the accounts linked to yours')).mark(
            'dashboard-scope'
        )


def view_note(view: str) -> None:
    note = VIEW_NOTES[view]
    ui.label(_(note)).classes('text-sm opacity-70 w-full').mark('dashboard-view-note')
