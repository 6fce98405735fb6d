"""Screenshots of two-factor login: setting it up in Settings › Account (QR code, key, code), the recovery
codes, the login's code step, and the administrators' switch, at 1280x800 and 390x844, light and dark.

    .venv/bin/python -m tests.e2e.screenshots_two_factor [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pyotp

from tests.conftest import test_environment
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.harness import ROOT, make_server

OUT = ROOT / 'docs' / 'screenshots'
PASSWORD = 'demo password 123'
SIZES = {
    'light': ({'width': 1280, 'height': 800}, 'light'),
    'dark': ({'width': 1280, 'height': 800}, 'dark'),
    'phone': ({'width': 390, 'height': 844}, 'light'),
    'phone-dark': ({'width': 390, 'height': 844}, 'dark'),
}
OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth'


def seed(folder: Path) -> None:
    env = test_environment(folder)
    os.environ.update(env)
    from app.config import load, use_settings
    from app.db import close_database, open_database
    from app.migrations import run_migrations
    from app.services import users

    use_settings(load())
    open_database(env['DATABASE_URL'])
    run_migrations()
    admin = users.create_account('camille', PASSWORD, is_admin=True).user
    for size in SIZES:
        users.create_account(f'user-{size}', PASSWORD, creator=admin)
    close_database()


def log_in(page, url: str, username: str) -> None:
    page.goto(url + '/login')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_label('Password').press('Enter')


def shoot(page, path: Path, problems: list[str]) -> None:
    page.wait_for_timeout(500)
    wider = page.evaluate(OVERFLOW)
    if wider > 0:
        problems.append(f'{path.name}: {wider}px wider than the window')
    page.screenshot(path=str(path), full_page=True)
    print(path)


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description='Two-factor login screenshots')
    parser.add_argument('--out', type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / 'shots'
        folder.mkdir()
        seed(folder)
        server = make_server(folder).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                for size, (viewport, scheme) in SIZES.items():
                    context = browser.new_context(viewport=viewport, color_scheme=scheme, device_scale_factor=1)
                    page = context.new_page()
                    log_in(page, server.url, f'user-{size}')
                    page.wait_for_url(server.url + '/')
                    page.goto(server.url + '/settings?tab=account')
                    page.get_by_role('button', name='Set up two-factor login').click()
                    page.locator('img[alt="QR code of the two-factor key"]').wait_for()
                    page.get_by_text('Two-factor login').first.scroll_into_view_if_needed()
                    shoot(page, args.out / f'two-factor-setup-{size}.png', problems)
                    secret = page.get_by_role('region', name='Two-factor key').inner_text().replace(' ', '')
                    totp = pyotp.TOTP(secret)
                    page.get_by_label('Code from the app').fill(totp.at(time.time() - 30))
                    page.get_by_role('button', name='Turn on two-factor login').click()
                    page.get_by_role('region', name='Recovery codes').wait_for()
                    shoot(page, args.out / f'two-factor-recovery-codes-{size}.png', problems)
                    page.get_by_role('button', name='I saved them').click()
                    page.get_by_text('of 10 recovery codes left').wait_for()
                    context.clear_cookies(name='wis_session')
                    log_in(page, server.url, f'user-{size}')
                    page.wait_for_url('**/login?step=code**')
                    page.get_by_label('Code').wait_for()
                    shoot(page, args.out / f'login-code-{size}.png', problems)
                    context.close()
                context = browser.new_context(viewport={'width': 1280, 'height': 800}, device_scale_factor=1)
                page = context.new_page()
                log_in(page, server.url, 'camille')
                page.wait_for_url(server.url + '/')
                page.goto(server.url + '/settings?tab=users')
                page.get_by_text('Two-factor login for everyone').wait_for()
                shoot(page, args.out / 'settings-users-require-two-factor.png', problems)
                context.close()
                browser.close()
        finally:
            server.stop()
    for problem in problems:
        print('OVERFLOW', problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
