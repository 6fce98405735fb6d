"""Settings › Sharing: the household's currency (issue 20). One select for the whole household (the user
and everyone reachable through links), the expenses that wait for an exchange rate, and the latest rates.
Text only; the rates themselves are entered by an administrator (`manage.py rates set`, POST /sysapi/rates)
or fetched daily from RATES_URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.services import formats, household_currency, preferences, rates
from app.services.currencies import label


def _changed(change: household_currency.CurrencyChange) -> str:
    if not change.members:
        return _('The household already counts in {currency}.', currency=change.currency)
    if change.missing:
        return ngettext(
            'The household now counts in {currency}; {n} expense waits for an exchange rate.',
            'The household now counts in {currency}; {n} expenses wait for an exchange rate.',
            change.missing,
            currency=change.currency,
        )
    return _('The household now counts in {currency}.', currency=change.currency)


def waiting_lines(found: rates.RateList, user: User, marker: str) -> None:
    """A line per date and currency whose rate is missing, saying how many expenses wait for it (here and
    in Settings › Exchange rates); each marked `{marker}-{currency}`."""
    for missing in found.missing:
        ui.label(
            ngettext(
                '{n} expense of {date} in {currency} waits for its exchange rate; it counts once it arrives.',
                '{n} expenses of {date} in {currency} wait for its exchange rate; they count once it arrives.',
                missing.expenses,
                date=formats.short_date(missing.date, user.locale),
                currency=missing.currency,
            )
        ).classes('text-sm text-warning').mark(f'{marker}-{missing.currency}')


async def household_currency_card(user: User, refresh: Callable[[], Any]) -> None:
    """The card; `refresh` rebuilds the tab after a change (the currency note under the links follows)."""
    found = await run.io_bound(rates.list_rates, user, None, None, None, 8)
    if found is None:  # the app is shutting down
        return
    with ui.card().classes('w-full max-w-xl').mark('household-currency'):
        ui.label(_('Household currency')).classes('text-lg font-semibold')
        ui.label(
            _(
                'Everyone you share with counts in this currency. An expense in another currency keeps its own '
                'amount and is counted converted at the exchange rate of its date.'
            )
        ).classes('text-sm opacity-80')
        options = {code: label(code, user.locale) for code in preferences.CURRENCIES}
        with ui.row().classes('w-full items-start gap-2 no-wrap'):
            choice = (
                ui.select(options, value=user.currency, label=_('Currency'))
                .props('outlined options-dense hide-bottom-space')
                .classes('grow min-w-0')
                .mark('household-currency-select')
            )

            async def apply() -> None:
                await call_service(
                    household_currency.set_household_currency,
                    user,
                    choice.value or '',
                    fields={'currency': choice},
                    busy=button,
                    refresh=refresh,
                    success=_changed,
                )

            button = ui.button(_('Apply'), on_click=apply).props('unelevated no-caps').mark('apply-household-currency')
        waiting_lines(found, user, 'rate-missing')
        if found.rates:
            latest = found.rates[0].date
            shown = ', '.join(f'{r.currency} {r.rate}' for r in found.rates if r.date == latest)
            ui.label(
                _('Rates of {date} (for 1 EUR): {rates}', date=formats.short_date(latest, user.locale), rates=shown)
            ).classes('text-xs opacity-70').mark('latest-rates')
        else:
            ui.label(_('No exchange rates yet: they are fetched every day, or entered by an administrator.')).classes(
                'text-xs opacity-70'
            ).mark('no-rates')
