"""Screenshots of sharing a household for the README: the dashboard counting my share, and the Household page,
at a laptop's and a phone's width, light and dark, in English and in French.

    /work/main/.venv/bin/python -m tests.e2e.screenshots_household [--out DIR]

Seeds two couples who split their spending in January 2026 (alice and bob in English, camille and leo in
French), starts the real server and saves the pictures in docs/screenshots/ (or DIR).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import date
from pathlib import Path

from tests.conftest import test_environment
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.harness import ROOT, make_server

OUT = ROOT / 'docs' / 'screenshots'
PASSWORD = 'demo password 123'
COUPLES = (('alice', 'bob', 'en'), ('camille', 'leo', 'fr'))
LAPTOP, PHONE = {'width': 1280, 'height': 800}, {'width': 390, 'height': 844}
# (file name, who, viewport, dark, address)
SHOTS = (
    ('dashboard-share-light', 'alice', LAPTOP, False, '/?month=2026-01&view=share'),
    ('dashboard-share-phone-dark', 'alice', PHONE, True, '/?month=2026-01&view=share'),
    ('dashboard-share-fr-phone', 'camille', PHONE, False, '/?month=2026-01&view=share'),
    ('household-light', 'alice', LAPTOP, False, '/household'),
    ('household-phone-dark', 'alice', PHONE, True, '/household'),
    ('household-fr-phone', 'camille', PHONE, False, '/household'),
    ('household-fr-dark', 'camille', LAPTOP, True, '/household'),
)


def seed(folder: Path) -> None:
    env = test_environment(folder)
    os.environ.update(env)
    from app.config import load, use_settings
    from app.db import close_database, open_database
    from app.migrations import run_migrations
    from app.models import Category, PaymentMethod, UserLink
    from app.services import balances, expenses, preferences, users

    use_settings(load())
    open_database(env['DATABASE_URL'])
    run_migrations()
    rng = random.Random(20)
    for first_name, second_name, language in COUPLES:
        first = users.create_user(first_name, PASSWORD, is_admin=first_name == 'alice')
        second = users.create_user(second_name, PASSWORD)
        for person in (first, second):
            preferences.update_preferences(person, theme='light', language=language, currency='EUR', locale='fr-FR')
        a, b = sorted((first.id, second.id))
        UserLink.create(user_a=a, user_b=b, status='active', invited_by=first.id)
        users.seed_defaults(first, language=language)
        categories = list(Category.select().where((Category.owner == first.id) & Category.parent.is_null()))
        methods = list(PaymentMethod.select().where(PaymentMethod.owner == first.id))
        both = [first.id, second.id]
        for number in range(18):
            category = rng.choice(categories[:5])
            payer = rng.choice((first, second))
            split: dict = {'mode': 'equal', 'members': both}
            if number % 5 == 0:
                split = {'mode': 'equal', 'members': [payer.id]}  # just the payer's
            elif number % 7 == 0:
                split = {'mode': 'shares', 'members': both, 'parts': [2, 1]}
            expenses.create_expense(
                payer,
                {
                    'amount': f'{rng.randint(800, 12000) / 100:.2f}',
                    'date': date(2026, 1, rng.randint(1, 31)).isoformat(),
                    'category_id': category.id,
                    'payment_method_id': rng.choice(methods).id,
                    'split': split,
                },
            )
        balances.create_settlement(second, second.id, first.id, '40', '2026-01-20')
    close_database()


def log_in(page, url: str, username: str, target: str) -> None:
    page.goto(url + '/login')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_label('Password').press('Enter')
    page.wait_for_url(url + '/')
    page.goto(url + target)


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--out', type=Path, default=OUT)
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / 'shots'
        folder.mkdir()
        seed(folder)
        server = make_server(folder).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                for name, who, viewport, dark, target in SHOTS:
                    context = browser.new_context(viewport=viewport, device_scale_factor=1)
                    page = context.new_page()
                    log_in(page, server.url, who, target)
                    page.locator('.nicegui-content').first.wait_for()
                    marker = 'dashboard-view-note' if target.startswith('/?') else 'household-members'
                    page.locator(f'[marker="{marker}"], .q-card').first.wait_for()
                    page.wait_for_load_state('networkidle')
                    if dark:
                        page.locator('button:has-text("dark_mode")').click()
                        page.wait_for_function('document.body.classList.contains("body--dark")')
                        page.mouse.move(5, viewport['height'] - 5)  # away from the button: no tooltip
                    page.wait_for_function(
                        "() => document.getAnimations().every(a => a.playState !== 'running' "
                        '|| a.effect?.getTiming().iterations === Infinity)'
                    )
                    page.wait_for_timeout(600)  # charts finish their entry animation
                    page.screenshot(path=str(out / f'{name}.png'), full_page=False)
                    if dark:
                        page.locator('button:has-text("dark_mode")').click()  # the theme is saved per account
                        page.wait_for_function('!document.body.classList.contains("body--dark")')
                    context.close()
                browser.close()
        finally:
            server.stop()
    print('saved', ', '.join(f'{name}.png' for name, *_ in SHOTS), 'in', out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
