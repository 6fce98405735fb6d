"""Exchange rates (issue 20, item 4): entered by hand for a date, or fetched daily (`rates_fetch`), and what
follows from them: the expenses they convert are counted again at once (`conversion.recount_rates`).

A rate is the number of units of a currency that one euro buys on a day (the ECB's convention: USD 1.08
means 1 EUR = 1.08 USD); the euro itself is always 1. A rate entered by hand wins over a fetched one for
the same day and currency: a later fetch does not overwrite it. Rates are the installation's: everyone
reads them, an administrator enters them (they change how every household counts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from app.db import write_transaction
from app.i18n import Message
from app.models import Expense, User, utcnow
from app.models.currency import ExchangeRate, MissingRate
from app.services import access, conversion, currencies, settlement_currency
from app.services.clock import today
from app.services.errors import Forbidden, Invalid, NotFound
from app.services.months import parse_date
from app.services.validation import is_blank

MAX_RATE = Decimal(1_000_000_000)
MAX_LIST = 1000
SOURCES = ('manual', 'fetched')


@dataclass(frozen=True, slots=True, kw_only=True)
class RateView:
    """One rate: `rate` units of `currency` for one euro on `date`."""

    date: dt.date
    currency: str
    rate: str  # exact decimal text, as stored
    source: str  # manual | fetched


@dataclass(frozen=True, slots=True, kw_only=True)
class MissingView:
    """A date and currency whose rate `expenses` expenses wait for."""

    date: dt.date
    currency: str
    expenses: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RateList:
    """Rates newest first, and the expenses that still wait for a rate (date and currency)."""

    rates: tuple[RateView, ...]
    missing: tuple[MissingView, ...]


def parse_rate(value: object, *, field: str = 'rate') -> Decimal:
    """A rate: a decimal number more than zero ('1.0845', '1,0845', 161), at most 12 significant digits."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(Message('Enter a rate, such as 1.0845 (units of the currency for one euro).'), field=field)
    text = str(value).strip().replace(',', '.') if isinstance(value, str | int | float | Decimal) else ''
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = Decimal('NaN')
    if not rate.is_finite() or len(text) > 40:
        raise Invalid(
            Message('{value} is not a rate; use a number such as 1.0845.', value=str(value)[:40]), field=field
        )
    if rate <= 0:
        raise Invalid(Message('A rate must be more than zero.'), field=field)
    if rate > MAX_RATE or len(rate.normalize().as_tuple().digits) > 12:
        raise Invalid(Message('This rate is too large or too precise to be real; check it.'), field=field)
    return rate.normalize()


def _view(row: ExchangeRate) -> RateView:
    day = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day)[:10])
    return RateView(date=day, currency=row.currency, rate=row.rate, source=row.source)


def _text(rate: Decimal) -> str:
    return format(rate.normalize(), 'f')


def set_rate(user: User | None, currency: object, rate: object, day: object = None) -> RateView:
    """Enter (or correct) the rate of `currency` on `day` (today when empty) by hand; the expenses it
    converts are counted again. Administrators only (None: the operator, at the command line)."""
    if user is not None and not user.is_admin:
        raise Forbidden(Message('Only an administrator may enter exchange rates.'))
    code = currencies.check_currency(currency)
    if code == conversion.BASE:
        raise Invalid(Message('The euro is the base of every rate: its rate is always 1.'), field='currency')
    value = parse_rate(rate)
    when = today(user.timezone if user else None) if is_blank(day) else parse_date(day)
    with write_transaction():
        row = ExchangeRate.get_or_none((ExchangeRate.currency == code) & (ExchangeRate.day == when))
        if row is None:
            row = ExchangeRate.create(
                day=when, currency=code, rate=_text(value), source='manual', created_by=user.id if user else None
            )
        else:
            ExchangeRate.update(
                rate=_text(value), source='manual', created_by=user.id if user else None, updated_at=utcnow()
            ).where(ExchangeRate.id == row.id).execute()
            row = ExchangeRate.get_by_id(row.id)
        conversion.recount_rates({code: [when]})
        settlement_currency.recount({code: [when]})
    return _view(row)


