"""The streaming XLSX writer of the exports: what it writes opens in openpyxl as written (texts stay texts,
whatever they contain), every part is well-formed XML, and a large export's memory does not grow."""

from __future__ import annotations

import tracemalloc
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from app.models import Expense
from app.services import export_rows, exports, xlsx_stream
from app.services.months import Month
from tests.builders import add, link
from tests.conftest import make_user

HOSTILE = [
    '<img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil")',
    '+1+1',
    '@SUM(A1)',
    'Tom & Jerry "quoted" \'single\'',
    '  leading and trailing  ',
    'tab\there, newline\nthere',
    'bell\x07 and escape\x1b',
    ']]> </t></is></c><c r="Z9"><v>1</v></c>',
    'é€😀 中文',
]


def test_texts_come_back_exactly_as_written(tmp_path) -> None:
    path = tmp_path / 'texts.xlsx'
    book = xlsx_stream.Workbook(path)
    sheet = book.add_sheet('A <sheet> & "name" that is far longer than Excel allows', [12, 40])
    for text in HOSTILE:
        sheet.append((text, 1.5))
    sheet.append((None, 2, '', 3))
    book.close()
    read = load_workbook(path)
    (only,) = read.worksheets
    assert only.title == 'A <sheet> & "name" that is far '  # 31 characters, Excel's limit
    values = [[cell.value for cell in row] for row in only.iter_rows()]
    expected = [
        text.replace('\x07', '_x0007_').replace('\x1b', '_x001B_') if '\x07' in text else text for text in HOSTILE
    ]
    assert [row[0] for row in values[: len(HOSTILE)]] == expected
    assert all(only.cell(row=n, column=1).data_type == 's' for n in range(1, len(HOSTILE) + 1))
    assert values[len(HOSTILE)][:4] == [None, 2, None, 3]
    assert only.column_dimensions['A'].width == 12 and only.column_dimensions['B'].width == 40


def test_every_part_is_well_formed_xml(tmp_path) -> None:
    path = tmp_path / 'parts.xlsx'
    book = xlsx_stream.Workbook(path)
    book.add_sheet('One', [10]).append(HOSTILE)
    book.add_sheet('Two', [10, 10]).append((date(2026, 1, 2).toordinal(), -3.25))
    book.close()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert {'[Content_Types].xml', 'xl/workbook.xml', 'xl/styles.xml', 'xl/worksheets/sheet2.xml'} <= set(names)
        for name in names:
            ElementTree.fromstring(archive.read(name))  # raises on anything malformed


def test_column_letters_and_excel_days() -> None:
    assert [xlsx_stream.column_letter(n) for n in (0, 9, 25, 26, 27, 701, 702)] == [
        'A',
        'J',
        'Z',
        'AA',
        'AB',
        'ZZ',
        'AAA',
    ]
    assert xlsx_stream.excel_day(date(1900, 3, 1)) == 61
    assert xlsx_stream.excel_day(date(2026, 1, 2)) == 46024


@pytest.mark.usefixtures('database')
def test_an_export_of_hostile_texts_reads_back_as_text(alice, things, tmp_path) -> None:
    for text in HOSTILE[:5]:
        add(alice, things, amount='1', date='2026-01-05', description=text, tags=['<b>x</b>', 'z&y'])
    path = tmp_path / 'hostile.xlsx'
    assert exports.write_xlsx(alice, Month(2026, 1), path, language='fr') == 5
    sheet = load_workbook(path)['Dépenses']
    assert sorted(row[5].value for row in sheet.iter_rows(min_row=2, max_row=6)) == sorted(HOSTILE[:5])
    assert {row[9].value for row in sheet.iter_rows(min_row=2, max_row=6)} == {'<b>x</b>, z&y'}
    assert sheet['A2'].value == datetime(2026, 1, 5)


@pytest.mark.usefixtures('database')
def test_the_rows_of_an_export_are_those_of_the_listing(alice, things) -> None:
    """Two cursors merged (expenses, their tags) give the same rows, in the same order, as `iter_expenses`."""
    bob = make_user('bob')
    link(alice, bob)
    add(alice, things, amount='2', date='2026-01-03', tags=['b', 'A'])
    add(bob, things, amount='3', date='2026-01-01', description='first', tags=['x'])
    add(alice, things, amount='4', date='2026-01-03')
    add(alice, things, amount='5', date='2026-01-02', latitude='48.85', longitude='2.35', tags=['only'])
    from app.services.expense_search import iter_expenses

    full = [
        (e.date, e.counted_cents, e.category, e.subcategory, e.payment_method, e.description)
        + (e.latitude, e.longitude, e.created_by, e.tags, tuple(r.filename for r in e.receipts))
        + (e.currency, e.amount_cents, e.rate_missing)  # its own currency and amount (issue 20)
        for e in iter_expenses(alice, None)
    ]
    assert [tuple(row) for row in export_rows.iter_export_rows(alice, None)] == full
    assert [row.tags for row in export_rows.iter_export_rows(alice, None)] == [('x',), ('only',), ('A', 'b'), ()]


@pytest.mark.usefixtures('database')
def test_a_large_xlsx_export_streams(alice, things, tmp_path) -> None:
    """20,000 rows: the rows go to a temporary file, so Python's memory stays within a few MB."""
    rows = [
        {
            'owner': alice.id,
            'amount_cents': 100 + i,
            'date': date(2026, 1, 1 + i % 28),
            'category': things['food'].id,
            'payment_method': things['card'].id,
            'description': f'expense number {i} with a description of some length',
        }
        for i in range(20_000)
    ]
    for start in range(0, len(rows), 5000):
        Expense.insert_many(rows[start : start + 5000]).execute()
    rows = []
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        with open(tmp_path / 'large.xlsx', 'wb') as target:
            assert exports.write_xlsx(alice, None, target) == 20_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - before < 3_000_000
    assert load_workbook(tmp_path / 'large.xlsx', read_only=True)['Expenses'].max_row == 20_002
