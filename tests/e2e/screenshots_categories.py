"""Screenshots of Categories, Payment methods and the icon picker at 1280x800 and 390x844, light and dark.

    .venv/bin/python -m tests.e2e.screenshots_categories [--out docs/screenshots]

Seeds the demo month of tests/e2e/screenshots_expenses.py, starts the real server and takes the pictures
in headless Chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.harness import make_server
from tests.e2e.screenshots_expenses import OUT, PASSWORD, USERNAME, seed

SIZES = {'desktop': {'width': 1280, 'height': 800}, 'phone': {'width': 390, 'height': 844}}


def log_in(page, url: str, next_path: str) -> None:
    page.goto(f'{url}/login?next={next_path}')
    page.get_by_label('Username').fill(USERNAME)
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_label('Password').press('Enter')
    page.wait_for_url(url + next_path)


def set_theme(page, dark: bool) -> None:
    """The header's switch stores the choice in the user's preferences, so check which one is on first."""
    is_dark = 'document.body.classList.contains("body--dark")'
    if page.evaluate(is_dark) != dark:
        page.locator('.q-header button:has-text("dark_mode")').click()
        page.wait_for_function(is_dark if dark else f'!{is_dark}')
    page.mouse.move(5, 700)  # away from the button: no tooltip in the picture


def shoot(page, out: Path, name: str) -> None:
    page.mouse.move(1, 60)  # away from any button: no tooltip or hover in the picture
    page.wait_for_timeout(600)  # let Quasar's transitions settle before the picture
    path = out / f'{name}.png'
    page.screenshot(path=str(path))
    overflow = page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
    print(path, f'(horizontal overflow {overflow}px)' if overflow > 0 else '')


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / 'shots'
        folder.mkdir()
        seed(folder)
        server = make_server(folder).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                for size, viewport in SIZES.items():
                    for dark in (False, True):
                        suffix = ('' if size == 'desktop' else '-phone') + ('-dark' if dark else '-light')
                        suffix = suffix.replace('-phone-light', '-phone')
                        context = browser.new_context(viewport=viewport, device_scale_factor=1)
                        page = context.new_page()
                        log_in(page, server.url, '/categories')
                        page.get_by_text('Groceries').wait_for()
                        set_theme(page, dark)
                        shoot(page, args.out, f'categories{suffix}')

                        page.get_by_role('button', name='Edit Shopping', exact=True).click()
                        page.get_by_role('button', name='Choose an icon').click()
                        page.get_by_label('Search icons').wait_for()
                        shoot(page, args.out, f'icon-picker{suffix}')
                        page.get_by_label('Search icons').fill('car')
                        shoot(page, args.out, f'icon-picker-search{suffix}')
                        page.get_by_role('button', name='Close').click()
                        page.get_by_label('Icon', exact=True).fill('dog')
                        page.get_by_role('button', name='Save', exact=True).click()
                        page.get_by_text("'dog' is not an icon").first.wait_for()
                        shoot(page, args.out, f'categories-unknown-icon{suffix}')
                        page.get_by_role('button', name='Cancel').click()

                        page.get_by_role('button', name='Delete Insurance').click()
                        page.get_by_text('Delete Insurance?').wait_for()
                        shoot(page, args.out, f'categories-delete{suffix}')
                        page.get_by_role('button', name='Delete', exact=True).click()
                        page.get_by_role('button', name='Undo').wait_for()
                        shoot(page, args.out, f'categories-undo{suffix}')
                        page.get_by_role('button', name='Undo').click()
                        page.get_by_text('Insurance restored.').wait_for()

                        page.goto(server.url + '/payment-methods')
                        page.get_by_text('Transfer', exact=True).wait_for()
                        shoot(page, args.out, f'payment-methods{suffix}')
                        context.close()
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
