"""Currency codes and the decimals of each currency (issue 20, item 4).

An expense may be in any ISO 4217 currency that CLDR knows (Babel's list); the household counts in one of
the currencies a user may choose (`preferences.CURRENCIES`). Amounts are stored, as everywhere in the app,
in hundredths of the currency's unit (`*_cents`): a currency without decimals (JPY, XOF) therefore holds
multiples of 100, and one with three (TND, KWD) is kept to the hundredth, its last digit being always 0.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel.numbers import get_currency_name, get_currency_precision, list_currencies

from app.i18n import Message
from app.services import formats
from app.services.errors import Invalid
from app.services.validation import is_blank

# What a select offers first: the household currencies, then the other ECB reference currencies and TND.
COMMON = (
    'EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'MAD', 'XOF',
    'BGN', 'BRL', 'CNY', 'HKD', 'HUF', 'IDR', 'ILS', 'INR', 'ISK', 'KRW', 'MXN', 'MYR', 'NZD', 'PHP',
    'RON', 'SGD', 'THB', 'TRY', 'ZAR', 'TND',
)  # fmt: skip
_CODE = re.compile(r'[A-Z]{3}')


@lru_cache(maxsize=1)
def known() -> frozenset[str]:
    """Every ISO 4217 code CLDR knows (current and a few historical ones)."""
    return frozenset(code for code in list_currencies() if _CODE.fullmatch(code))


def check_currency(value: object, *, field: str = 'currency') -> str:
    """`value` as an upper-case ISO 4217 code; 422 naming the field when it is not one."""
    text = str(value).strip().upper() if isinstance(value, str) else ''
    if not text or text not in known():
        shown = str(value)[:20] if not isinstance(value, bool) else ''
        raise Invalid(
            Message("'{currency}' is not a currency code; use an ISO 4217 code such as EUR or USD.", currency=shown),
            field=field,
        )
    return text


def currency_or(value: object, default: str, *, field: str = 'currency') -> str:
    """The code given, or `default` when the field is blank."""
    return default if is_blank(value) else check_currency(value, field=field)


def decimals(code: str) -> int:
    """How many decimals the currency is written with (JPY 0, EUR 2, TND 3)."""
    return int(get_currency_precision(code))


def step_cents(code: str) -> int:
    """The smallest amount the app stores in this currency, in hundredths: 100 for JPY, 1 otherwise."""
    return 10 ** max(0, 2 - decimals(code))


def check_amount(cents: int, code: str, *, field: str = 'amount') -> int:
    """An amount typed in `code`: a currency without decimals takes whole units only."""
    if cents % step_cents(code):
        raise Invalid(
            Message('{currency} has no decimals: enter a whole amount.', currency=code),
            field=field,
        )
    return cents


def label(code: str, locale: str) -> str:
    """'USD · US Dollar' / 'USD · dollar des États-Unis', for a select."""
    try:
        name = get_currency_name(code, locale=formats.words_locale(locale))
    except (ValueError, LookupError):
        name = code
    return f'{code} · {name}' if name != code else code


def choices(first: str, locale: str) -> dict[str, str]:
    """The codes a currency select offers, `first` (the household's) at the top, with their names."""
    codes = [first, *(code for code in COMMON if code != first)]
    return {code: label(code, locale) for code in codes}
