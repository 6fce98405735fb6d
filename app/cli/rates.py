"""`manage.py rates update|list|set`: the exchange rates of the household currencies (issue 20)."""

from __future__ import annotations

from app.cli.bootstrap import open_db
from app.cli.errors import verb
from app.cli.output import table
from app.config import get_settings
from app.i18n import _
from app.services import rates, rates_fetch


class RatesCommands:
    """Exchange rates: fetch them, list them, enter one by hand."""

    @verb
    def update(self, url: str = '', attempts: int = rates_fetch.ATTEMPTS) -> None:
        """Fetch the rates from RATES_URL (or --url) now; retried, and nothing is written if the source fails."""
        open_db()
        tries = max(1, min(int(attempts), 10)) if str(attempts).isdigit() else rates_fetch.ATTEMPTS
        report = rates_fetch.update_rates(str(url or get_settings().rates_url), attempts=tries, first_wait=2.0)
        print(
            _(
                '{count} rates written for {days} days up to {last}; {waiting} expenses still wait for a rate.',
                count=report.written,
                days=len(report.days),
                last=report.days[-1].isoformat(),
                waiting=report.waiting,
            )
        )

    @verb
    def list(self, currency: str = '', since: str = '', until: str = '', limit: int = 30) -> None:
        """Rates newest first (units of the currency for one euro), then the rates that expenses wait for."""
        open_db()
        found = rates.list_rates(None, str(currency or ''), str(since or ''), str(until or ''), int(limit))
        if found.rates:
            print(
                table(
                    [_('Date'), _('Currency'), _('Rate'), _('Source')],
                    [(r.date.isoformat(), r.currency, r.rate, r.source) for r in found.rates],
                )
            )
        else:
            print(_('No exchange rates yet: run `manage.py rates update` or `manage.py rates set`.'))
        for missing in found.missing:
            print(
                _(
                    'Missing: {currency} on {date} ({count} expenses wait for it).',
                    currency=missing.currency,
                    date=missing.date.isoformat(),
                    count=missing.expenses,
                )
            )

    @verb
    def set(self, currency: str, rate: str, date: str = '') -> None:
        """Enter the rate of CURRENCY for --date (today by default) by hand: RATE units for one euro."""
        open_db()
        if isinstance(rate, tuple | list):  # Fire reads a decimal comma ('1,25') as a tuple: put it back
            rate = ','.join(str(part) for part in rate)
        view = rates.set_rate(None, str(currency), str(rate), str(date or ''))
        print(
            _(
                '1 EUR = {rate} {currency} on {date}; the expenses it converts are counted again.',
                rate=view.rate,
                currency=view.currency,
                date=view.date.isoformat(),
            )
        )
