"""The dashboard's three views in a real browser (issue 20, item 3): alice and bob are linked; alice's 100 €
dinner is split equally, bob paid 30 € of groceries for both, alice has 7 € of her own and bob 20 € of his.
On the dashboard alice switches between My share (50 + 15 + 7), What I paid (107) and Household (157), with
Everyone / Only mine beside them, in a laptop and in a phone's width; the view she chose stays in the address."""

from __future__ import annotations

from datetime import date

from tests.e2e.conftest import run_wizard
from tests.e2e.household import Account
from tests.e2e.page_checks import axe_problems, overflow_problems


def seed(server) -> str:
    """The couple and their month (the current one, so that the dashboard opens on it); returns YYYY-MM."""
    day = date.today().replace(day=1).isoformat()
    admin = Account(server.url, 'alice', 'alice password')
    try:
        bob = admin.call('post', '/users/create', json={'username': 'bob', 'password': 'bob password'})
        admin.call('post', '/users/link', json={'user1': 'alice', 'user2': 'bob'})
        session = admin.call('get', '/session')
        assert isinstance(bob, dict) and isinstance(session, dict)
        alice_id, bob_id = session['user']['id'], bob['id']
        food = next(c for c in admin.call('get', '/categories') if c['name'] == 'Food')
        card = next(m for m in admin.call('get', '/payment_methods') if m['name'] == 'Card')
        both = {'mode': 'equal', 'members': [alice_id, bob_id]}
        base = {'date': day, 'category_id': food['id'], 'payment_method_id': card['id']}
        admin.call('post', '/expense_create', json={**base, 'amount': '100', 'description': 'Dinner', 'split': both})
        admin.call('post', '/expense_create', json={**base, 'amount': '30', 'paid_by': bob_id, 'split': both})
        admin.call('post', '/expense_create', json={**base, 'amount': '7', 'description': 'Coffee'})
        settlement = {'from_user_id': bob_id, 'to_user_id': alice_id, 'amount': '20', 'date': day}
        admin.call('post', '/settlement_create', json=settlement)  # never spending: no view counts it
    finally:
        admin.close()
    partner = Account(server.url, 'bob', 'bob password')
    try:
        partner.call('post', '/expense_create', json={**base, 'amount': '20', 'description': 'Bus pass'})
    finally:
        partner.close()
    return day[:7]


def test_switch_between_my_share_what_i_paid_and_the_household(page, server) -> None:
    run_wizard(page, server, 'alice', 'alice password')
    month = seed(server)
    page.goto(server.url + f'/?month={month}')
    page.get_by_text('157,00\u00a0€').first.wait_for()  # the household: what linked accounts always saw
    page.get_by_text('Every expense of the household, whole, whoever paid it.').wait_for()
    page.get_by_role('button', name='My share').click()
    page.get_by_text('72,00\u00a0€').first.wait_for()  # 50 + 15 + 7
    page.get_by_text('Your share: your own expenses, and your part of those split with you.').wait_for()
    page.wait_for_url(f'**/?month={month}&view=share')
    page.get_by_role('button', name='What I paid').click()
    page.get_by_text('107,00\u00a0€').first.wait_for()
    page.get_by_role('button', name='Only mine').click()
    page.get_by_role('button', name='My share').click()
    page.get_by_text('72,00\u00a0€').first.wait_for()  # alice created all three she has a share in
    page.reload()  # the address keeps the view
    page.get_by_text('Your share: your own expenses, and your part of those split with you.').wait_for()
    page.get_by_text('72,00\u00a0€').first.wait_for()

    page.set_viewport_size({'width': 390, 'height': 844})
    page.goto(server.url + f'/?month={month}&view=paid')
    page.get_by_text('107,00\u00a0€').first.wait_for()
    page.get_by_role('button', name='Household').wait_for()
    assert overflow_problems(page) == []


def test_the_view_switchs_tooltip_reads_well_in_both_themes(page, server) -> None:
    """axe measured Quasar's tooltip grey at 4.41:1 under its white words; the theme darkens it."""
    run_wizard(page, server, 'alice', 'alice password')
    month = seed(server)
    for theme in ('light', 'dark'):
        page.emulate_media(color_scheme=theme)
        page.goto(server.url + f'/?month={month}')
        page.get_by_role('button', name='My share').hover()
        tip = page.get_by_role('tooltip').or_(page.locator('.q-tooltip')).first
        tip.wait_for()
        page.wait_for_function("() => getComputedStyle(document.querySelector('.q-tooltip')).opacity === '1'")
        assert [line for line in axe_problems(page) if 'color-contrast' in line] == [], theme
        page.mouse.move(0, 400)
