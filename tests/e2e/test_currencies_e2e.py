"""Currencies in a real browser (issue 20, item 4): alice enters a dollar rate, records an expense of 50 $US
in the expense form's currency select, and the dashboard counts it converted into euros while the expenses
page shows the dollars beside the euros. WIS_SCREENSHOTS=1 keeps the README's pictures."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import run_wizard
from tests.e2e.household import Account

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / 'docs' / 'screenshots'


def test_an_expense_in_dollars_is_counted_converted_on_the_dashboard(page, server) -> None:
    run_wizard(page, server, 'alice', 'alice password')
    admin = Account(server.url, 'alice', 'alice password')
    try:
        admin.call('post', '/rates', json={'currency': 'USD', 'rate': '1.25'})  # today: 1 EUR = 1.25 USD
    finally:
        admin.close()

    page.goto(server.url + '/expenses')
    page.get_by_role('button', name='Add expense').first.click()
    form = page.locator('.q-dialog')
    form.get_by_label('Amount', exact=True).fill('50')
    form.get_by_label('Currency', exact=True).click()
    page.get_by_role('option', name='USD · US Dollar').click()
    form.get_by_label('Category', exact=True).click()
    page.get_by_role('option', name='Food').click()
    form.get_by_label('Payment method').click()
    page.get_by_role('option', name='Card').click()
    if os.environ.get('WIS_SCREENSHOTS'):
        form.locator('.q-card').first.screenshot(path=str(SCREENSHOTS / 'currency-form.png'))
    form.get_by_role('button', name='Save', exact=True).click()
    page.get_by_text('Expense added.').wait_for()
    page.get_by_text('40,00\u00a0€ (50,00').first.wait_for()  # and the dollars, as the locale writes them

    page.goto(server.url + '/')
    page.get_by_text('40,00\u00a0€').first.wait_for()
    assert page.get_by_text('50,00\u00a0€').count() == 0  # never the dollars counted as euros
    if os.environ.get('WIS_SCREENSHOTS'):
        page.screenshot(path=str(SCREENSHOTS / 'currency-dashboard.png'), full_page=True)
