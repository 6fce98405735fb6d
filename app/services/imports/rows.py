"""Rows into expenses-to-be: `analyse` decides from the whole column what a row alone cannot tell (the date
format, the decimal separator), and `read_rows` turns each row into a ParsedRow, a RowProblem (row number,
column, value, a message for a person) or a SkippedRow (income, transfer, zero, empty). Nothing raises for a
bad row; a bad file raises ImportFileError.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from app.i18n import Message, Plural
from app.services.errors import Invalid
from app.services.imports import amounts, dates
from app.services.imports.headers import normal
from app.services.imports.shapes import (
    NEGATIVES,
    DateQuestion,
    Mapping,
    ParsedRow,
    ReadOptions,
    RowProblem,
    SkippedRow,
    Table,
    shown,
)
from app.services.imports.tables import iter_rows

# what a type column says, in English and French (normal form) -> the kind of row
TYPE_WORDS = {
    'income': (
        'income',
        'revenue',
        'revenu',
        'revenus',
        'recette',
        'recettes',
        'deposit',
        'credit',
        'salary',
        'salaire',
        'gain',
        'gains',
        'entree',
        'virement recu',
        'incoming transfer',
        'interest',
        'interets',
        'dividend',
        'dividende',
    ),
    'transfer': (
        'transfer',
        'transfert',
        'virement',
        'virement interne',
        'opening balance',
        'solde initial',
        'reconciliation',
        'reimbursement',
        'remboursement',
        'settlement',
        'topup',
        'top up',
        'exchange',
        'change',
        'internal transfer',
    ),
    'expense': ('expense', 'expenses', 'depense', 'depenses', 'withdrawal', 'debit', 'retrait', 'sortie', 'payment'),
}
_TYPE_OF = {word: kind for kind, words in TYPE_WORDS.items() for word in words}
_YES = frozenset({'yes', 'oui', 'true', 'vrai', '1', 'y', 'o'})
_TAG_SPLIT = re.compile(r'[,;|]')
_FORMULA_ESCAPE = ("'=", "'+", "'-", "'@", "'\t", "'\r")
MAX_TEXT = 1000


def _require(mapping: Mapping, options: ReadOptions | None = None) -> None:
    """A mapping that can make expenses: a date and an amount (or debit/credit) column."""
    if not mapping.get('date'):
        raise Invalid(Message('Choose the column that holds the date.'), field='date')
    if not (mapping.get('amount') or mapping.get('debit') or mapping.get('credit')):
        raise Invalid(
            Message('Choose the column that holds the amount (or the debit and credit columns).'), field='amount'
        )
    if options is not None and options.negatives not in NEGATIVES:
        raise Invalid(Message('Negative amounts are either expenses or refunds.'), field='negatives')


def _indexes(table: Table, mapping: Mapping) -> dict[str, int]:
    positions = {header: index for index, header in enumerate(table.headers)}
    found = {}
    for field, header in mapping.columns:
        if header not in positions:
            raise Invalid(
                Message('The file has no column {header} (for {field}).', header=shown(header), field=field),
                field='mapping',
            )
        found[field] = positions[header]
    return found


def analyse(table: Table, path: Path, mapping: Mapping, options: ReadOptions) -> DateQuestion | ReadOptions:
    """One streaming pass over the date and amount columns: the options completed (date format and decimal
    separator decided from every row), or the question to ask when the dates stay ambiguous.

    A column of amounts that are all positive cannot mean "negative is spending": the options then read
    positive amounts as spending (a tracker's export), whatever the preset said."""
    _require(mapping, options)
    index = _indexes(table, mapping)
    date_at = index['date']
    money_at = [index[field] for field in ('amount', 'debit', 'credit') if field in index]
    date_tally = dates.DateTally()
    decimal_tally = amounts.DecimalTally()
    for _, cells in iter_rows(table, path):
        if date_at < len(cells):
            date_tally.add(cells[date_at])
        for at in money_at:
            if at < len(cells):
                decimal_tally.add(cells[at])
    if options.decimal is None:
        options = replace(options, decimal=decimal_tally.decimal())
    if 'amount' in index and decimal_tally.negatives == 0 and decimal_tally.positives > 0:
        options = replace(options, negatives='refunds')
    if options.date_format is None:
        chosen, tied, examples = date_tally.decide()
        if chosen is None and tied:
            return DateQuestion(column=mapping.get('date') or '', candidates=tied, examples=examples)
        options = replace(options, date_format=chosen)
    return options


def read_rows(
    table: Table, path: Path, mapping: Mapping, options: ReadOptions
) -> Iterator[ParsedRow | RowProblem | SkippedRow]:
    """Each row below the header, as an expense to be, a problem or a skip; options as `analyse` completed them
    (a missing date format is decided here by an analyse pass, and an ambiguous one becomes the first format)."""
    _require(mapping, options)
    index = _indexes(table, mapping)
    if options.date_format is None or options.decimal is None:
        analysed = analyse(table, path, mapping, options)
        if isinstance(analysed, DateQuestion):
            analysed = replace(options, date_format=analysed.candidates[0], decimal=options.decimal or '.')
        options = analysed
    reader = _RowReader(table, mapping, index, options)
    for number, cells in iter_rows(table, path):
        yield reader.read(number, cells)


class _RowReader:
    def __init__(self, table: Table, mapping: Mapping, index: dict[str, int], options: ReadOptions) -> None:
        self.mapping = mapping
        self.index = index
        self.options = options
        self.width = len(table.headers)
        self.decimal = options.decimal or '.'
        type_header = mapping.get('type')
        self.yes_no_type = type_header is not None and normal(type_header).startswith('is ')
        self.needed = max(index.values()) + 1  # a row shorter than this misses a mapped column
        self.has_coordinates = 'latitude' in index or 'longitude' in index
        self.kinds: dict[str, str] = {}  # a type column holds a handful of values: each is classified once

    def cell(self, cells: tuple[str, ...], field: str) -> str | None:
        """The field's cell; `read` has checked that the row is wide enough for every mapped column."""
        at = self.index.get(field)
        return None if at is None else cells[at]

    def read(self, number: int, cells: tuple[str, ...]) -> ParsedRow | RowProblem | SkippedRow:
        if not ''.join(cells).strip():
            return SkippedRow(number, 'empty')
        if len(cells) < self.needed:
            missing = min((at, field) for field, at in self.index.items() if at >= len(cells))[1]
            return RowProblem(
                number,
                self.mapping.get(missing) or missing,
                '',
                Plural(
                    'This row has {n} column where the header has {width}.',
                    'This row has {n} columns where the header has {width}.',
                    n=len(cells),
                    width=self.width,
                ),
            )
        kind = self.kind(self.cell(cells, 'type'))
        if kind in self.options.skip_types:
            return SkippedRow(number, kind)
        when = self.date(number, cells)
        if isinstance(when, RowProblem):
            return when
        cents = self.amount(number, cells)
        if isinstance(cents, RowProblem):
            return cents
        if cents == 0:
            return SkippedRow(number, 'zero')
        where = self.coordinates(number, cells) if self.has_coordinates else (None, None)
        if isinstance(where, RowProblem):
            return where
        currency = self.text(cells, 'currency')
        if currency is not None:
            currency = currency.upper()
            if not re.fullmatch(r'[A-Z]{3}', currency):
                return self.problem(
                    number,
                    'currency',
                    currency,
                    Message('{value} is not a currency code such as EUR.', value=shown(currency)),
                )
        return ParsedRow(
            row_number=number,
            date=when[0],
            time=when[1],
            amount_cents=cents,
            category=self.text(cells, 'category'),
            subcategory=self.text(cells, 'subcategory'),
            payment_method=self.text(cells, 'payment_method'),
            description=self.text(cells, 'description') or '',
            place=self.text(cells, 'place'),
            latitude=where[0],
            longitude=where[1],
            tags=self.tags(cells),
            currency=currency,
            external_id=self.text(cells, 'external_id'),
        )

    def problem(self, number: int, field: str, value: str, message: Message) -> RowProblem:
        return RowProblem(number, self.mapping.get(field) or field, shown(value), message)

    def kind(self, value: str | None) -> str:
        if value is None:
            return 'expense'
        kind = self.kinds.get(value)
        if kind is None:
            word = normal(value)
            yes_no = 'transfer' if word in _YES else 'expense'
            kind = yes_no if self.yes_no_type else _TYPE_OF.get(word, 'expense')
            if len(self.kinds) < 1000:
                self.kinds[value] = kind
        return kind

    def text(self, cells: tuple[str, ...], field: str) -> str | None:
        at = self.index.get(field)
        if at is None:
            return None
        value = cells[at].strip()
        if value.startswith(_FORMULA_ESCAPE):
            value = value[1:]  # our CSV export's guard against formulas, undone
        return value[:MAX_TEXT] or None

    def date(self, number: int, cells: tuple[str, ...]) -> tuple[datetime.date, datetime.time | None] | RowProblem:
        value = (self.cell(cells, 'date') or '').strip()
        if not value:
            return self.problem(number, 'date', value, Message('The date is empty.'))
        fmt = self.options.date_format
        found = dates.parse(value, fmt) if fmt else None
        if found is not None:
            return found
        parts = dates.split(value)
        if parts is not None and not dates.candidates(parts[0]):
            return self.problem(number, 'date', value, Message('{value} is not a real date.', value=shown(value)))
        if fmt is None:
            return self.problem(number, 'date', value, Message('{value} is not a date.', value=shown(value)))
        return self.problem(
            number,
            'date',
            value,
            Message('{value} is not a date written like {example}.', value=shown(value), example=dates.example(fmt)),
        )

    def amount(self, number: int, cells: tuple[str, ...]) -> int | RowProblem:
        if 'amount' in self.index:
            value = self.cell(cells, 'amount') or ''
            try:
                signed = amounts.parse_signed(value, self.decimal)
            except amounts.AmountError as error:
                return self.problem(number, 'amount', value, error.message)
            return -signed if self.options.negatives == 'expenses' else signed
        total = 0
        seen = False
        for field, sign in (('debit', 1), ('credit', -1)):
            value = (self.cell(cells, field) or '').strip()
            if not value:
                continue
            try:
                total += sign * abs(amounts.parse_signed(value, self.decimal))
            except amounts.AmountError as error:
                return self.problem(number, field, value, error.message)
            seen = True
        if not seen:
            field = 'debit' if 'debit' in self.index else 'credit'
            return self.problem(number, field, '', Message('The row has no amount, neither debit nor credit.'))
        return total

    def coordinates(self, number: int, cells: tuple[str, ...]) -> tuple[float | None, float | None] | RowProblem:
        found: list[float | None] = []
        for field, limit, message in (
            ('latitude', 90.0, Message('The latitude must be a number between -90 and 90.')),
            ('longitude', 180.0, Message('The longitude must be a number between -180 and 180.')),
        ):
            value = (self.cell(cells, field) or '').strip()
            if not value:
                found.append(None)
                continue
            try:
                number_value = float(value.replace(',', '.'))
            except ValueError:
                number_value = float('nan')
            if not -limit <= number_value <= limit:
                return self.problem(number, field, value, message)
            found.append(number_value)
        if (found[0] is None) != (found[1] is None):
            return self.problem(number, 'latitude', '', Message('A place needs both a latitude and a longitude.'))
        return found[0], found[1]

    def tags(self, cells: tuple[str, ...]) -> tuple[str, ...]:
        value = self.text(cells, 'tags')
        if not value:
            return ()
        seen: dict[str, None] = {}
        for piece in _TAG_SPLIT.split(value):
            tag = piece.strip().lstrip('#').strip()[:60]
            if tag:
                seen.setdefault(tag, None)
        return tuple(seen)[:50]
