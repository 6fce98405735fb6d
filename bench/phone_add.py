"""Benchmark: taps and time from the dashboard to a saved expense on a phone (390x844) in headless Chromium.

    /work/main/.venv/bin/python -m bench.phone_add [--runs 5] [--shots docs/screenshots]

Starts the real server on a fresh installation, goes through the setup wizard, records a few expenses so that
the last choices and the quick picks exist, then times, `--runs` times each, from the dashboard shown to the
"Expense added." confirmation:

- the add button (floating) with the last category and payment method preselected: tap +, type the amount,
  tap Save;
- a quick pick: tap +, tap the first chip, type the amount, tap Save;
- for comparison, the way before issue 19: menu, Expenses, Add expense, type the amount, Save.

Typing is Playwright's (instant); the figure is the app's own time, not a person's. With `--shots`, it keeps
the pictures of the README's "On your phone" section (the form with quick picks, the offline queue).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser import chromium  # noqa: E402
from tests.e2e.conftest import run_wizard  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

PHONE = {'width': 390, 'height': 844}


def _added(page) -> None:
    page.get_by_text('Expense added.').last.wait_for()
    page.locator('.q-dialog').wait_for(state='detached')


def with_last_choices(page, url: str) -> int:
    page.get_by_role('button', name='New expense').click()
    page.get_by_label('Amount').fill('4,20')
    page.get_by_role('button', name='Save', exact=True).click()
    _added(page)
    return 2


def with_quick_pick(page, url: str) -> int:
    page.get_by_role('button', name='New expense').click()
    page.locator('.q-chip').first.click()
    page.get_by_label('Amount').fill('3,10')
    page.get_by_role('button', name='Save', exact=True).click()
    _added(page)
    return 3


def the_old_way(page, url: str) -> int:
    page.get_by_role('button', name='Menu').click()
    page.get_by_role('button', name='Expenses').click()
    page.wait_for_url(url + '/expenses')
    page.get_by_role('button', name='Add expense').click()
    page.locator('.q-dialog').get_by_label('Amount').fill('5,00')
    page.get_by_role('button', name='Save', exact=True).click()
    _added(page)
    return 4


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--shots', type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = make_server(Path(folder) / 'server').start()
        try:
            with chromium() as browser:
                context = browser.new_context(viewport=PHONE)
                page = context.new_page()
                page.set_default_timeout(30_000)
                run_wizard(page, server)
                page.get_by_role('button', name='New expense').click()  # a first expense: the last choices
                page.get_by_label('Amount').fill('12,50')
                page.get_by_label('Category', exact=True).click()
                page.get_by_role('option', name='Food').click()
                page.get_by_label('Payment method').click()
                page.get_by_role('option', name='Card').click()
                page.get_by_label('Place (optional)').fill('Bakery')
                page.get_by_role('button', name='Save', exact=True).click()
                _added(page)
                results = {}
                for name, flow in (
                    ('+ and Save', with_last_choices),
                    ('quick pick', with_quick_pick),
                    ('menu, Expenses, Add (before)', the_old_way),
                ):
                    times, taps = [], 0
                    for _ in range(args.runs):
                        page.goto(server.url + '/')
                        page.get_by_role('button', name='New expense').wait_for()
                        start = time.perf_counter()
                        taps = flow(page, server.url)
                        times.append(time.perf_counter() - start)
                    results[name] = (taps, statistics.median(times), max(times))
                if args.shots:
                    page.goto(server.url + '/')
                    page.get_by_role('button', name='New expense').wait_for()
                    page.wait_for_function("document.querySelectorAll('.nicegui-echart canvas').length >= 3")
                    page.screenshot(path=str(args.shots / 'phone-dashboard.png'))
                    page.get_by_role('button', name='New expense').click()
                    page.locator('.q-chip').first.wait_for()
                    page.screenshot(path=str(args.shots / 'phone-quick-picks.png'))
                    page.keyboard.press('Escape')
                    page.goto(server.url + '/capture')
                    page.wait_for_selector('body[data-ready=true]')
                    context.set_offline(True)
                    page.reload()
                    page.wait_for_selector('body[data-ready=true]')
                    for amount, words in (('2,80', 'Coffee'), ('14,90', 'Market')):
                        page.locator('#amount').fill(amount)
                        page.locator('#description').fill(words)
                        page.locator('#save').click()
                        page.get_by_text(words).last.wait_for()
                    page.screenshot(path=str(args.shots / 'phone-offline-queue.png'), full_page=True)
                    context.set_offline(False)
                context.close()
        finally:
            server.stop()
    load = os.getloadavg()[0]
    print(f'load average {load:.1f}; {args.runs} runs each, dashboard shown -> "Expense added."')
    for name, (taps, median, worst) in results.items():
        print(f'{name:32} {taps} taps + amount   median {median:.3f} s   worst {worst:.3f} s')


if __name__ == '__main__':
    main()
