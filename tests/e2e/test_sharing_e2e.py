"""Sharing in a real browser: two people, each in their own browser context.

Alice (the admin) creates Bob's account in Settings › Users, records an expense, and invites Bob in
Settings › Sharing; Bob logs in, accepts, and sees Alice's expense on his dashboard.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from app.config import load, use_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.models import Category, Expense, PaymentMethod
from app.services import users
from tests.e2e.conftest import run_wizard

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / 'docs' / 'screenshots'


def _record_expense(server, username: str, cents: int, description: str, day: date) -> None:
    """Write an expense straight into the server's database, as a model, from this process."""
    use_settings(load())
    open_database(server.env['DATABASE_URL'])
    run_migrations()
    try:
        owner = users.get_user_by_username(username)
        food = Category.get((Category.owner == owner.id) & (Category.name == 'Food'))
        card = PaymentMethod.get((PaymentMethod.owner == owner.id) & (PaymentMethod.name == 'Card'))
        Expense.create(
            owner=owner, amount_cents=cents, date=day, category=food, payment_method=card, description=description
        )
    finally:
        close_database()


def _log_in(page, server, username: str, password: str) -> None:
    page.goto(server.url + '/login')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password').fill(password)
    page.get_by_label('Password').press('Enter')
    page.wait_for_url(server.url + '/')


def test_invite_accept_and_see_the_other_s_expense(browser, page, server) -> None:
    run_wizard(page, server, 'alice', 'alice password')

    page.goto(server.url + '/settings?tab=users')
    page.get_by_label('Username').fill('bob')
    page.get_by_label('Password (8 characters or more)').fill('bob password')
    page.get_by_role('button', name='Create user').click()
    page.get_by_text('Created bob.').wait_for()

    _record_expense(server, 'alice', 4250, 'Concert tickets', date(2026, 1, 15))

    page.goto(server.url + '/settings?tab=sharing')
    page.get_by_label('Their username').fill('bob')
    page.get_by_role('button', name='Invite').click()
    page.get_by_text('Invitation sent to bob').wait_for()
    page.get_by_text('Invitations you sent').wait_for()

    bob_context = browser.new_context(viewport={'width': 1280, 'height': 900})
    try:
        bob = bob_context.new_page()
        bob.set_default_timeout(15_000)
        _log_in(bob, server, 'bob', 'bob password')
        bob.goto(server.url + '/settings?tab=sharing')
        bob.get_by_text('Invitations for you').wait_for()
        bob.get_by_text('Nobody yet').wait_for()  # nothing is shared before Bob accepts
        bob.get_by_role('button', name='Accept').click()
        bob.get_by_text('Invitation from alice accepted').wait_for()
        bob.get_by_role('button', name='Unlink').wait_for()

        bob.goto(server.url + '/?month=2026-01')
        bob.get_by_text('Concert tickets').first.wait_for()

        if os.environ.get('WIS_SCREENSHOTS'):
            _screenshots(browser, server, page)
    finally:
        bob_context.close()

    page.goto(server.url + '/settings?tab=sharing')
    page.get_by_text('bob').first.wait_for()
    page.get_by_role('button', name='Unlink').wait_for()


def _screenshots(browser, server, page) -> None:
    """Settings › Sharing for the README, in light, dark and on a phone (WIS_SCREENSHOTS=1)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _record_expense(server, 'alice', 100, 'Bakery', date(2026, 1, 16))
    page.goto(server.url + '/settings?tab=users')
    for name in ('carol', 'dave'):
        page.get_by_label('Username').fill(name)
        page.get_by_label('Password (8 characters or more)').fill(f'{name} password')
        page.get_by_role('button', name='Create user').click()
        page.get_by_text(f'Created {name}.').wait_for()
    page.goto(server.url + '/settings?tab=sharing')
    page.get_by_label('Their username').fill('carol')
    page.get_by_role('button', name='Invite').click()
    page.get_by_text('Invitation sent to carol').wait_for()
    dave = browser.new_context(viewport={'width': 1280, 'height': 900})
    try:
        dave_page = dave.new_page()
        _log_in(dave_page, server, 'dave', 'dave password')
        dave_page.goto(server.url + '/settings?tab=sharing')
        dave_page.get_by_label('Their username').fill('alice')
        dave_page.get_by_role('button', name='Invite').click()
        dave_page.get_by_text('Invitation sent to alice').wait_for()
    finally:
        dave.close()

    page.goto(server.url + '/settings?tab=sharing')
    page.get_by_text('Invitations for you').wait_for()
    page.add_style_tag(content='*, *::before, *::after { transition: none !important; animation: none !important }')
    page.screenshot(path=str(SCREENSHOTS / 'settings-sharing.png'), full_page=True)
    page.get_by_role('button', name='Unlink').click()
    page.get_by_text('Stop sharing with bob?').wait_for()
    page.screenshot(path=str(SCREENSHOTS / 'settings-sharing-unlink.png'))
    page.get_by_role('button', name='Keep sharing').click()
    page.locator('[data-marker=toggle-dark], button:has-text("dark_mode")').first.click()
    page.wait_for_function('document.body.classList.contains("body--dark")')
    page.mouse.move(600, 850)  # no tooltip in the picture
    page.screenshot(path=str(SCREENSHOTS / 'settings-sharing-dark.png'), full_page=True)
    page.locator('button:has-text("dark_mode")').first.click()
    page.wait_for_function('!document.body.classList.contains("body--dark")')
    page.set_viewport_size({'width': 390, 'height': 844})
    page.reload()
    page.get_by_text('Invitations for you').wait_for()
    page.add_style_tag(content='*, *::before, *::after { transition: none !important; animation: none !important }')
    page.screenshot(path=str(SCREENSHOTS / 'settings-sharing-phone.png'), full_page=True)
    page.set_viewport_size({'width': 1280, 'height': 900})
    page.goto(server.url + '/settings?tab=users')
    page.get_by_role('cell', name='dave').wait_for()
    page.screenshot(path=str(SCREENSHOTS / 'settings-users.png'), full_page=True)
