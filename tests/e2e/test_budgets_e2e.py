"""Budgets in a real browser: create a budget, add an expense that crosses 80 %, and see the alert: a badge
in the header and a notification on the next page, then the alert listed on the Budgets page."""

from __future__ import annotations

import os

from tests.e2e.conftest import run_wizard

SETTLED = """() => [...document.querySelectorAll('.q-notification')].every(
    n => getComputedStyle(n).opacity === '1' && getComputedStyle(n).transform === 'none')"""


def test_a_budget_crossed_at_80_percent_shows_the_alert(page, server) -> None:
    run_wizard(page, server)
    page.goto(server.url + '/budgets')
    page.get_by_text('No budget yet.').wait_for()
    page.get_by_role('button', name='Add budget').click()
    page.get_by_label('For').click()
    page.get_by_role('option', name='Food', exact=True).click()
    page.get_by_label('Amount per month').fill('100')
    page.get_by_role('button', name='Save', exact=True).click()
    page.get_by_text('Budget saved.').wait_for()
    page.get_by_text('0,00 € of 100,00 € spent', exact=False).first.wait_for()
    assert page.locator('[aria-label="Budget alerts"]').count() == 0

    page.goto(server.url + '/expenses')
    page.get_by_role('button', name='Add expense').click()
    form = page.locator('.q-dialog')  # the Expenses page has amount filters of its own
    form.get_by_label('Amount', exact=True).fill('85')
    form.get_by_label('Category', exact=True).click()
    page.get_by_role('option', name='Food').click()
    form.get_by_label('Payment method').click()
    page.get_by_role('option', name='Card').click()
    form.get_by_label('Description (optional)').fill('Big shop')
    form.get_by_label('Description (optional)').press('Enter')
    page.get_by_text('Expense added.').wait_for()

    page.goto(server.url + '/')  # the next visit
    badge = page.locator('[aria-label="Budget alerts"]')
    badge.wait_for()
    assert badge.inner_text().strip().endswith('1')
    page.locator('.q-notification', has_text='Food').wait_for()
    assert '80' in page.locator('.q-notification', has_text='Food').inner_text()
    page.get_by_text('Budgets this month').wait_for()
    if os.environ.get('WIS_BUDGET_SHOTS'):  # the picture of the README, once the notification has slid in
        page.wait_for_function(SETTLED)
        page.screenshot(path=os.path.join(os.environ['WIS_BUDGET_SHOTS'], 'budgets-alert-dashboard.png'))

    badge.click()
    page.wait_for_url(server.url + '/budgets')
    page.get_by_text('Latest alerts').wait_for()
    page.get_by_text('15,00 € left', exact=False).first.wait_for()
    if os.environ.get('WIS_BUDGET_SHOTS'):
        page.screenshot(path=os.path.join(os.environ['WIS_BUDGET_SHOTS'], 'budgets-page.png'), full_page=True)
    page.goto(server.url + '/expenses')
    page.get_by_role('button', name='Add expense').wait_for()
    assert page.locator('[aria-label="Budget alerts"]').count() == 0  # seen: the badge is gone
