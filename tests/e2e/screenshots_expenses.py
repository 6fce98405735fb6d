"""Screenshots of the Expenses page for the README (light, dark, phone width), and of Categories and Payment methods.

    /work/main/.venv/bin/python -m tests.e2e.screenshots_expenses

Seeds a demo month (January 2026), starts the real server and saves them in docs/screenshots/.
"""

from __future__ import annotations

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
USERNAME, PASSWORD = 'camille', 'demo password 123'
DEMO = [
    ('Food', 'Groceries', 'Card', 'Weekly shop', (3500, 9500)),
    ('Food', 'Bakery', 'Cash', 'Bread and croissants', (250, 900)),
    ('Food', 'Restaurants', 'Card', 'Lunch with Léa', (1400, 4200)),
    ('Transport', 'Fuel', 'Card', 'Full tank', (5500, 8000)),
    ('Transport', 'Public transport', 'Card', 'Metro pass', (2000, 8600)),
    ('Housing', 'Rent', 'Transfer', 'January rent', (85000, 85000)),
    ('Housing', 'Utilities', 'Transfer', 'Electricity', (4500, 7500)),
    ('Health', 'Pharmacy', 'Card', 'Pharmacy', (600, 2400)),
    ('Leisure', 'Outings', 'Cash', 'Cinema', (1100, 2600)),
    ('Leisure', 'Subscriptions', 'Card', 'Music streaming', (1099, 1099)),
    ('Shopping', 'Clothes', 'Card', 'Winter coat', (6000, 14000)),
    ('Shopping', 'Home', 'Card', 'Lamp', (1900, 4900)),
]


def seed(folder: Path) -> None:
    env = test_environment(folder)
    os.environ.update(env)
    from app.config import load, use_settings
    from app.db import close_database, open_database
    from app.migrations import run_migrations
    from app.models import Category, PaymentMethod
    from app.services import expenses, users
    from app.services.presets import DEFAULT_CATEGORIES, DEFAULT_PAYMENT_METHODS

    use_settings(load())
    open_database(env['DATABASE_URL'])
    run_migrations()
    user = users.create_user(USERNAME, PASSWORD, is_admin=True)
    users.update_preferences(user, theme='light')
    ids = {}
    for preset in DEFAULT_CATEGORIES:
        parent = Category.create(owner=user, name=preset['name'], color=preset['color'], icon=preset['icon'])
        ids[preset['name']] = parent.id
        for child in preset['children']:
            ids[(preset['name'], child)] = Category.create(
                owner=user, name=child, parent=parent, color=parent.color, icon=parent.icon
            ).id
    for preset in DEFAULT_PAYMENT_METHODS:
        ids[preset['name']] = PaymentMethod.create(owner=user, name=preset['name'], icon=preset['icon']).id
    rng = random.Random(7)
    for _ in range(64):
        category, sub, method, text, (low, high) = rng.choice(DEMO)
        expenses.create_expense(
            user,
            {
                'amount': f'{rng.randint(low, high) / 100:.2f}',
                'date': date(2026, 1, rng.randint(1, 31)).isoformat(),
                'category_id': ids[category],
                'subcategory_id': ids[(category, sub)],
                'payment_method_id': ids[method],
                'description': text,
            },
        )
    close_database()


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / 'shots'
        folder.mkdir()
        seed(folder)
        server = make_server(folder).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                url = server.url + '/expenses?month=2026-01'
                for name, viewport, dark in (
                    ('expenses-light', {'width': 1280, 'height': 900}, False),
                    ('expenses-dark', {'width': 1280, 'height': 900}, True),
                    ('expenses-phone', {'width': 390, 'height': 844}, False),
                ):
                    context = browser.new_context(viewport=viewport, device_scale_factor=1)
                    page = context.new_page()
                    page.goto(server.url + '/login?next=/expenses%3Fmonth%3D2026-01')
                    page.get_by_label('Username').fill(USERNAME)
                    page.get_by_label('Password').fill(PASSWORD)
                    page.get_by_label('Password').press('Enter')
                    page.wait_for_url(url)
                    page.get_by_text('64', exact=True).wait_for()
                    page.get_by_text('Jan').first.wait_for()
                    if dark:
                        page.locator('button:has-text("dark_mode")').click()
                        page.wait_for_function('document.body.classList.contains("body--dark")')
                        page.mouse.move(600, 600)  # away from the button: no tooltip in the picture
                    page.wait_for_timeout(400)  # let Quasar's transitions settle before the picture
                    page.screenshot(path=str(OUT / f'{name}.png'), full_page=False)
                    if dark:
                        page.locator('button:has-text("dark_mode")').click()  # back to light for the next shots
                        page.wait_for_function('!document.body.classList.contains("body--dark")')
                    context.close()
                context = browser.new_context(viewport={'width': 1280, 'height': 900})
                page = context.new_page()
                page.goto(server.url + '/login?next=/categories')
                page.get_by_label('Username').fill(USERNAME)
                page.get_by_label('Password').fill(PASSWORD)
                page.get_by_label('Password').press('Enter')
                page.get_by_text('Groceries').wait_for()
                page.screenshot(path=str(OUT / 'categories-light.png'))
                page.goto(server.url + '/payment-methods')
                page.get_by_text('Transfer', exact=True).wait_for()
                page.screenshot(path=str(OUT / 'payment-methods-light.png'))
                context.close()
                browser.close()
        finally:
            server.stop()
    print('saved', ', '.join(sorted(p.name for p in OUT.glob('*.png'))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
