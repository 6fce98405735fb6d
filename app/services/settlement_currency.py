"""A settlement in any currency (issue 20, item 6): `settlement_create` takes an optional `currency`; the
settlement keeps its own amount there (`Settlement.currency`, `original_cents`) and moves the balance by that
amount converted into the household's currency at the rate of its date, by the rules of expenses
(app/services/conversion.py: the rate of the day or the latest of the week before, half-up once).

While that rate is missing the settlement is marked (`rate_missing`) and moves no balance; when rates arrive,
are corrected or are deleted (app/services/rates.py), the settlements they concern are converted again, as
the expenses are. The household currency is the sender's (`User.currency`: a household counts in one)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, cast

from app.db import write_transaction
from app.models import Settlement, User
from app.services import conversion, currencies
from app.services.timestamps import as_date


def columns(household: str, currency: object, cents: int, day: date) -> dict[str, Any]:
    """The columns of a new settlement of `cents` in `currency` (blank: the household's) on `day`."""
    code = currencies.currency_or(currency, household)
    currencies.check_amount(cents, code)
    converted = conversion.convert(cents, code, household, day)
    return {
        'currency': code,
        'original_cents': cents,
        'amount_cents': converted if converted is not None else cents,  # a stand-in that keeps the CHECK
        'rate_missing': converted is None,
    }


def recount(days: Mapping[str, Iterable[date]]) -> int:
    """Convert again the settlements that new (or corrected, or deleted) rates of these currencies and days
    concern: in, or counted in, one of the currencies, dated from the day to MAX_GAP_DAYS after it. Returns
    how many still wait for a rate."""
    conditions: list[Any] = []
    for code, dates in days.items():
        listed = sorted(set(dates))
        if not listed:
            continue
        first, last = listed[0], listed[-1] + timedelta(days=conversion.MAX_GAP_DAYS)
        concerned = (Settlement.currency == code) | (User.currency == code)
        conditions.append(concerned & (Settlement.date >= first) & (Settlement.date <= last))
    if not conditions:
        return 0
    either = conditions[0]
    for condition in conditions[1:]:
        either = either | condition
    foreign = Settlement.currency.is_null(False) & (Settlement.currency != User.currency)
    book, waiting = conversion.RateBook(), 0
    with write_transaction():
        rows: Iterable[tuple[int, int, str, int | None, object, bool, str]] = cast(
            Any,
            Settlement.select(
                Settlement.id,
                Settlement.amount_cents,
                Settlement.currency,
                Settlement.original_cents,
                Settlement.date,
                Settlement.rate_missing,
                User.currency,
            )
            .join(User, on=(Settlement.from_user == User.id))
            .where(foreign & either)
            .tuples(),
        )
        for row_id, now, source, original, day, was_missing, household in list(rows):
            base = original if original is not None else now
            cents = book.convert(base, source, household, as_date(day))  # type: ignore[arg-type]
            missing = cents is None
            waiting += missing
            amount = base if cents is None else cents
            if (amount, missing) != (now, bool(was_missing)):
                Settlement.update(amount_cents=amount, rate_missing=missing).where(Settlement.id == row_id).execute()
    return waiting
