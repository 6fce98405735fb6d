"""What an import is asked to do and what it answers (issue 16): frozen dataclasses shared by the service,
the page, the API and the CLI. Texts for a person are lazy `Message`s, rendered by the adapter in its
language; `report_json` gives the API's and the CLI's JSON shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.i18n import Message
from app.services.money import cents_to_number
from app.services.timestamps import Timestamp

MAX_LISTED = 200  # invalid rows and possible duplicates listed in a report (the counts cover them all)
SKIP_REASONS = ('income', 'transfer', 'zero', 'empty', 'refund', 'refunded')
REFUND_MODES = ('deduct', 'skip')  # money in: taken off the purchase it refunds, or skipped


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportOptions:
    """The choices a person makes on the report before confirming.

    `keep_possible`: row numbers of possible duplicates to import anyway (the others are skipped), or
    `keep_all_possible`. `category_map` / `payment_method_map`: a name of the file (as written there)
    -> the id of an existing category / payment method to use instead of creating it; `subcategory_map`:
    (category, subcategory) as the file names them -> the id of an existing category or subcategory for the rows
    of that subcategory (a category's name may be its new or existing parent's). `default_category`
    and `default_payment_method`: an id or a name, for rows that have none (else 'Uncategorised' /
    'Unspecified' in the account's language). `refunds`: what a row of money in does ('deduct': it is taken off
    the purchase of the file it refunds, `import_refunds`; 'skip': it is skipped and counted)."""

    dry_run: bool = True
    skip_invalid: bool = False
    keep_possible: tuple[int, ...] = ()
    keep_all_possible: bool = False
    default_category: str | int | None = None
    default_payment_method: str | int | None = None
    category_map: tuple[tuple[str, int], ...] = ()
    payment_method_map: tuple[tuple[str, int], ...] = ()
    subcategory_map: tuple[tuple[str, str, int], ...] = ()
    refunds: str = 'deduct'


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceInfo:
    """How the file was read (the read side's `Table`, flattened): shown in the report and the history."""

    file_name: str = ''
    file_size: int = 0
    file_format: str = ''
    encoding: str | None = None
    delimiter: str | None = None
    preset: str | None = None
    preset_label: Message | None = None
    headers: tuple[str, ...] = ()
    mapping: tuple[tuple[str, str], ...] = ()
    date_format: str | None = None
    negatives: str = 'expenses'
    skip_types: tuple[str, ...] = ('income', 'transfer')  # the kinds of the type column that are skipped
    preview: tuple[tuple[int, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class InvalidRow:
    row_number: int
    column: str
    value: str
    message: Message


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """A row of the file that loosely matches an expense entered by hand (same amount, dates 3 days apart
    at most): imported only if the person keeps it."""

    row_number: int
    date: dt.date
    amount_cents: int
    description: str
    existing_id: int
    existing_date: dt.date
    existing_description: str
    kept: bool


@dataclass(frozen=True, slots=True)
class RefundRow:
    """A row of money in and what became of it: 'deducted' from the purchase of row `purchase_row` (from
    `purchase_before` to `purchase_after`), 'recorded' (that purchase is already among the expenses at its full
    amount, so nothing is deducted), 'unmatched' (no purchase of the file it refunds) or 'skipped' (the choice)."""

    row_number: int
    date: dt.date
    amount_cents: int  # what came in, positive
    description: str
    status: str
    purchase_row: int | None = None
    purchase_description: str = ''
    purchase_before: int = 0
    purchase_after: int = 0


@dataclass(frozen=True, slots=True)
class NewName:
    """A category (with its parent for a subcategory) or payment method the file names that the account
    does not have yet: created on confirmation unless mapped to an existing one."""

    name: str
    parent: str | None
    rows: int


@dataclass(frozen=True, slots=True)
class DateChoice:
    """The date column stayed ambiguous over all its rows: the person picks the format."""

    column: str
    candidates: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportReport:
    dry_run: bool
    import_id: int | None
    source: SourceInfo
    date_question: DateChoice | None = None
    missing_columns: tuple[str, ...] = ()  # 'date' / 'amount': the mapping must name them before anything
    rows: int = 0
    new: int = 0
    duplicates: int = 0
    possible_count: int = 0
    possible: tuple[PossibleDuplicate, ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()
    invalid_count: int = 0
    invalid: tuple[InvalidRow, ...] = ()
    total_cents: int = 0
    imported: int = 0
    new_categories: tuple[NewName, ...] = ()
    new_payment_methods: tuple[NewName, ...] = ()
    refunds_mode: str = 'deduct'
    refunds_deducted: int = 0  # rows of money in taken off a purchase (the others are in `skipped` as 'refund')
    refunds: tuple[RefundRow, ...] = ()  # the rows of money in (MAX_LISTED at most)
    notes: tuple[Message, ...] = field(default=())

    @property
    def skipped_count(self) -> int:
        return sum(count for _, count in self.skipped)

    @property
    def to_import(self) -> int:
        """What a confirmation imports: the new rows and the possible duplicates kept."""
        return self.new + sum(1 for p in self.possible if p.kept)

    @property
    def can_commit(self) -> bool:
        return self.date_question is None and not self.missing_columns


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportView:
    """One import of the history."""

    id: int
    file_name: str
    file_size: int
    file_format: str
    preset: str
    rows: int
    imported: int
    remaining: int  # its expenses still there (not deleted by hand since)
    total_cents: int
    created_at: Timestamp
    undone_at: Timestamp | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UndoneImport:
    id: int
    expenses_deleted: int
    categories_deleted: int
    payment_methods_deleted: int


def report_json(report: ImportReport, language: str) -> dict[str, Any]:
    """The report as the API answers it and `manage.py import file --json` prints it."""
    source = report.source
    question = report.date_question
    return {
        'dry_run': report.dry_run,
        'import_id': report.import_id,
        'file': {
            'name': source.file_name,
            'size': source.file_size,
            'format': source.file_format,
            'encoding': source.encoding,
            'delimiter': source.delimiter,
            'preset': source.preset,
            'headers': list(source.headers),
            'mapping': dict(source.mapping),
            'date_format': source.date_format,
            'negatives': source.negatives,
            'skip_types': list(source.skip_types),
        },
        'date_question': None
        if question is None
        else {'column': question.column, 'candidates': list(question.candidates), 'examples': list(question.examples)},
        'missing_columns': list(report.missing_columns),
        'rows': report.rows,
        'new': report.new,
        'duplicates': report.duplicates,
        'possible_duplicates': report.possible_count,
        'skipped': dict(report.skipped),
        'invalid': report.invalid_count,
        'to_import': report.to_import,
        'imported': report.imported,
        'total': cents_to_number(report.total_cents),
        'total_cents': report.total_cents,
        'invalid_rows': [
            {'row': p.row_number, 'column': p.column, 'value': p.value, 'message': p.message.render(language)}
            for p in report.invalid
        ],
        'possible_rows': [
            {
                'row': p.row_number,
                'date': p.date.isoformat(),
                'amount': cents_to_number(p.amount_cents),
                'description': p.description,
                'existing_id': p.existing_id,
                'existing_date': p.existing_date.isoformat(),
                'existing_description': p.existing_description,
                'kept': p.kept,
            }
            for p in report.possible
        ],
        'new_categories': [{'name': n.name, 'parent': n.parent, 'rows': n.rows} for n in report.new_categories],
        'new_payment_methods': [{'name': n.name, 'rows': n.rows} for n in report.new_payment_methods],
        'refunds': report.refunds_mode,
        'refunds_deducted': report.refunds_deducted,
        'refund_rows': [
            {
                'row': r.row_number,
                'date': r.date.isoformat(),
                'amount': cents_to_number(r.amount_cents),
                'description': r.description,
                'status': r.status,
                'purchase_row': r.purchase_row,
                'purchase_before': None if r.purchase_row is None else cents_to_number(r.purchase_before),
                'purchase_after': None if r.purchase_row is None else cents_to_number(r.purchase_after),
            }
            for r in report.refunds
        ],
        'notes': [note.render(language) for note in report.notes],
    }
