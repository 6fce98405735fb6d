"""Settings › Exchange rates (issue 20): the rates the households' conversions use, newest first, and the
expenses that wait for one. Everyone reads them; an administrator enters or corrects a rate for a date and a
currency, deletes a wrong one, or fetches today's from RATES_URL now ("Update now": the fetch of
`manage.py rates update`). The rules are in app/services/rates.py; every text is set as text, never HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from app.config import get_settings
from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm
from app.pages.components.household_currency_card import waiting_lines
from app.services import conversion, currencies, formats, rates, rates_fetch
from app.services.clock import today
from app.services.rates import RateList, RateView
from app.services.rates_fetch import FetchReport

SHOWN = 60


def _fetched(report: FetchReport) -> str:
    return ngettext(
        '{n} rate written, up to {date}.',
        '{n} rates written, up to {date}.',
        report.written,
        date=report.days[-1].isoformat(),
    )


async def rates_tab(user: User) -> None:
    dialogs = ui.element()  # outside the list, which every change rebuilds
    with ui.card().classes('w-full max-w-2xl').mark('exchange-rates'):
        ui.label(_('Exchange rates')).classes('text-lg font-semibold')
        ui.label(
            _(
                'A rate is how many units of a currency one euro buys on a day. An expense in another currency '
                'is counted at the rate of its date (or the latest one of the week before).'
            )
        ).classes('text-sm opacity-80')
        form = _RateForm(user, lambda: show()) if user.is_admin else None
        if form is None:
            ui.label(_('An administrator enters the rates here; they are also fetched every day.')).classes(
                'text-xs opacity-70'
            )
        waiting = ui.column().classes('w-full gap-1')
        rows = ui.column().classes('w-full gap-0').mark('rate-list')

    async def show() -> None:
        found = await run.io_bound(rates.list_rates, user, None, None, None, SHOWN)
        if found is None:  # the page went away meanwhile
            return
        _show_waiting(found, user, waiting)
        rows.clear()
        with rows:
            if not found.rates:
                text = _('No exchange rates yet: they are fetched every day, or entered by an administrator.')
                ui.label(text).classes('opacity-70').mark('no-rates')
            for rate in found.rates:
                _rate_row(rate)

    def _rate_row(rate: RateView) -> None:
        key = f'{rate.currency}-{rate.date.isoformat()}'
        with ui.row().classes('w-full items-center no-wrap gap-2 border-b border-gray-500/30 py-1').mark(f'rate-{key}'):
            with ui.column().classes('gap-0 min-w-0 grow'):
                shown = _rate_text(rate.rate, user.locale)
                line = _('1 EUR = {rate} {currency}', rate=shown, currency=rate.currency)
                ui.label(line).classes('font-medium break-all')
                source = _('entered by hand') if rate.source == 'manual' else _('fetched')
                day = formats.short_date(rate.date, user.locale)
                ui.label(_('{date}, {source}', date=day, source=source)).classes('text-xs opacity-70')
            if form is None:
                return
            edit = ui.button(icon='edit', on_click=lambda r=rate: form.fill(r)).props('flat round')
            edit.props['aria-label'] = _('Correct the rate of {currency} on {date}', currency=rate.currency, date=day)
            edit.mark(f'edit-rate-{key}')
            delete = ui.button(icon='delete', on_click=lambda r=rate: ask_delete(r)).props('flat round color=negative')
            delete.props['aria-label'] = _('Delete the rate of {currency} on {date}', currency=rate.currency, date=day)
            delete.mark(f'delete-rate-{key}')

    def ask_delete(rate: RateView) -> None:
        with dialogs:
            confirm(
                _('Delete the rate of {currency} on {date}?', currency=rate.currency, date=rate.date.isoformat()),
                _('The expenses it converted count at an older rate of the week before, or wait for a new one.'),
                confirm=_('Delete'),
                marks=Marks.named('delete-rate'),
                on_confirm=lambda **shown: call_service(
                    rates.delete_rate,
                    user,
                    rate.currency,
                    rate.date,
                    refresh=show,
                    success=_('Rate deleted.'),
                    **shown,
                ),
            )

    ui.timer(0, show, once=True)


def _rate_text(rate: str, locale: str) -> str:
    """The exact decimal text with the locale's decimal sign ('1,0845' in French), never rounded."""
    return rate.replace('.', formats.decimal_sign(locale))


def _show_waiting(found: RateList, user: User, box: ui.column) -> None:
    box.clear()
    with box:
        waiting_lines(found, user, 'rate-waiting')


class _RateForm:
    """An administrator's line: currency, rate, date, Save; and "Update now" when RATES_URL is set.
    Markers: `rate-currency`, `rate-value`, `rate-date`, `save-rate`, `update-rates`."""

    def __init__(self, user: User, refresh: Callable[[], Any]) -> None:
        self.user = user
        self.refresh = refresh
        options = currencies.choices(user.currency, user.locale)
        options.pop(conversion.BASE, None)  # the base: always 1
        with ui.row().classes('w-full items-start gap-2'):
            self.currency = (
                ui.select(options, value=next(iter(options)), label=_('Currency'), new_value_mode='add-unique')
                .props('outlined dense options-dense hide-bottom-space use-input input-debounce=0')
                .classes('w-40')
                .mark('rate-currency')
            )
            self.rate = (
                ui.input(_('Rate'))
                .props('outlined dense inputmode=decimal autocomplete=off hide-bottom-space maxlength=40')
                .classes('w-32')
                .mark('rate-value')
            )
            self.rate.props['hint'] = _('for 1 EUR')
            self.day = (
                ui.input(_('Date'), value=today(user.timezone).isoformat())
                .props('outlined dense mask="####-##-##" hide-bottom-space')
                .classes('w-36')
                .mark('rate-date')
            )
        with ui.row().classes('w-full items-center gap-2'):
            self.save = ui.button(_('Save rate'), on_click=self.submit).props('unelevated no-caps').mark('save-rate')
            url = get_settings().rates_url.strip()
            if url:
                self.update = ui.button(_('Update now'), icon='sync', on_click=lambda: self.fetch(url))
                self.update.props('flat no-caps').mark('update-rates')
        self.rate.on('keydown.enter', self.submit)

    def fill(self, rate: RateView) -> None:
        """Edit: the form takes the rate's currency and date; saving replaces it."""
        options = dict(self.currency.options) if isinstance(self.currency.options, dict) else {}
        if rate.currency not in options:
            options[rate.currency] = rate.currency
            self.currency.set_options(options)
        self.currency.set_value(rate.currency)
        self.day.set_value(rate.date.isoformat())
        self.rate.set_value(_rate_text(rate.rate, self.user.locale))
        self.rate.run_method('focus')

    async def submit(self) -> None:
        saved = await call_service(
            rates.set_rate,
            self.user,
            self.currency.value or '',
            self.rate.value or '',
            self.day.value or '',
            fields={'currency': self.currency, 'rate': self.rate, 'date': self.day},
            busy=self.save,
            refresh=self.refresh,
            success=lambda view: _(
                '1 EUR = {rate} {currency} on {date}; the expenses it converts are counted again.',
                rate=_rate_text(view.rate, self.user.locale),
                currency=view.currency,
                date=view.date.isoformat(),
            ),
        )
        if saved is not None:
            self.rate.set_value('')

    async def fetch(self, url: str) -> None:
        await call_service(
            rates_fetch.update_now, self.user, url, busy=self.update, refresh=self.refresh, success=_fetched
        )
