"""CSV and XLSX exports of a month, or of everything, streamed from the database.

Rows come from `export_rows.iter_export_rows` (two cursors read as they go), so an export of 100,000
expenses never holds them all in memory: CSV is written row by row, XLSX by `xlsx_stream`, which spools rows
to a temporary file.

Language: the XLSX (headers, sheet names, totals) is written in the `language` the caller passes (the
reader's); a service never reads the current language. The CSV header stays the v2.4 reference's English
`date,amount,...` in every language: scripts read it by name, so it is a format, not text for a person.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from app.config import get_settings
from app.i18n import Message, Plural
from app.models import User
from app.services import export_rows
from app.services import xlsx_stream as xlsx
from app.services.expense_search import ExpenseFilters
from app.services.export_rows import ExportRow
from app.services.money import cents_to_text
from app.services.months import Month

# the CSV header: the v2.4 reference's, never translated (scripts read these names)
HEADER = (
    'date',
    'amount',
    'category',
    'subcategory',
    'payment method',
    'description',
    'latitude',
    'longitude',
    'created by',
    'tags',
    'receipts',
)
# the XLSX header: for a person, written in the reader's language (`xlsx_header(language)`)
XLSX_HEADER = (
    Message('Date'),
    Message('Amount'),
    Message('Category'),
    Message('Subcategory'),
    Message('Payment method'),
    Message('Description'),
    Message('Latitude'),
    Message('Longitude'),
    Message('Created by'),
    Message('Tags'),
    Message('Receipts'),
)
TOTAL = Message('Total')
SUMMARY_HEADER = (Message('Category'), Message('Expenses'), TOTAL, Message('Share'))
EXPENSES_SHEET = Message('Expenses')
SUMMARY_SHEET = Message('By category')
CSV_MEDIA_TYPE = 'text/csv; charset=utf-8'
XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
AMOUNT_FORMAT = '#,##0.00'
DATE_FORMAT = 'yyyy-mm-dd'
MAX_WIDTH = 60
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')


def export_filename(month: Month | None, extension: str, filters: ExpenseFilters | None = None) -> str:
    if filters is not None and filters.narrowed:
        return f'expenses-search.{extension}'
    return f'expenses-{month if month is not None else "all"}.{extension}'


def xlsx_header(language: str = 'en') -> list[str]:
    return [title.render(language) for title in XLSX_HEADER]


def _csv_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote (CSV injection)."""
    return "'" + text if text and text.startswith(_FORMULA_START) else text


def _coordinate(value: float | None) -> str:
    return '' if value is None else f'{value:.7f}'.rstrip('0').rstrip('.')


def _csv_row(expense: ExportRow) -> list[str]:
    return [
        expense.date.isoformat(),
        cents_to_text(expense.amount_cents),
        _csv_safe(expense.category or ''),
        _csv_safe(expense.subcategory or ''),
        _csv_safe(expense.payment_method or ''),
        _csv_safe(expense.description or ''),
        _coordinate(expense.latitude),
        _coordinate(expense.longitude),
        _csv_safe(expense.created_by or ''),
        _csv_safe(', '.join(expense.tags)),
        _csv_safe(', '.join(expense.receipts)),
    ]


