"""Two-factor login in Chromium: turn it on with a code computed from the key the page shows, log out,
log in with the password and then the code (both plain HTML forms)."""

from __future__ import annotations

import time

import pyotp

from tests.e2e.conftest import run_wizard


def test_enable_two_factor_then_log_in_with_password_and_code(page, server) -> None:
    run_wizard(page, server)
    page.goto(server.url + '/settings?tab=account')
    page.get_by_role('button', name='Set up two-factor login').click()
    page.locator('img[alt="QR code of the two-factor key"]').wait_for()
    secret = page.get_by_role('region', name='Two-factor key').inner_text().replace(' ', '')
    totp = pyotp.TOTP(secret)
    page.get_by_label('Code from the app').fill(totp.at(time.time() - 30))  # the previous step: now stays unused
    page.get_by_role('button', name='Turn on two-factor login').click()
    codes = page.get_by_role('region', name='Recovery codes').inner_text().split()
    assert len(codes) == 10
    page.get_by_role('button', name='I saved them').click()
    page.get_by_text('10 of 10 recovery codes left').wait_for()

    page.get_by_role('button').filter(has_text='logout').click()
    page.wait_for_url('**/login')
    page.get_by_label('Username').fill('admin')
    page.get_by_label('Password').fill('long enough pw')
    page.get_by_role('button', name='Log in').click()
    page.wait_for_url('**/login?step=code**')
    page.get_by_label('Code').fill(totp.now())
    page.get_by_role('button', name='Log in').click()
    page.wait_for_url(server.url + '/')
    page.get_by_text('Dashboard').first.wait_for()
