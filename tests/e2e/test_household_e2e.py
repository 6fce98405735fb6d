"""Households in a real browser (issue 20): alice and bob are linked; alice records an expense split
equally with bob in the expense form, sees on the Household page that bob owes her half, records bob's
settlement from the suggestion, and sees everyone at zero. WIS_SCREENSHOTS=1 keeps the README's pictures."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import run_wizard
from tests.e2e.household import Account

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / 'docs' / 'screenshots'


def test_split_an_expense_see_the_balance_settle_and_see_zero(page, server) -> None:
    run_wizard(page, server, 'alice', 'alice password')
    admin = Account(server.url, 'alice', 'alice password')
    try:
        admin.call('post', '/users/create', json={'username': 'bob', 'password': 'bob password'})
        admin.call('post', '/users/link', json={'user1': 'alice', 'user2': 'bob'})
    finally:
        admin.close()

    page.goto(server.url + '/expenses')
    page.get_by_role('button', name='Add expense').first.click()
    form = page.locator('.q-dialog')
    form.get_by_label('Amount', exact=True).fill('50')
    form.get_by_label('Category', exact=True).click()
    page.get_by_role('option', name='Food').click()
    form.get_by_label('Payment method').click()
    page.get_by_role('option', name='Card').click()
    form.get_by_text('Just me').wait_for()
    form.get_by_role('button', name='Change').click()
    form.get_by_role('checkbox', name='bob').click()
    form.get_by_text('Split equally with bob, 25,00\u00a0€ each').wait_for()
    if os.environ.get('WIS_SCREENSHOTS'):
        form.locator('.q-card').first.screenshot(path=str(SCREENSHOTS / 'household-split.png'))
    form.get_by_role('button', name='Save', exact=True).click()
    page.get_by_text('Expense added.').wait_for()

    page.goto(server.url + '/household')
    page.get_by_text('bob pays 25,00\u00a0€ to alice').wait_for()
    assert page.get_by_text('-25,00\u00a0€').is_visible()
    if os.environ.get('WIS_SCREENSHOTS'):
        page.screenshot(path=str(SCREENSHOTS / 'household.png'), full_page=True)
    page.get_by_role('button', name='Record', exact=True).first.click()
    page.get_by_text('A reimbursement between you').wait_for()
    page.locator('.q-dialog').get_by_role('button', name='Record').click()
    page.get_by_text('Everyone is settled up.').wait_for()
    page.get_by_text('bob paid alice back 25,00\u00a0€').wait_for()
    assert page.get_by_text('-25,00\u00a0€').count() == 0
    assert page.locator('.text-negative').count() == 0

    page.goto(server.url + '/')  # a settlement is not spending: the month still counts the 50 € once
    page.get_by_text('50,00\u00a0€').first.wait_for()
