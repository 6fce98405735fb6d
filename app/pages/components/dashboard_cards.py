"""The dashboard's cards: a key figure with its comparison with the month before, and a chart's frame."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from app.i18n import _
from app.pages.components.dashboard_widgets import Formats
from app.services.stats_types import Change

# Spending more than the month before is shown in red, less in green; the number of expenses, and any
# comparison with a month without spending ("nothing in November"), are neutral.
_TONES = {('up', True): 'text-negative', ('down', True): 'text-positive'}  # brand colours follow the theme


def change_text(change: Change, previous_label: str, formats: Formats) -> str:
    """`previous_label` is the previous month's name ('November', 'novembre'), in the user's locale."""
    if change.percent is None:
        if change.direction != 'same':
            return _('nothing in {month}', month=previous_label)
        return _('as in {month}', month=previous_label)
    if change.direction == 'same':
        return _('same as {month}', month=previous_label)
    percent = formats.percent(round(abs(change.percent)))
    if change.direction == 'up':
        return _('▲ {percent} vs {month}', percent=percent, month=previous_label)
    return _('▼ {percent} vs {month}', percent=percent, month=previous_label)


def change_tone(change: Change, spending: bool) -> str:
    if change.percent is None:
        return 'opacity-70'
    return _TONES.get((change.direction, spending), 'opacity-70')


def figure_card(
    label: str,
    value: str,
    change: Change,
    previous_label: str,
    formats: Formats,
    *,
    marker: str,
    caption: str = '',
    spending: bool = True,
) -> None:
    """A key figure with how it compares with the previous month."""
    with ui.card().classes('p-3 gap-1 min-w-0').mark(marker):
        ui.label(label).classes('text-xs uppercase tracking-wide opacity-70')
        ui.label(value).classes('text-xl sm:text-2xl font-semibold break-words').mark(f'{marker}-value')
        if caption:
            ui.label(caption).classes('text-xs opacity-70 truncate w-full').mark(f'{marker}-caption')
        tone = change_tone(change, spending)
        ui.label(change_text(change, previous_label, formats)).classes(f'text-xs {tone}').mark(f'{marker}-change')


def chart_card(title: str, *, marker: str, extra: Callable[[], None] | None = None):
    """A card with a title row (and optional controls on its right) for a chart; use as a context."""
    card = ui.card().classes('w-full p-3 gap-2 min-w-0').mark(marker)
    with card, ui.row().classes('w-full items-center justify-between no-wrap min-h-[2rem]'):
        ui.label(title).classes('text-base font-semibold')
        if extra:
            extra()
    return card
