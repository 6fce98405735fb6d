"""Screenshots of the Settings tabs (Account, Sharing, API tokens, Users, Audit) at 1280x800 and 390x844,
light and dark, and a member's Account tab (no installation key).

    .venv/bin/python -m tests.e2e.screenshots_settings [--out docs/screenshots]

Seeds a small household (an administrator in EUR, a linked account in USD, a pending invitation, tokens,
audit events), starts the real server and saves settings-<tab>-<light|dark|phone|phone-dark>.png. It
prints any horizontal overflow it finds: a page wider than the window is a defect at phone width.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from tests.conftest import test_environment
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.harness import ROOT, make_server

OUT = ROOT / 'docs' / 'screenshots'
ADMIN, MEMBER, PASSWORD = 'camille', 'leo', 'demo password 123'
TABS = {
    'account': 'Change password',
    'sharing': 'Sharing with',
    'tokens': 'Your tokens',
    'users': 'Link two accounts',
    'audit': 'Audit log',
}
SIZES = {
    'light': ({'width': 1280, 'height': 800}, 'light'),
    'dark': ({'width': 1280, 'height': 800}, 'dark'),
    'phone': ({'width': 390, 'height': 844}, 'light'),
    'phone-dark': ({'width': 390, 'height': 844}, 'dark'),
}
OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth'
# The pictures the README shows keep the names it links to.
README_NAMES = {
    ('account', 'dark'): 'settings-dark',
    ('sharing', 'light'): 'settings-sharing',
    ('users', 'light'): 'settings-users',
}


def seed(folder: Path) -> None:
    env = test_environment(folder)
    os.environ.update(env)
    from app.config import load, use_settings
    from app.db import close_database, open_database
    from app.migrations import run_migrations
    from app.services import audit, links, tokens, users

    use_settings(load())
    open_database(env['DATABASE_URL'])
    run_migrations()
    admin = users.create_account(ADMIN, PASSWORD, is_admin=True).user
    member = users.create_account(MEMBER, PASSWORD, creator=admin).user
    users.create_account('sam.martin', PASSWORD, creator=admin)
    users.create_account('noor', PASSWORD, creator=admin)
    users.update_preferences(member, currency='USD', locale='en-US')
    links.link_users(None, ADMIN, MEMBER)
    links.invite(admin, 'sam.martin')
    links.invite(users.get_user_by_username('noor'), ADMIN)
    tokens.create_token(admin, 'iPhone shortcut', ip='192.168.1.20')
    tokens.create_token(admin, 'Backup script on the NAS', ip='192.168.1.5')
    audit.record('login_failed', 'camile', ip='203.0.113.7', detail='wrong password')
    close_database()


def log_in(page, url: str, username: str) -> None:
    page.goto(url + '/login')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_label('Password').press('Enter')
    page.wait_for_url(url + '/')


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description='Settings screenshots')
    parser.add_argument('--out', type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    problems = []
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
                    log_in(page, server.url, ADMIN)
                    for tab, ready in TABS.items():
                        page.goto(f'{server.url}/settings?tab={tab}')
                        page.get_by_text(ready).first.wait_for()
                        page.wait_for_timeout(600)  # the lists load after the page; Quasar settles
                        wider = page.evaluate(OVERFLOW)
                        if wider > 0:
                            problems.append(f'{tab} {size}: {wider}px wider than the window')
                        path = args.out / f'{README_NAMES.get((tab, size), f"settings-{tab}-{size}")}.png'
                        page.screenshot(path=str(path), full_page=True)
                        print(path)
                    context.close()
                context = browser.new_context(viewport={'width': 390, 'height': 844}, device_scale_factor=1)
                page = context.new_page()
                log_in(page, server.url, MEMBER)
                page.goto(f'{server.url}/settings')
                page.get_by_text('API access').wait_for()
                page.get_by_text('API access').scroll_into_view_if_needed()
                page.screenshot(path=str(args.out / 'settings-account-member-phone.png'))
                page.goto(server.url + '/')
                page.get_by_text('counts in EUR').wait_for()
                page.wait_for_timeout(800)
                page.screenshot(path=str(args.out / 'dashboard-currency-note-phone.png'))
                context.close()
                browser.close()
        finally:
            server.stop()
    for problem in problems:
        print('OVERFLOW', problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
