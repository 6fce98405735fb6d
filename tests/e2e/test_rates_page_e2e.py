"""Settings › Exchange rates and a settlement in dollars in a real browser (issue 20, items 4, 3 and 8): alice
(an administrator) enters the dollar's rate on the page, a wrong rate of 0 is refused under its field; her
50 $US dinner, split equally with bob, counts 40 € and the expenses page shows both amounts; on the Household
page bob owes her 20 €, and she records his settlement of 25 $US in the dialog's currency select: the list shows
20,00 € beside the 25 $US and everyone is at zero. At 390 px nothing is wider than the screen.
WIS_SCREENSHOTS=1 keeps the README's pictures (settings-rates.png, household-currency.png)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tests.e2e.conftest import run_wizard
from tests.e2e.household import Account
from tests.e2e.language_checks import too_wide
from tests.e2e.page_checks import PageWatch, drawn, page_problems

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / 'docs' / 'screenshots'


def test_a_rate_entered_on_the_page_and_a_settlement_in_dollars(page, server) -> None:
    watch = PageWatch(page)
    run_wizard(page, server, 'alice', 'alice password')
    today = date.today().isoformat()
    admin = Account(server.url, 'alice', 'alice password')
    try:
        bob = admin.call('post', '/users/create', json={'username': 'bob', 'password': 'bob password'})
        admin.call('post', '/users/link', json={'user1': 'alice', 'user2': 'bob'})
        session = admin.call('get', '/session')
        assert isinstance(bob, dict) and isinstance(session, dict)
        alice_id, bob_id = session['user']['id'], bob['id']
        food = next(c for c in admin.call('get', '/categories') if c['name'] == 'Food')
        card = next(m for m in admin.call('get', '/payment_methods') if m['name'] == 'Card')
        admin.call('post', '/rates', json={'currency': 'GBP', 'rate': '0.86', 'date': today})
    finally:
        admin.close()

    page.goto(server.url + '/settings?tab=rates')
    page.get_by_text('1 EUR = 0,86 GBP').wait_for()
    page.get_by_label('Currency', exact=True).click()
    page.get_by_role('option', name='USD · US Dollar').click()
    page.get_by_label('Rate', exact=True).fill('0')
    page.get_by_role('button', name='Save rate').click()
    page.get_by_text('A rate must be more than zero.').wait_for()
    page.get_by_label('Rate', exact=True).fill('1,25')
    page.get_by_role('button', name='Save rate').click()
    page.get_by_text('1 EUR = 1,25 USD', exact=True).wait_for()

    admin = Account(server.url, 'alice', 'alice password')
    try:
        both = {'mode': 'equal', 'members': [alice_id, bob_id]}
        body = {'amount': '50', 'currency': 'USD', 'date': today, 'category_id': food['id'],
                'payment_method_id': card['id'], 'description': 'Dinner in New York', 'split': both}  # fmt: skip
        admin.call('post', '/expense_create', json=body)
    finally:
        admin.close()
    page.reload()
    page.get_by_text('1 EUR = 1,25 USD', exact=True).wait_for()
    drawn(page)
    assert page_problems(page) + watch.problems() == []
    if os.environ.get('WIS_SCREENSHOTS'):
        page.screenshot(path=str(SCREENSHOTS / 'settings-rates.png'), full_page=True)

    page.goto(server.url + '/household')
    page.get_by_text('bob pays 20,00\u00a0€ to alice').wait_for()
    page.get_by_role('button', name='Record a settlement').click()
    dialog = page.locator('.q-dialog')
    dialog.get_by_label('Who pays back').click()
    page.get_by_role('option', name='bob').click()
    dialog.get_by_label('Who is paid back').click()
    page.get_by_role('option', name='alice').click()
    dialog.get_by_label('Amount', exact=True).fill('25')
    dialog.get_by_label('Currency', exact=True).click()
    page.get_by_role('option', name='USD · US Dollar').click()
    dialog.get_by_role('button', name='Record').click()
    page.get_by_text('Everyone is settled up.').wait_for()
    page.get_by_text('bob paid alice back 20,00\u00a0€ (25,00').wait_for()  # the dollars beside the euros
    drawn(page)
    assert page_problems(page) + watch.problems() == []
    if os.environ.get('WIS_SCREENSHOTS'):
        page.screenshot(path=str(SCREENSHOTS / 'household-currency.png'), full_page=True)

    page.set_viewport_size({'width': 390, 'height': 844})
    for path, ready in (('/settings?tab=rates', '1 EUR = 1,25 USD'), ('/household', 'Everyone is settled up.')):
        page.goto(server.url + path)
        page.get_by_text(ready, exact=True).wait_for()
        drawn(page)
        assert too_wide(page) + page_problems(page) + watch.problems() == [], path
