"""Amounts as files write them, into signed integer cents: decimal comma or dot (decided from the whole column),
thousands separators, currency signs and codes at either end, parentheses or a trailing minus for negatives.

Money never becomes a float: the digits are read into a Decimal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from app.i18n import Message
from app.services.money import MAX_AMOUNT_CENTS

_SPACES = re.compile(r'[\s\u00a0\u202f\'’]')
_CURRENCY = re.compile(r'^[^\d\-+(.,]{1,4}|[^\d\-+).,]{1,4}$')
_NUMBER = re.compile(r'[0-9]+(?:[.,][0-9]+)*[.,]?[0-9]*|[.,][0-9]+')
_COMMA_DECIMAL = re.compile(r'(?:^|[^0-9,.])[0-9]*,[0-9]{1,2}$|[0-9]\.[0-9]{3},[0-9]*$|,[0-9]{4,}$')
_DOT_DECIMAL = re.compile(r'(?:^|[^0-9,.])[0-9]*\.[0-9]{1,2}$|[0-9],[0-9]{3}\.[0-9]*$|\.[0-9]{4,}$')


class AmountError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


_PLAIN_ANY = re.compile(r'(-?)[0-9]{1,12}(?:([.,])[0-9]{1,2})?')


class DecimalTally:
    """Which decimal separator a column uses, counted as it streams by; and whether any amount is negative."""

    def __init__(self) -> None:
        self.commas = self.dots = self.negatives = self.positives = 0

    def add(self, value: str) -> None:
        plain = _PLAIN_ANY.fullmatch(value)
        if plain is not None:  # the common case, without the regular expressions below
            sign, separator = plain.groups()
            if sign:
                self.negatives += 1
            else:
                self.positives += 1
            if separator == ',':
                self.commas += 1
            elif separator == '.':
                self.dots += 1
            return
        text = _SPACES.sub('', value)
        if not text:
            return
        if text.startswith(('-', '(', '−')) or text.endswith(('-', '−')) or '-' in text[:5]:
            self.negatives += 1
        elif any(char.isdigit() for char in text):
            self.positives += 1
        text = _CURRENCY.sub('', text.rstrip('-)−'))
        if _COMMA_DECIMAL.search(text):
            self.commas += 1
        elif _DOT_DECIMAL.search(text):
            self.dots += 1

    def decimal(self) -> str:
        """',' when cents come after a comma more often than after a dot; '.' otherwise."""
        return ',' if self.commas > self.dots else '.'


def decide_decimal(values: Iterable[str]) -> str:
    tally = DecimalTally()
    for value in values:
        tally.add(value)
    return tally.decimal()


_PLAIN = {
    '.': re.compile(r'(-?)([0-9]{1,10})(?:\.([0-9]{1,2}))?'),
    ',': re.compile(r'(-?)([0-9]{1,10})(?:,([0-9]{1,2}))?'),
}


def parse_signed(value: str, decimal: str = '.') -> int:
    """Signed cents of a cell; AmountError with a message for a person when it is no amount."""
    plain = _PLAIN[decimal].fullmatch(value)
    if plain is not None:  # the common case, 100,000 times per file: no Decimal needed
        sign, units, cents = plain.groups()
        total = int(units) * 100 + (int(cents.ljust(2, '0')) if cents else 0)
        if total <= MAX_AMOUNT_CENTS:
            return -total if sign else total
    text = _SPACES.sub('', value)
    if not text:
        raise AmountError(Message('The amount is empty.'))
    if len(text) > 40:
        raise AmountError(Message('The amount is too long to be real; check it.'))
    negative = False
    if text.startswith('(') and text.endswith(')'):
        negative, text = True, text[1:-1]
    text = _strip_currency(text)
    if text.startswith(('-', '−')):
        negative, text = not negative, text[1:]
    elif text.endswith(('-', '−')):
        negative, text = not negative, text[:-1]
    elif text.startswith('+'):
        text = text[1:]
    text = _strip_currency(text)
    if not _NUMBER.fullmatch(text):
        raise AmountError(Message('{value} is not an amount.', value=value.strip()[:40]))
    thousands = ',' if decimal == '.' else '.'
    if text.count(decimal) > 1:
        raise AmountError(Message('{value} is not an amount.', value=value.strip()[:40]))
    text = _plain(text, decimal, thousands, value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise AmountError(Message('{value} is not an amount.', value=value.strip()[:40]))
    if amount * 100 > MAX_AMOUNT_CENTS:
        raise AmountError(Message('The amount is too large to be real (over one billion); check it.'))
    if amount != amount.quantize(Decimal('0.01')):
        raise AmountError(Message('The amount has more than two decimals; round it to the cent.'))
    cents = int(amount * 100)
    return -cents if negative else cents


def _plain(text: str, decimal: str, thousands: str, value: str) -> str:
    """Digits with a dot for decimals. Thousands come in groups of three; a lone "thousands" separator followed
    by one or two digits is the writer's decimal (12.5 in a column of 12,50)."""
    whole, _, cents = text.partition(decimal)
    groups = whole.split(thousands)
    if len(groups) > 1 and any(len(group) != 3 for group in groups[1:]):
        if len(groups) == 2 and not cents and len(groups[1]) <= 2:
            return f'{groups[0]}.{groups[1]}'
        raise AmountError(Message('{value} is not an amount.', value=value.strip()[:40]))
    return ''.join(groups) + ('.' + cents if cents else '')


def _strip_currency(text: str) -> str:
    """'€12.50', '12,50€', 'EUR12.50', '12.50USD', 'CHF-12.50': signs and codes of up to 4 characters."""
    return _CURRENCY.sub('', text)
