"""The household's currency (issue 20, item 4): the one currency a household counts in, and an expense's
own currency as a form or the API gives it.

The household currency is each member's `User.currency` (the currency their totals are shown in).
Choosing it in Settings › Sharing sets it for the whole household: the user and everyone reachable
through links (a chain A–B–C counts in one currency, so that B never sees a total of two), and counts
every expense and settlement of theirs again in it (`conversion`). Settlements are converted at the rate
of their date; when one of those rates is missing the change is refused and nothing is written (an
expense whose rate is missing is only marked, a settlement would silently move a balance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from app.db import write_transaction
from app.i18n import Message
from app.models import Expense, Settlement, User
from app.services import access, conversion, currencies, preferences
from app.services.errors import Invalid
from app.services.formats import as_date
from app.services.money import cents_to_text
from app.services.validation import is_blank


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrencyChange:
    """What choosing the household currency did: the members it changed, the expenses counted again and
    how many of them wait for a rate."""

    currency: str
    members: tuple[str, ...]
    expenses: int
    missing: int


def household_of(user_id: int) -> list[int]:
    """The user and everyone reachable from them through active links, in id order."""
    seen, todo = {user_id}, [user_id]
    while todo:
        for other in access.linked_user_ids(todo.pop()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return sorted(seen)


def check_household_currency(value: object) -> str:
    code = str(value).strip().upper() if isinstance(value, str) else ''
    if code not in preferences.CURRENCIES:
        raise Invalid(
            Message(
                "Currency '{currency}' is not supported; choose one of {choices}.",
                currency=str(value)[:20],
                choices=', '.join(preferences.CURRENCIES),
            ),
            field='currency',
        )
    return code


def _convert_settlements(members: list[int], target: str, book: conversion.RateBook) -> None:
    """Every settlement of the household in `target`, from the amount it was recorded in."""
    former = {u.id: u.currency for u in User.select(User.id, User.currency).where(User.id.in_(members))}
    rows = Settlement.select().where(Settlement.from_user.in_(members) | Settlement.to_user.in_(members))
    for row in rows:
        source = row.currency or former.get(row.from_user_id) or former.get(row.to_user_id) or target
        original = row.original_cents if row.original_cents is not None else row.amount_cents
        cents = book.convert(original, source, target, as_date(row.date))
        if cents is None:
            raise Invalid(
                Message(
                    'The settlement of {amount} {currency} on {date} needs the rate of {currency} for that date; '
                    'enter it first (manage.py rates set).',
                    amount=cents_to_text(original),
                    currency=source,
                    date=as_date(row.date).isoformat(),
                ),
                field='currency',
            )
        Settlement.update(currency=source, original_cents=original, amount_cents=cents, rate_missing=False).where(
            Settlement.id == row.id
        ).execute()


def set_household_currency(user: User, currency: object) -> CurrencyChange:
    """Count the whole household of `user` in `currency` (see the module)."""
    code = check_household_currency(currency)
    book = conversion.RateBook()
    with write_transaction():
        members = household_of(user.id)
        people = list(User.select().where(User.id.in_(members)).order_by(User.id))
        changing = [p for p in people if p.currency != code]
        if changing:
            _convert_settlements(members, code, book)
        missing = counted = 0
        for person in changing:
            conversion.freeze_owner(person.id, person.currency)
            User.update(currency=code).where(User.id == person.id).execute()
            missing += conversion.recount_owner(person.id, book)
            counted += Expense.select().where(Expense.owner == person.id).count()
    user.currency = code
    return CurrencyChange(currency=code, members=tuple(p.username for p in changing), expenses=counted, missing=missing)


def owner_currency(owner_id: int) -> str:
    """The household currency `owner_id`'s expenses are counted in."""
    return cast(str, User.select(User.currency).where(User.id == owner_id).scalar())


def expense_currency(household: str, data: Mapping, cents: int) -> dict:
    """The currency columns of a new expense: `currency` from `data` (the owner's `household` currency when
    blank) and its amount there; a currency without decimals takes whole amounts."""
    code = currencies.currency_or(data.get('currency'), household)
    currencies.check_amount(cents, code)
    return {'currency': code, 'original_cents': cents}


def changed_currency(data: Mapping, columns: Mapping, current: Expense) -> dict:
    """The currency columns of an edit: only when the amount or the currency is given."""
    if 'currency' not in data and 'amount_cents' not in columns:
        return {}
    household = User.get_by_id(current.owner_id).currency
    code = current.currency or household
    if 'currency' in data and not is_blank(data.get('currency')):
        code = currencies.check_currency(data.get('currency'))
    if 'amount_cents' in columns:
        cents = int(columns['amount_cents'])
    elif current.original_cents is not None:
        cents = int(current.original_cents)
    else:
        cents = int(current.amount_cents)
    currencies.check_amount(cents, code, field='amount' if 'amount_cents' in columns else 'currency')
    return {'currency': code, 'original_cents': cents, 'amount_cents': cents}
