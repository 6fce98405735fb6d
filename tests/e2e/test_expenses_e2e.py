"""Expenses in a real browser: add one with the keyboard, see it in the table, download the CSV."""

import csv
import io
from datetime import date
from pathlib import Path

from tests.e2e.conftest import run_wizard


def test_add_an_expense_and_download_the_csv(page, server) -> None:
    run_wizard(page, server)
    page.goto(server.url + '/expenses')
    page.get_by_text('No expenses this month').wait_for()

    page.get_by_role('button', name='Add expense').click()
    page.get_by_label('Amount', exact=True).fill('12,50')
    page.get_by_label('Category', exact=True).click()
    page.get_by_role('option', name='Food').click()
    page.get_by_label('Subcategory (optional)').click()
    page.get_by_role('option', name='Groceries').click()
    page.get_by_label('Payment method').click()
    page.get_by_role('option', name='Card').click()
    page.get_by_label('Description (optional)').fill('Market, "organic"')
    page.get_by_label('Description (optional)').press('Enter')
    page.get_by_text('Expense added.').wait_for()
    page.get_by_role('cell', name='Market, "organic"').wait_for()
    assert page.get_by_role('cell', name='Food › Groceries').is_visible()

    page.get_by_role('button', name='Export').click()
    with page.expect_download() as download_info:
        page.get_by_text('CSV of this month').click()
    download = download_info.value
    assert download.suggested_filename == f'expenses-{date.today():%Y-%m}.csv'
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding='utf-8'))))
    assert rows[0] == [
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
        'currency',
        'original amount',
    ]
    assert rows[1] == [
        date.today().isoformat(),
        '12.50',
        'Food',
        'Groceries',
        'Card',
        'Market, "organic"',
        '',
        '',
        'admin',
        '',
        '',
        'EUR',
        '12.50',
    ]

    # delete, confirm, then Undo in the notification brings it back
    page.get_by_role('button', name='Delete').first.click()
    page.get_by_text('Delete this expense?').wait_for()
    page.get_by_role('button', name='Delete', exact=True).last.click()
    page.get_by_text('No expenses this month').wait_for()
    page.get_by_role('button', name='Undo').click()
    page.get_by_text('Expense restored.').wait_for()
    page.get_by_role('cell', name='Market, "organic"').wait_for()

    # on a phone the rows are cards; tapping one opens it for editing
    page.set_viewport_size({'width': 390, 'height': 844})
    page.reload()
    page.get_by_text('Food › Groceries').click()
    page.get_by_text('Edit the expense').wait_for()
    assert page.get_by_label('Amount', exact=True).input_value() == '12,50'


def test_month_picker_changes_month_and_year(page, server) -> None:
    run_wizard(page, server)
    page.goto(server.url + '/expenses?month=2026-01')
    page.get_by_text('January 2026').click()
    page.get_by_role('button', name='March 2026', exact=True).click()
    page.locator('.q-menu').wait_for(state='hidden')
    page.get_by_role('button', name='March 2026: choose another month or year').wait_for()
    page.wait_for_url('**/expenses?month=2026-03')
    page.get_by_role('button', name='Previous month').click()
    page.get_by_text('February 2026').wait_for()
    page.wait_for_url('**/expenses?month=2026-02')
    # another year from the same menu
    page.get_by_text('February 2026').click()
    page.locator('.q-menu').wait_for()  # a click during the menu's opening transition is lost
    page.get_by_role('button', name='Previous year, 2025').click()
    page.get_by_role('button', name='November 2025', exact=True).click()
    page.get_by_text('November 2025').wait_for()
    page.wait_for_url('**/expenses?month=2025-11')
    # years browsed without choosing are forgotten once the menu closes
    page.get_by_text('November 2025').click()
    page.locator('.q-menu').wait_for()
    page.get_by_role('button', name='Previous year, 2024').click()
    page.get_by_role('button', name='November 2024', exact=True).wait_for()
    page.keyboard.press('Escape')
    page.locator('.q-menu').wait_for(state='hidden')
    page.get_by_text('November 2025').click()
    page.get_by_role('button', name='November 2025', exact=True).wait_for()


def test_a_double_click_on_save_records_one_expense(page, server) -> None:
    run_wizard(page, server)
    page.goto(server.url + '/expenses?month=2026-01')
    page.get_by_text('No expenses this month').wait_for()
    page.get_by_role('button', name='Add expense').click()
    page.get_by_label('Amount', exact=True).fill('7,30')
    page.get_by_label('Date').fill('2026-03-14')  # another month: the page follows it
    page.get_by_label('Category', exact=True).click()
    page.get_by_role('option', name='Food').click()
    page.get_by_label('Payment method').click()
    page.get_by_role('option', name='Card').click()
    page.get_by_label('Description (optional)').fill('Double-clicked')
    page.get_by_role('button', name='Save', exact=True).dblclick()
    page.get_by_text('Expense added.').wait_for()
    page.get_by_role('cell', name='Double-clicked').wait_for()
    page.get_by_text('March 2026', exact=True).wait_for()  # label, address and table agree
    page.wait_for_url('**/expenses?month=2026-03')
    assert page.locator('[role=dialog]').count() == 0
    assert page.get_by_role('cell', name='Double-clicked').count() == 1
    listed = page.request.get(server.api('expenses?month=2026-03'))  # the browser's session
    assert listed.ok and listed.json()['count'] == 1
