"""MT940 (SWIFT customer statement), read line by line with a small parser of our own: `:61:` statement lines
with their `:86:` information, the currency from the opening balance (`:60F:`/`:60M:`).

`:61:` is YYMMDD[MMDD] (value date, booking date), D/C (RD/RC for reversals), an optional funds letter, the
amount with a decimal comma, the transaction type (N + 3), the customer's reference and `//` the bank's.
German `:86:` subfields (?20-?29 purpose, ?32/?33 name) are joined into the description.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from app.i18n import Message
from app.services.imports import text_files
from app.services.imports.shapes import ImportFileError, Table

Rows = Iterator[tuple[int, tuple[str, ...]]]
HEADERS = ('date', 'amount', 'description', 'type', 'currency', 'external_id')
MAX_VALUE = 4096
_TAG = re.compile(r':(\d\d[A-Z]?):')
_LINE = re.compile(
    r'(?P<value>\d{6})(?P<booking>\d{4})?(?P<mark>R?[DC])[A-Z]?(?P<amount>\d{1,15},\d{0,2})'
    r'(?P<kind>[NSF][A-Z0-9]{3})(?P<customer>[^/]{0,16})(?://(?P<bank>[^\s]{0,16}))?'
)
_BALANCE = re.compile(r'[DC]\d{6}(?P<currency>[A-Z]{3})')
_SUBFIELD = re.compile(r'\?(\d\d)')


def _date(match: re.Match[str]) -> str:
    value = match.group('value')
    year, month, day = 2000 + int(value[:2]), value[2:4], value[4:6]
    booking = match.group('booking')
    if booking:
        booked_month = int(booking[:2])
        if booked_month == 1 and month == '12':
            year += 1
        elif booked_month == 12 and month == '01':
            year -= 1
        month, day = booking[:2], booking[2:]
    return f'{year:04d}-{month}-{day}'


def _description(information: str) -> str:
    """The `:86:` text; structured subfields reduced to the purpose and the other party's name."""
    text = information.replace('\r', '').replace('\n', '')
    if '?' in text and _SUBFIELD.search(text):
        pieces = _SUBFIELD.split(text)
        fields = dict(zip(pieces[1::2], pieces[2::2]))
        purpose = ''.join(fields.get(str(code), '') for code in range(20, 30))
        name = ''.join(fields.get(code, '') for code in ('32', '33'))
        text = ' – '.join(piece.strip() for piece in (name, purpose) if piece.strip())
    return ' '.join(text.split())[:MAX_VALUE]


def _statements(path: Path, encoding: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    currency = ''
    pending: tuple[int, re.Match[str]] | None = None
    information: list[str] = []
    tag = ''

    def finished() -> tuple[int, tuple[str, ...]] | None:
        if pending is None:
            return None
        number, match = pending
        sign = '-' if match.group('mark') in ('D', 'RC') else ''
        reference = match.group('bank') or match.group('customer').strip()
        if reference.upper() == 'NONREF':
            reference = ''
        row = (
            _date(match),
            sign + match.group('amount'),
            _description(''.join(information)),
            'expense',
            currency,
            reference,
        )
        return number, row

    with text_files.open_text(path, encoding) as handle:
        for number, line in enumerate(text_files.lines(handle, encoding), start=1):
            line = line.rstrip('\r\n')
            if line.startswith('{') or line.startswith('-}') or line.strip() == '-':
                line = line.split('{4:', 1)[1] if '{4:' in line else ''
            found = _TAG.match(line)
            if found is None:
                if tag == '86' and pending is not None and len(information) < 64:
                    information.append(line)
                continue
            tag, rest = found.group(1), line[found.end() :]
            if tag in ('61', '62F', '62M', '20'):
                done = finished()
                if done is not None:
                    yield done
                pending, information = None, []
            if tag in ('60F', '60M'):
                balance = _BALANCE.match(rest)
                currency = balance.group('currency') if balance else currency
            elif tag == '61':
                match = _LINE.match(rest)
                if match is None:
                    raise ImportFileError(
                        Message('Line {line} of this MT940 file is not a statement line we can read.', line=number)
                    )
                pending = (number, match)
            elif tag == '86' and pending is not None:
                information = [rest]
    done = finished()
    if done is not None:
        yield done


def open_table(path: Path, sample: bytes) -> Table:
    encoding = text_files.detect_encoding(sample)
    table = Table('mt940', encoding, None, HEADERS, None, header_line=0)
    if next(rows(table, path), None) is None:
        raise ImportFileError(Message('The statement has no transactions.'))
    return table


def rows(table: Table, path: Path) -> Rows:
    """One row per `:61:` line, numbered by that line."""
    yield from _statements(path, table.encoding or 'latin-1')
