"""QIF (Quicken Interchange Format): records of one-letter lines ending with `^`, read line by line.

Only the transaction sections are read (!Type:Bank, Cash, CCard, Oth A, Oth L); lists of categories, classes,
accounts and investments are passed over. `L` holds `Category:Subcategory`, or `[Account]` for a transfer.
Dates stay as written (Quicken's `1/15'24` made `1/15/24`): the whole column decides day or month first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from app.i18n import Message
from app.services.imports import text_files
from app.services.imports.headers import normal
from app.services.imports.shapes import ImportFileError, Table

Rows = Iterator[tuple[int, tuple[str, ...]]]
HEADERS = ('date', 'amount', 'description', 'category', 'subcategory', 'type', 'external_id')
_TRANSACTIONS = ('type:bank', 'type:cash', 'type:ccard', 'type:oth a', 'type:oth l', 'type:othera', 'type:otherl')
_QUICKEN_YEAR = re.compile(r"\s*'\s*")
MAX_VALUE = 4096
_INCOME = frozenset({'income', 'revenu', 'revenus', 'salary', 'salaire', 'interest', 'interets', 'dividends'})


def _date(value: str) -> str:
    """ "1/15'24" and "1/15' 4" (Quicken's years after 2000) -> '1/15/24' and '1/15/04'."""
    if "'" not in value:
        return value.strip()
    day_month, _, year = value.partition("'")
    return f'{day_month.strip()}/{year.strip().zfill(2)}'


def _records(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line where the record starts, {letter: value}) of each transaction record."""
    section = ''
    record: dict[str, str] = {}
    start = 0
    with text_files.open_text(path, encoding) as handle:
        for number, line in enumerate(text_files.lines(handle, encoding), start=1):
            line = line.rstrip('\r\n')
            if not line.strip():
                continue
            if line.startswith('!'):
                section = line[1:].strip().lower()
                record = {}
                continue
            if section not in _TRANSACTIONS:
                continue
            if line.startswith('^'):
                if record:
                    yield start, record
                record = {}
                continue
            if not record:
                start = number
            letter, value = line[0].upper(), line[1:].strip()[:MAX_VALUE]
            if letter in ('S', 'E', '$'):
                continue  # split lines: the transaction's total (T) is what is spent
            record.setdefault(letter, value)
    if record and section in _TRANSACTIONS:
        yield start, record


def _row(record: dict[str, str]) -> tuple[str, ...]:
    category = record.get('L', '')
    kind, subcategory = 'expense', ''
    if category.startswith('[') and category.endswith(']'):
        kind, category = 'transfer', ''
    elif normal(category.split(':')[0]) in _INCOME:
        kind = 'income'
    else:
        category, _, subcategory = category.partition(':')
        subcategory = subcategory.split(':')[0].split('/')[0]
        category = category.split('/')[0]
    payee, memo = record.get('P', ''), record.get('M', '')
    description = payee if not memo or memo in payee else (f'{payee} – {memo}' if payee else memo)
    return (
        _date(record.get('D', '')),
        record.get('T') or record.get('U', ''),
        description,
        category.strip(),
        subcategory.strip(),
        kind,
        '',
    )


def open_table(path: Path, sample: bytes) -> Table:
    encoding = text_files.detect_encoding(sample)
    table = Table('qif', encoding, None, HEADERS, None, header_line=0)
    if next(rows(table, path), None) is None:
        raise ImportFileError(Message('The QIF file has no bank, cash or card transactions.'))
    return table


def rows(table: Table, path: Path) -> Rows:
    """One row per transaction, numbered by the line where it starts."""
    for number, record in _records(path, table.encoding or 'utf-8'):
        yield number, _row(record)
