"""CSV and XLSX exports of a month, or of everything, streamed from the database.

Rows come from `expenses.iter_expenses` (a server-side cursor, `.iterator()`), so an export of
100,000 expenses never holds them all in memory: CSV is written row by row, XLSX with openpyxl's
write-only mode, which spools rows to a temporary file.

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
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.config import get_settings
from app.i18n import Message, Plural
from app.models import User
from app.services import expenses
from app.services.expenses import ExpenseFilters, ExpenseRow
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


def receipt_names(expense: ExpenseRow) -> str:
    """The receipts' file names (the files themselves travel in backups, not in exports)."""
    return ', '.join(receipt.filename for receipt in expense.receipts)


def _csv_row(expense: ExpenseRow) -> list[str]:
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
        _csv_safe(receipt_names(expense)),
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
    for expense in expenses.iter_expenses(user, month, scope=scope, filters=filters):
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


@dataclass
class _Widths:
    values: list[int]

    def fit(self, header: list[str]) -> list[float]:
        return [min(max(width, len(title)) + 2, MAX_WIDTH) for width, title in zip(self.values, header)]


def _text_widths(user: User, month: Month | None, scope: str, filters: ExpenseFilters | None) -> _Widths:
    """Column widths that fit, from the longest text of each column, asked of the database up front
    (write-only sheets need their widths before the first row)."""
    longest = expenses.longest_texts(user, month, scope=scope, filters=filters)
    amount_width = len(f'{longest.biggest_cents / 100:,.2f}')
    return _Widths(
        [
            10,
            amount_width,
            longest.category,
            longest.subcategory,
            longest.payment_method,
            longest.description,
            11,
            11,
            longest.created_by,
            20,
            20,
        ]
    )


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
    headers and totals are in `language`."""
    book = Workbook(write_only=True)
    header = xlsx_header(language)
    sheet = book.create_sheet(EXPENSES_SHEET.render(language))
    bold = Font(bold=True)
    fill = PatternFill('solid', fgColor='E0E7FF')
    sheet.freeze_panes = 'A2'
    for index, width in enumerate(_text_widths(user, month, scope, filters).fit(header), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    def header_cell(sheet, title: str) -> Cell:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical='center')
        return cell

    def amount_cell(sheet, cents: int, *, font: Font | None = None) -> Cell:
        cell = WriteOnlyCell(sheet, value=cents / 100)
        cell.number_format = AMOUNT_FORMAT
        if font is not None:
            cell.font = font
        return cell

    def text_cell(sheet, text: str | None):
        """Text stays text: openpyxl would store a string starting with '=' as a formula."""
        if not text:
            return None
        if not text.startswith('='):
            return text
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = 's'
        return cell

    sheet.append([header_cell(sheet, title) for title in header])
    per_category: dict[str, list[int]] = {}
    count = total = 0
    for expense in expenses.iter_expenses(user, month, scope=scope, filters=filters):
        sheet.append(
            [
                expense.date,  # openpyxl gives a date cell the format yyyy-mm-dd
                amount_cell(sheet, expense.amount_cents),
                text_cell(sheet, expense.category),
                text_cell(sheet, expense.subcategory),
                text_cell(sheet, expense.payment_method),
                text_cell(sheet, expense.description),
                expense.latitude,
                expense.longitude,
                text_cell(sheet, expense.created_by),
                text_cell(sheet, ', '.join(expense.tags)),
                text_cell(sheet, receipt_names(expense)),
            ]
        )
        count += 1
        total += expense.amount_cents
        slot = per_category.setdefault(expense.category or '', [0, 0])
        slot[0] += 1
        slot[1] += expense.amount_cents
    label = WriteOnlyCell(sheet, value=Plural('Total ({n} expense)', 'Total ({n} expenses)', n=count).render(language))
    label.font = bold
    sheet.append([label, amount_cell(sheet, total, font=bold)])

    summary = book.create_sheet(SUMMARY_SHEET.render(language))
    summary.freeze_panes = 'A2'
    name_width = max((len(name) for name in per_category), default=8)
    for letter, width in zip('ABCD', (min(max(name_width, 8) + 2, MAX_WIDTH), 10, 14, 10)):
        summary.column_dimensions[letter].width = width
    summary.append([header_cell(summary, title.render(language)) for title in SUMMARY_HEADER])
    for name, (number, cents) in sorted(per_category.items(), key=lambda item: (-item[1][1], item[0].lower())):
        share = WriteOnlyCell(summary, value=round(cents / total, 4) if total else 0)
        share.number_format = '0.0%'
        summary.append([text_cell(summary, name), number, amount_cell(summary, cents), share])
    label = WriteOnlyCell(summary, value=TOTAL.render(language))
    label.font = bold
    count_cell = WriteOnlyCell(summary, value=count)
    count_cell.font = bold
    summary.append([label, count_cell, amount_cell(summary, total, font=bold)])
    book.save(target)
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
