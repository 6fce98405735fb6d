"""Amounts: text a person typed into integer cents, and cents back into text (locale formatting lives in
`app.services.formats`).

Money never becomes a float: "12,50" is parsed digit by digit with Decimal.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_symbol

from app.i18n import Message
from app.services import formats
from app.services.errors import Invalid

MAX_AMOUNT_CENTS = 100_000_000_000  # one billion in any currency: past that it is a typo
# thousands separators people type or that our formatting writes (not '_': "1_000" is Python, not an amount)
_SPACES = re.compile(r'[\s\u00a0\u202f\'’]')


def parse_amount(value: object, *, field: str = 'amount') -> int:
    """Cents from `12.5`, `12,50`, `1 234,56`, `1,234.56`, 50 or Decimal; positive, at most 2 decimals."""
    if isinstance(value, bool) or value is None:
        raise Invalid(Message('Enter an amount, such as 12.50.'), field=field)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if value != value or value in (float('inf'), float('-inf')):
            raise Invalid(Message('The amount must be a finite number, such as 12.50.'), field=field)
        text = repr(value)
    elif isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        raise Invalid(Message('Enter the amount as a number, such as 12.50.'), field=field)
    text = _strip_currency(_SPACES.sub('', text.strip())).lstrip('+')
    if not text:
        raise Invalid(Message('Enter an amount, such as 12.50.'), field=field)
    if len(text) > 40:
        raise Invalid(Message('The amount is too long to be real; check it.'), field=field)
    if '.' in text and ',' in text:
        # the last separator is the decimal one: 1,234.56 and 1.234,56
        decimal_sep = '.' if text.rfind('.') > text.rfind(',') else ','
        thousands = ',' if decimal_sep == '.' else '.'
        text = text.replace(thousands, '').replace(decimal_sep, '.')
    else:
        text = text.replace(',', '.')
    if not re.fullmatch(r'-?[0-9]+(\.[0-9]*)?|-?\.[0-9]+', text):  # ASCII digits only: not '１２' nor '١٢'
        raise Invalid(
            Message(
                '{value} is not an amount; use digits with at most two decimals, such as 12.50.', value=str(value)[:40]
            ),
            field=field,
        )
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise Invalid(
            Message('{value} is not an amount; use digits such as 12.50.', value=str(value)[:40]), field=field
        ) from None
    if amount <= 0:
        raise Invalid(Message('The amount must be more than zero.'), field=field)
    if amount * 100 > MAX_AMOUNT_CENTS:  # before quantize(), which fails past 28 digits
        raise Invalid(Message('The amount is too large to be real (over one billion); check it.'), field=field)
    if amount != amount.quantize(Decimal('0.01')):
        raise Invalid(Message('The amount has more than two decimals; round it to the cent.'), field=field)
    return int(amount * 100)


def _strip_currency(text: str) -> str:
    """'€12.50', '12,50 $US', 'CHF 12.50', 'EUR-12.50': the currency sign or code that we display, at either end."""
    for marker in currency_markers():
        if text.startswith(marker):
            text = text[len(marker) :]
        if text.endswith(marker):
            text = text[: -len(marker)]
    return text


@lru_cache(maxsize=1)
def currency_markers() -> tuple[str, ...]:
    """Every sign and code that `format_money` may write for the supported currencies, the longest first."""
    from app.services.users import CURRENCIES, LOCALES  # here: users reaches the database, money does not

    markers = set(CURRENCIES) | {'€', '$', '£', '¥'}
    for code in CURRENCIES:
        for locale in (*LOCALES, 'de-CH'):
            markers.add(_SPACES.sub('', get_currency_symbol(code, formats.babel_locale(locale))))
    return tuple(sorted(markers, key=lambda m: (-len(m), m)))


def cents_to_number(cents: int) -> float:
    """For JSON answers: a number rounded to cents, as the reference API answers."""
    return round(cents / 100, 2)


def cents_to_text(cents: int) -> str:
    """Plain dot-decimal text, for CSV: 1234.5 -> '1234.50'."""
    sign = '-' if cents < 0 else ''
    cents = abs(cents)
    return f'{sign}{cents // 100}.{cents % 100:02d}'


def format_money(cents: int, currency: str = 'EUR', locale: str = 'fr-FR') -> str:
    """1234.56 EUR in fr-FR -> '1 234,56 €'; in en-US -> '€1,234.56' (Babel, through `formats.money`)."""
    return formats.money(cents, currency, locale)
