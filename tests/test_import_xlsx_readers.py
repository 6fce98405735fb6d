"""XLSX read by python-calamine (files up to CALAMINE_MAX_BYTES) and by openpyxl's streaming mode (larger ones):
the same rows, numbered the same, from the same files, and the same clear error for a broken one."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.services import imports
from app.services.imports import xlsx_files
from app.services.imports.shapes import ImportFileError

DATA = Path(__file__).parent / 'data' / 'imports'


def both_readers(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:
    fast = list(xlsx_files._raw_rows(path))
    monkeypatch.setattr(xlsx_files, 'CALAMINE_MAX_BYTES', -1)  # as for a file too large to hold
    streamed = list(xlsx_files._raw_rows(path))
    monkeypatch.undo()
    return fast, streamed


def test_the_title_dates_times_and_totals_of_a_real_sheet_read_alike(monkeypatch) -> None:
    fast, streamed = both_readers(DATA / 'budget-fr.xlsx', monkeypatch)
    assert fast == streamed
    assert fast[0][0] == 1  # row numbers are the sheet's


def test_a_sheet_that_starts_lower_and_further_right_keeps_its_row_and_column_places(tmp_path, monkeypatch) -> None:
    book = Workbook()
    sheet = book.active
    sheet['C4'], sheet['D4'], sheet['E4'], sheet['F4'] = 'Date', 'Amount', 'Description', 'Paid'
    sheet['C5'], sheet['D5'], sheet['E5'], sheet['F5'] = datetime.datetime(2026, 3, 14, 18, 30), 12.5, 'Café', True
    sheet['C6'], sheet['D6'], sheet['E6'] = datetime.date(2026, 3, 15), 0.1 + 0.2, '<img src=x onerror=alert(1)>'
    sheet['C7'], sheet['D7'], sheet['E7'] = datetime.datetime(2026, 3, 16), 3, None
    sheet['C8'] = datetime.time(7, 45)
    path = tmp_path / 'sheet.xlsx'
    book.save(path)
    fast, streamed = both_readers(path, monkeypatch)
    assert [row for row in fast if row[1]] == [row for row in streamed if row[1]]
    assert [row for row in fast if row[1]] == [
        (4, ('', '', 'Date', 'Amount', 'Description', 'Paid')),
        (5, ('', '', '2026-03-14 18:30:00', '12.5', 'Café', 'TRUE')),
        (6, ('', '', '2026-03-15', '0.3', '<img src=x onerror=alert(1)>')),
        (7, ('', '', '2026-03-16', '3')),
        (8, ('', '', '07:45:00')),
    ]
    table = imports.open_table(path, 'sheet.xlsx')
    assert (table.header_line, table.headers[2:]) == (4, ('Date', 'Amount', 'Description', 'Paid'))


def test_a_broken_workbook_is_one_clear_error_with_either_reader(tmp_path, monkeypatch) -> None:
    path = tmp_path / 'cut.xlsx'
    book = Workbook()
    book.active['A1'] = 'Date'
    book.save(path)
    path.write_bytes(path.read_bytes()[:300])
    for limit in (xlsx_files.CALAMINE_MAX_BYTES, -1):
        monkeypatch.setattr(xlsx_files, 'CALAMINE_MAX_BYTES', limit)
        with pytest.raises(ImportFileError) as caught:
            imports.open_table(path, 'cut.xlsx')
        assert 'XLSX' in caught.value.message