def delete_rate(user: User | None, currency: object, day: object) -> RateView:
    """Delete the rate of `currency` on `day` (a wrong one; administrators only). The expenses it converted
    are counted again: with an older rate of the week before, or else marked as waiting for one."""
    if user is not None and not user.is_admin:
        raise Forbidden(Message('Only an administrator may enter exchange rates.'))
    code = currencies.check_currency(currency)
    when = parse_date(day)
    with write_transaction():
        row = ExchangeRate.get_or_none((ExchangeRate.currency == code) & (ExchangeRate.day == when))
        if row is None:
            raise NotFound(
                Message('No rate of {currency} on {date}.', currency=code, date=when.isoformat()), field='date'
            )
        gone = _view(row)
        row.delete_instance()
        conversion.recount_rates({code: [when]})
        settlement_currency.recount({code: [when]})
    return gone


def store_rates(table: Mapping[date, Mapping[str, Decimal]]) -> tuple[int, int]:
    """Write fetched rates (day -> currency -> rate) in one transaction, keeping the ones entered by hand,
    then count again what they convert. Returns (rates written, expenses still waiting for a rate)."""
    written: dict[str, list[date]] = {}
    with write_transaction():
        for day, rates in table.items():
            existing = {r.currency: r for r in ExchangeRate.select().where(ExchangeRate.day == day)}
            for code, rate in rates.items():
                row = existing.get(code)
                text = _text(rate)
                if row is None:
                    ExchangeRate.create(day=day, currency=code, rate=text, source='fetched')
                elif row.source == 'fetched' and row.rate != text:
                    row.rate, row.updated_at = text, utcnow()
                    row.save()
                else:
                    continue
                written.setdefault(code, []).append(day)
        waiting = conversion.recount_rates(written)
        settlement_currency.recount(written)
    return sum(len(days) for days in written.values()), waiting


def list_rates(
    user: User | None, currency: object = None, since: object = None, until: object = None, limit: int = 100
) -> RateList:
    """Rates, newest first (of one currency, between two dates), and what waits for a rate among the
    expenses `user` sees."""
    query = ExchangeRate.select()
    if not is_blank(currency):
        query = query.where(ExchangeRate.currency == currencies.check_currency(currency))
    if not is_blank(since):
        query = query.where(ExchangeRate.day >= parse_date(since, field='since'))
    if not is_blank(until):
        query = query.where(ExchangeRate.day <= parse_date(until, field='until'))
    limit = max(1, min(int(limit), MAX_LIST))
    rows = query.order_by(ExchangeRate.day.desc(), ExchangeRate.currency).limit(limit)
    waiting: dict[tuple[date, str], int] = {}
    query_missing = MissingRate.select(MissingRate.day, MissingRate.currency).join(
        Expense, on=(MissingRate.expense == Expense.id)
    )
    if user is not None:  # None: the operator sees every household's
        query_missing = query_missing.where(Expense.owner.in_(access.visible_owner_ids(user)))
    pending: Iterable[tuple[object, str]] = cast(Any, query_missing.tuples())
    for day, code in pending:
        key = (day if isinstance(day, date) else date.fromisoformat(str(day)[:10]), code)
        waiting[key] = waiting.get(key, 0) + 1
    missing = tuple(
        MissingView(date=day, currency=code, expenses=count) for (day, code), count in sorted(waiting.items())
    )
    return RateList(rates=tuple(_view(row) for row in rows), missing=missing)


def latest_day() -> date | None:
    """The newest day with a fetched rate (to tell whether today's fetch is still to do)."""
    row = ExchangeRate.select(ExchangeRate.day).where(ExchangeRate.source == 'fetched').order_by(
        ExchangeRate.day.desc()
    ).first()  # fmt: skip
    if row is None:
        return None
    return row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day)[:10])


def is_stale(now: date) -> bool:
    """No fetched rate for a working day before `now`: time to fetch."""
    latest = latest_day()
    return latest is None or latest < now - timedelta(days=1)


def waiting_count(user: User) -> int:
    """How many of the expenses `user` sees wait for a rate (the dashboard's note)."""
    return (
        MissingRate.select()
        .join(Expense, on=(MissingRate.expense == Expense.id))
        .where(Expense.owner.in_(access.visible_owner_ids(user)))
        .count()
    )
