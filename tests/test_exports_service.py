"""CSV and XLSX exports: columns, formats, totals, sharing, and bounded memory on large exports."""

from __future__ import annotations

import csv
import io
import os
import tracemalloc
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.config import get_settings
from app.models import Expense
from app.services import exports
from app.services.months import Month
from tests.builders import add, link
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures('database')


@pytest.fixture
def month_of_expenses(alice, things):
    bob = make_user('bob')
    link(alice, bob)
    add(alice, things, amount='12,50', date='2026-01-02', subcategory_id=things['groceries'].id, description='Market')
    add(
        alice,
        things,
        amount='1 234,56',
        date='2026-01-20',
        category_id=things['transport'].id,
        payment_method_id=things['cash'].id,
        description='=HYPERLINK("http://evil")',
        latitude='48.8566',
        longitude='2.3522',
    )
    add(bob, things, amount='3', date='2026-01-20', description='Café, "quoted"')
    add(alice, things, amount='99', date='2026-02-01', description='next month')
    return bob


def test_csv_month(alice, month_of_expenses) -> None:
    target = io.BytesIO()
    assert exports.write_csv(alice, Month(2026, 1), target) == 3
    text = target.getvalue().decode('utf-8')
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(exports.HEADER)
    assert rows[1] == ['2026-01-02', '12.50', 'Food', 'Groceries', 'Card', 'Market', '', '', 'alice', '', '']
    assert rows[2] == [
        '2026-01-20',
        '1234.56',
        'Transport',
        '',
        'Cash',
        '\'=HYPERLINK("http://evil")',
        '48.8566',
        '2.3522',
        'alice',
        '',
        '',
    ]
    assert rows[3] == ['2026-01-20', '3.00', 'Food', '', 'Card', 'Café, "quoted"', '', '', 'bob', '', '']
    assert len(rows) == 4
    mine = io.BytesIO()
    assert exports.write_csv(alice, Month(2026, 1), mine, scope='mine') == 2
    everything = io.BytesIO()
    assert exports.write_csv(alice, None, everything) == 4


def test_csv_of_an_empty_month_has_a_header(alice, things) -> None:
    target = io.BytesIO()
    assert exports.write_csv(alice, Month(2030, 5), target) == 0
    assert target.getvalue().decode() == ','.join(exports.HEADER) + '\r\n'


def test_xlsx_cell_by_cell(alice, month_of_expenses, tmp_path) -> None:
    path = tmp_path / 'out.xlsx'
    assert exports.write_xlsx(alice, Month(2026, 1), path) == 3
    book = load_workbook(path)
    assert book.sheetnames == ['Expenses', 'By category']
    sheet = book['Expenses']
    assert [c.value for c in sheet[1]] == list(exports.XLSX_HEADER)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == 'A2'
    assert sheet['A2'].value == datetime(2026, 1, 2) and sheet['A2'].is_date
    assert sheet['A2'].number_format == exports.DATE_FORMAT
    assert sheet['B2'].value == 12.5 and sheet['B2'].number_format == exports.AMOUNT_FORMAT
    assert [c.value for c in sheet[2]][2:] == ['Food', 'Groceries', 'Card', 'Market', None, None, 'alice', None, None]
    assert [c.value for c in sheet[3]][1:] == [
        1234.56,
        'Transport',
        None,
        'Cash',
        '=HYPERLINK("http://evil")',
        48.8566,
        2.3522,
        'alice',
        None,
        None,
    ]
    assert sheet['F3'].data_type == 's'  # text, never a formula
    assert sheet['I4'].value == 'bob'
    assert sheet['A5'].value == 'Total (3 expenses)' and sheet['A5'].font.bold
    assert sheet['B5'].value == pytest.approx(1250.06) and sheet['B5'].font.bold
    assert sheet.max_row == 5
    widths = {letter: sheet.column_dimensions[letter].width for letter in 'ABCDEFGHI'}
    assert widths['F'] == len('=HYPERLINK("http://evil")') + 2
    assert widths['C'] == len('Transport') + 2
    assert all(4 < width <= exports.MAX_WIDTH for width in widths.values())

    summary = book['By category']
    assert [[c.value for c in row] for row in summary.iter_rows()] == [
        ['Category', 'Expenses', 'Total', 'Share'],
        ['Transport', 1, 1234.56, 0.9876],
        ['Food', 2, 15.5, 0.0124],
        ['Total', 3, pytest.approx(1250.06), None],
    ]
    assert summary['D2'].number_format == '0.0%'


def test_xlsx_of_an_empty_month(alice, things, tmp_path) -> None:
    path = tmp_path / 'empty.xlsx'
    assert exports.write_xlsx(alice, Month(2030, 1), path) == 0
    book = load_workbook(path)
    assert [[c.value for c in row] for row in book['Expenses'].iter_rows()][1][:2] == ['Total (0 expenses)', 0]
    assert book['By category'].max_row == 2


def test_export_files_for_pages(alice, month_of_expenses) -> None:
    path, name = exports.export_to_file(alice, Month(2026, 1), 'xlsx')
    assert name == 'expenses-2026-01.xlsx' and path.stat().st_size > 1000
    path, name = exports.export_to_file(alice, None, 'csv')
    assert name == 'expenses-all.csv' and path.read_text().count('\n') == 5
    assert path.parent == get_settings().data_path / 'exports'
    old = path.parent / 'u1-old.csv'
    old.write_text('stale')
    os.utime(old, (0, 0))
    exports.export_to_file(alice, None, 'csv')
    assert not old.exists() and path.exists()  # old files go, recent ones stay for their download


def _insert(owner_id: int, things: dict, count: int) -> None:
    rows = [
        {
            'owner': owner_id,
            'amount_cents': 100 + i,
            'date': date(2026, 1, 1 + i % 28),
            'category': things['food'].id,
            'payment_method': things['card'].id,
            'description': f'expense number {i} with a description of some length',
        }
        for i in range(count)
    ]
    for start in range(0, count, 5000):
        Expense.insert_many(rows[start : start + 5000]).execute()


def test_large_exports_stream(alice, things) -> None:
    """A list of 20,000 expense objects would take tens of MB; the export stays within a few MB."""
    _insert(alice.id, things, 20_000)
    tracemalloc.start()
    try:
        target = io.BytesIO()
        assert exports.write_csv(alice, None, target) == 20_000
        csv_size = len(target.getvalue())
        target = None
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        with open(os.devnull, 'wb') as sink:
            exports.write_csv(alice, None, sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert csv_size > 1_000_000
    assert peak - before < 3_000_000
