"""XLSX sheets. Cells become the text a CSV would hold: dates as ISO, numbers without float noise, so one reader
of rows serves both. The first sheet is read (our export's `Expenses`); a totals row at the end is left out.

Two readers, one result: python-calamine (Rust) reads a sheet about twenty times faster than openpyxl but holds
the whole sheet in memory while it is read (about 330 bytes a row of four cells), so it reads files up to
`CALAMINE_MAX_BYTES` (some 300,000 rows); a larger file streams through openpyxl's read-only mode, which never
holds the sheet. Figures in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Generator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from app.i18n import Message
from app.services.imports import text_files
from app.services.imports.shapes import ImportFileError, Table

Rows = Iterator[tuple[int, tuple[str, ...]]]
RowStream = Generator[tuple[int, tuple[str, ...]], None, None]
_TOTAL = re.compile(r'\s*(total|totaux|sous-total|subtotal)\b', re.IGNORECASE)


def cell_text(value: Any) -> str:
    """A cell's value as text: '2024-01-15', '2024-01-15 08:30:00', '12.5', '' for an empty cell."""
    if value is None:
        return ''
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=' ')
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, bool):
        return 'TRUE' if value else 'FALSE'
    if isinstance(value, float):
        return number_text(value)
    return str(value).strip()


def number_text(value: float) -> str:
    """A float as its shortest exact text; float noise past the cent (0.30000000000000004) rounded away."""
    if value != value or value in (float('inf'), float('-inf')):
        return str(value)
    exact = Decimal(repr(value))
    cents = exact.quantize(Decimal('0.01'))
    if exact != cents and abs(exact - cents) < Decimal('0.000001'):
        exact = cents
    text = format(exact, 'f')
    return text[:-2] if text.endswith('.0') else text


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not measure itself on opening: openpyxl parses a whole sheet that lacks a
    <dimension> (openpyxl's own write-only files, our export) just to size it. Rows are read until they end."""

    def _get_size(self) -> None:
        return None


class _FirstSheetReader(ExcelReader):
    """load_workbook(read_only=True), opening the first worksheet only (not the summary sheets after it)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and 'chartsheet' not in rel.Type:
                opened = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                self.wb._sheets.append(opened)  # type: ignore[attr-defined]  # what openpyxl itself does
                return


def _sheet(path: Path) -> Any:
    try:
        reader = _FirstSheetReader(path, read_only=True, data_only=True)
        reader.read()
        book = reader.wb
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, AttributeError):
        raise ImportFileError(Message('This XLSX file cannot be read; open it and save it again, or save it as CSV.'))
    if not book.worksheets:
        raise ImportFileError(Message('The file is empty.'))
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # some writers record a wrong size; read what is there
    return book, sheet


CALAMINE_MAX_BYTES = 8 * 1024 * 1024
_UNREADABLE = Message('This XLSX file cannot be read; open it and save it again, or save it as CSV.')


def _raw_rows(path: Path) -> RowStream:
    """(row number of the sheet, cells as text without trailing empty ones) of every row of the first sheet."""
    if path.stat().st_size <= CALAMINE_MAX_BYTES:
        return _calamine_rows(path)
    return _openpyxl_rows(path)


def _calamine_rows(path: Path) -> RowStream:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum  # loaded when an XLSX comes

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError, OSError) as error:
        raise ImportFileError(_UNREADABLE) from error
    try:
        worksheets = [sheet.name for sheet in book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet]
        if not worksheets:
            raise ImportFileError(Message('The file is empty.'))
        try:
            sheet = book.get_sheet_by_name(worksheets[0])
        except (CalamineError, ValueError, OSError) as error:
            raise ImportFileError(_UNREADABLE) from error
        # its rows start at the sheet's first row, its columns at the first one holding data (a test pins both)
        left = sheet.start[1] if sheet.start else 0
        padding = [''] * min(left, text_files.MAX_COLUMNS)
        for number, values in enumerate(sheet.iter_rows(), start=1):
            cells = padding + [cell_text(value) for value in values[: text_files.MAX_COLUMNS - len(padding)]]
            while cells and not cells[-1]:
                cells.pop()
            yield number, tuple(cells)
    finally:
        book.close()


def _openpyxl_rows(path: Path) -> RowStream:
    book, sheet = _sheet(path)
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(value) for value in values[: text_files.MAX_COLUMNS]]
            while cells and not cells[-1]:
                cells.pop()
            yield number, tuple(cells)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ImportFileError(_UNREADABLE) from error
    finally:
        book.close()


def open_table(path: Path, sample: bytes) -> Table:
    records: list[tuple[int, list[str]]] = []
    rows = _raw_rows(path)
    for number, cells in rows:
        if cells:
            records.append((number, list(cells)))
        if len(records) >= 50:
            break
    rows.close()
    header_line, headers = text_files.header_of(records)
    if not any(number > header_line for number, _ in records):
        raise ImportFileError(Message('The file has a header but no rows.'))
    return Table('xlsx', None, None, headers, None, header_line=header_line)


def rows(table: Table, path: Path) -> Rows:
    """Rows below the header; blank rows and a closing totals row ('Total (12 expenses)', amount) left out."""
    for number, cells in _raw_rows(path):
        if number <= table.header_line or not cells:
            continue
        filled = [cell for cell in cells if cell]
        if len(filled) <= 2 and _TOTAL.match(filled[0]):
            continue
        yield number, cells
