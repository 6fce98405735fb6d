"""Screenshots of the Expenses page, its month picker and the expense form: 1280x800 and 390x844, light and
dark, against the real server with the demo month of `screenshots_expenses`.

    /work/main/.venv/bin/python -m tests.e2e.screenshots_expense_pages [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.harness import ROOT, make_server
from tests.e2e.screenshots_expenses import PASSWORD, USERNAME, seed

SIZES = {'': {'width': 1280, 'height': 800}, '-phone': {'width': 390, 'height': 844}}


def shoot(page, out: Path, name: str) -> None:
    page.wait_for_timeout(400)  # let Quasar's transitions settle before the picture
    page.screenshot(path=str(out / f'{name}.png'))
    print(out / f'{name}.png')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', type=Path, default=ROOT / 'docs' / 'screenshots')
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / 'shots'
        folder.mkdir()
        seed(folder)
        server = make_server(folder).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                for dark in (False, True):
                    for size, viewport in SIZES.items():
                        theme = '-dark' if dark else '-light' if not size else ''
                        context = browser.new_context(viewport=viewport, device_scale_factor=1)
                        page = context.new_page()
                        page.goto(server.url + '/login?next=/expenses%3Fmonth%3D2026-01')
                        page.get_by_label('Username').fill(USERNAME)
                        page.get_by_label('Password').fill(PASSWORD)
                        page.get_by_label('Password').press('Enter')
                        page.wait_for_url('**/expenses?month=2026-01')
                        page.get_by_text('64', exact=True).wait_for()
                        if dark and not page.evaluate('document.body.classList.contains("body--dark")'):
                            page.locator('button:has-text("dark_mode")').click()  # stored: the next pages too
                            page.wait_for_function('document.body.classList.contains("body--dark")')
                        page.mouse.move(5, viewport['height'] - 5)  # no tooltip in the picture
                        shoot(page, args.out, f'expenses{size}{theme}')

                        page.get_by_role('button', name='January 2026: choose another month or year').click()
                        page.get_by_role('button', name='March 2026', exact=True).wait_for()
                        shoot(page, args.out, f'expenses-month-menu{size}{theme}')
                        page.keyboard.press('Escape')
                        page.locator('.q-menu').wait_for(state='hidden')

                        page.get_by_role('button', name='Add expense').click()
                        page.get_by_label('Amount', exact=True).fill('12,50')
                        page.get_by_label('Description (optional)').fill('Market')
                        shoot(page, args.out, f'expense-form{size}{theme}')
                        if not size:
                            page.get_by_label('Date').fill('2062-01-15')
                            page.get_by_role('button', name='Save', exact=True).click()
                            page.get_by_role('button', name='Save anyway').wait_for()
                            shoot(page, args.out, f'expense-form-far-ahead{theme}')
                        context.close()
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
