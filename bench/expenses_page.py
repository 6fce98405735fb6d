"""Benchmark: how long the Expenses page takes to show a month of 5,000 expenses in headless Chromium.

    /work/main/.venv/bin/python -m bench.expenses_page [--expenses 5000] [--other-months 20000] [--runs 7]

Seeds a fresh installation in a temporary folder (one user, the preset categories, `--expenses` expenses in
January 2026 and `--other-months` spread over the years before), starts the real server, logs in through
the login form, then times `page.goto('/expenses?month=2026-01')` until the first row of the table and the
month's count are on screen. Prints each run, the median and the worst; exits 1 when the median is 1 s or more.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import test_environment  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

USERNAME, PASSWORD = 'bench', 'bench password 123'
WORDS = ['market', 'bakery', 'fuel', 'train', 'cinema', 'pharmacy', 'rent', 'gift', 'coffee', 'books', 'lunch']


def seed(folder: Path, in_month: int, other: int) -> None:
    """Fill the installation's database directly through the models (fast inserts)."""
    env = test_environment(folder)
    os.environ.update(env)
    from app.config import load, use_settings
    from app.db import close_database, db, open_database
    from app.migrations import run_migrations
    from app.models import Category, Expense, PaymentMethod
    from app.services import users
    from app.services.presets import DEFAULT_CATEGORIES, DEFAULT_PAYMENT_METHODS

    use_settings(load())
    open_database(env['DATABASE_URL'])
    run_migrations()
    user = users.create_user(USERNAME, PASSWORD, is_admin=True)
    pairs = []
    for preset in DEFAULT_CATEGORIES:
        parent = Category.create(owner=user, name=preset['name'], color=preset['color'], icon=preset['icon'])
        pairs.append((parent.id, None))
        for child in preset['children']:
            pairs.append((parent.id, Category.create(owner=user, name=child, parent=parent).id))
    methods = [PaymentMethod.create(owner=user, name=p['name'], icon=p['icon']).id for p in DEFAULT_PAYMENT_METHODS]
    rng = random.Random(42)

    def row(day: date) -> dict:
        category, subcategory = rng.choice(pairs)
        return {
            'owner': user.id,
            'amount_cents': rng.randint(50, 25_000),
            'date': day,
            'category': category,
            'subcategory': subcategory,
            'payment_method': rng.choice(methods),
            'description': f'{rng.choice(WORDS)} {rng.randint(1, 999)}',
        }

    rows = [row(date(2026, 1, rng.randint(1, 31))) for _ in range(in_month)]
    rows += [row(date(2025, 12, 31) - timedelta(days=rng.randint(0, 3650))) for _ in range(other)]
    with db.atomic():
        for start in range(0, len(rows), 2000):
            Expense.insert_many(rows[start : start + 2000]).execute()
    close_database()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--expenses', type=int, default=5000)
    parser.add_argument('--other-months', type=int, default=20_000)
    parser.add_argument('--runs', type=int, default=7)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / 'bench'
        folder.mkdir()
        started = time.perf_counter()
        seed(folder, args.expenses, args.other_months)
        print(
            f'seeded {args.expenses} expenses in 2026-01 and {args.other_months} before, '
            f'in {time.perf_counter() - started:.1f} s'
        )
        server = make_server(folder).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                page = browser.new_page(viewport={'width': 1280, 'height': 900})
                page.set_default_timeout(30_000)
                page.goto(server.url + '/login')
                page.get_by_label('Username').fill(USERNAME)
                page.get_by_label('Password').fill(PASSWORD)
                page.get_by_label('Password').press('Enter')
                page.wait_for_url(server.url + '/')
                url = server.url + '/expenses?month=2026-01'
                page.goto(url)  # warm-up: first load of the static assets
                page.locator('tbody tr').first.wait_for()
                timings, baseline = [], []
                for _ in range(args.runs):
                    # a small page of the same frame, for comparison: what any page costs on this machine now
                    start = time.perf_counter()
                    page.goto(server.url + '/payment-methods', wait_until='commit')
                    page.get_by_text('Transfer', exact=True).wait_for()
                    baseline.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    page.goto(url, wait_until='commit')
                    page.locator('tbody tr td').first.wait_for()
                    page.get_by_text(f'{args.expenses}', exact=True).wait_for()
                    timings.append(time.perf_counter() - start)
                rows = page.locator('tbody tr').count()
                browser.close()
        finally:
            server.stop()
    median, worst = statistics.median(timings), max(timings)
    print('expenses page runs (s): ' + ', '.join(f'{t:.3f}' for t in timings))
    print('payment methods page runs (s): ' + ', '.join(f'{t:.3f}' for t in baseline))
    print(f'small page for comparison: median {statistics.median(baseline):.3f} s')
    print(f'{args.expenses} expenses in the month, {rows} rows in the DOM: median {median:.3f} s, worst {worst:.3f} s')
    return 0 if median < 1.0 else 1


if __name__ == '__main__':
    sys.exit(main())
