"""The dashboard's word about expenses that wait for an exchange rate (issue 20): they are listed but not
counted until the rate of their date arrives; the person should know why a total looks short."""

from __future__ import annotations

from nicegui import ui

from app.i18n import ngettext


def rate_missing_note(count: int) -> None:
    """Nothing when no expense waits."""
    if count <= 0:
        return
    with (
        ui.row()
        .classes('w-full items-start gap-2 no-wrap text-sm rounded-borders border border-gray-500/30 px-3 py-2')
        .mark('rate-missing')
    ):
        ui.icon('currency_exchange', size='sm').classes('opacity-70 shrink-0')
        ui.label(
            ngettext(
                '{n} expense in another currency waits for the exchange rate of its date: it is not counted yet.',
                '{n} expenses in another currency wait for the exchange rate of their date: they are not counted yet.',
                count,
                n=count,
            )
        )