def csv_chunks(
    user: User,
    month: Month | None,
    *,
    scope: str = 'everyone',
    rows_per_chunk: int = 500,
    filters: ExpenseFilters | None = None,
) -> Iterator[str]:
    """The CSV (UTF-8, header, dot decimals) as text chunks of a few hundred rows each; `filters` (a search's
    results) replaces month and scope when given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    writer.writerow(HEADER)
    pending = 0
    for expense in export_rows.iter_export_rows(user, month, scope=scope, filters=filters):
        writer.writerow(_csv_row(expense))
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def write_csv(
    user: User,
    month: Month | None,
    target: IO[bytes],
    *,
    scope: str = 'everyone',
    filters: ExpenseFilters | None = None,
) -> int:
    """Write the CSV to a binary file; returns the number of expenses written."""
    count = 0
    for chunk in csv_chunks(user, month, scope=scope, filters=filters):
        target.write(chunk.encode('utf-8'))
        count += chunk.count('\r\n')
    return max(count - 1, 0)


class _Widths:
    """The longest text of each column, measured as the rows go by (the widths are written when the sheet
    is finished, so they need no query up front)."""

    def __init__(self, header: list[str]) -> None:
        self.values = [10, 0, 0, 0, 0, 0, 11, 11, 0, 20, 0]
        self.header = header

    def fit(self) -> list[float]:
        return [min(max(width, len(title)) + 2, MAX_WIDTH) for width, title in zip(self.values, self.header)]


_ROW_STYLES = (xlsx.DAY, xlsx.MONEY)
_TEXT_COLUMNS = (2, 3, 4, 5, 8, 10)


def write_xlsx(
    user: User,
    month: Month | None,
    target: str | Path | IO[bytes],
    *,
    scope: str = 'everyone',
    language: str = 'en',
    filters: ExpenseFilters | None = None,
) -> int:
    """Write the XLSX: an `Expenses` sheet (real dates and numbers, bold frozen header, totals row, fitted
    widths) and a `By category` sheet of totals; returns the number of expenses written. Sheet names,
    headers and totals are in `language`. Written by `xlsx_stream` (rows spooled to a temporary file, so
    memory does not grow with the rows); texts are always string cells, never formulas."""
    book = xlsx.Workbook(target)
    try:
        count = _fill_book(book, user, month, scope, language, filters)
    except BaseException:
        book.discard()
        raise
    book.close()
    return count


def _fill_book(
    book: xlsx.Workbook, user: User, month: Month | None, scope: str, language: str, filters: ExpenseFilters | None
) -> int:
    header = xlsx_header(language)
    sheet = book.add_sheet(EXPENSES_SHEET.render(language), [])
    sheet.append(header, [xlsx.HEADER] * len(header))
    widths = _Widths(header)
    longest = widths.values
    per_category: dict[str, list[int]] = {}
    count = total = biggest = 0
    for expense in export_rows.iter_export_rows(user, month, scope=scope, filters=filters):
        cents = expense.amount_cents
        row = (
            xlsx.excel_day(expense.date),
            cents / 100,
            expense.category,
            expense.subcategory,
            expense.payment_method,
            expense.description,
            expense.latitude,
            expense.longitude,
            expense.created_by,
            ', '.join(expense.tags) if expense.tags else None,
            ', '.join(expense.receipts) if expense.receipts else None,  # their file names; the files are in backups
        )
        sheet.append(row, _ROW_STYLES)
        for column in _TEXT_COLUMNS:
            value = row[column]
            if isinstance(value, str) and len(value) > longest[column]:
                longest[column] = len(value)
        count += 1
        total += cents
        biggest = max(biggest, cents)
        slot = per_category.setdefault(expense.category or '', [0, 0])
        slot[0] += 1
        slot[1] += cents
    longest[1] = len(f'{biggest / 100:,.2f}')
    label = Plural('Total ({n} expense)', 'Total ({n} expenses)', n=count).render(language)
    sheet.append((label, total / 100), (xlsx.BOLD, xlsx.BOLD_MONEY))
    sheet.widths = widths.fit()

    name_width = max((len(name) for name in per_category), default=8)
    summary = book.add_sheet(SUMMARY_SHEET.render(language), [min(max(name_width, 8) + 2, MAX_WIDTH), 10, 14, 10])
    summary.append([title.render(language) for title in SUMMARY_HEADER], [xlsx.HEADER] * len(SUMMARY_HEADER))
    styles = (xlsx.PLAIN, xlsx.PLAIN, xlsx.MONEY, xlsx.SHARE)
    for name, (number, cents) in sorted(per_category.items(), key=lambda item: (-item[1][1], item[0].lower())):
        summary.append((name, number, cents / 100, round(cents / total, 4) if total else 0), styles)
    summary.append((TOTAL.render(language), count, total / 100), (xlsx.BOLD, xlsx.BOLD, xlsx.BOLD_MONEY))
    return count


# --- files for the pages' downloads -------------------------------------------------------------------

KEEP_SECONDS = 15 * 60


def _export_dir() -> Path:
    """DATA_DIR/exports, private to the server's user; files older than KEEP_SECONDS are removed."""
    folder = get_settings().data_path / 'exports'
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    return folder


def export_to_file(
    user: User,
    month: Month | None,
    kind: str,
    *,
    scope: str = 'everyone',
    language: str = 'en',
    filters: ExpenseFilters | None = None,
) -> tuple[Path, str]:
    """Write an export for a page to download (a file in DATA_DIR/exports, removed after KEEP_SECONDS);
    returns (path, download name). An XLSX is written in `language` (the page's); a CSV's header is not."""
    if kind not in ('csv', 'xlsx'):
        raise ValueError(kind)
    folder = _export_dir()
    handle, name = tempfile.mkstemp(prefix=f'u{user.id}-', suffix=f'.{kind}', dir=folder)
    with os.fdopen(handle, 'wb') as target:
        if kind == 'csv':
            write_csv(user, month, target, scope=scope, filters=filters)
        else:
            write_xlsx(user, month, target, scope=scope, language=language, filters=filters)
    return Path(name), export_filename(month, kind, filters)
