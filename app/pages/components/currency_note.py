"""The plain word that linked accounts count in different currencies (Settings › Sharing, the dashboard).

Amounts carry no currency of their own, so a total over two accounts adds euros and dollars as they are;
the person reading it should know, in neutral words: it is a fact about the household, not an error.
"""

from __future__ import annotations

from nicegui import ui

from app.i18n import _
from app.services.links import CurrencyDifference


def currency_note(differences: list[CurrencyDifference], *, banner: bool = False) -> None:
    """Nothing when every linked account counts in the same currency. `banner`: framed, for the top of
    the dashboard; otherwise a line inside a card."""
    if not differences:
        return
    frame = 'w-full items-start gap-2 no-wrap text-sm'
    if banner:
        frame += ' rounded-borders border border-gray-500/30 px-3 py-2'
    with ui.row().classes(frame).mark('currency-differences'):
        ui.icon('currency_exchange', size='sm').classes('opacity-70 shrink-0')
        with ui.column().classes('gap-1 min-w-0'):
            for difference in differences:
                text = _(
                    '{username} counts in {currency}, you in {my_currency}: totals that mix your expenses add both '
                    'as they are.',
                    username=difference.username,
                    currency=difference.currency,
                    my_currency=difference.my_currency,
                )
                ui.label(text).mark(f'currency-difference-{difference.username}')
            ui.label(_('To count in one currency, choose the household currency in Settings › Sharing.')).classes(
                'opacity-70'
            )
