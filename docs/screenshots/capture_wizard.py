"""Screenshots of the setup wizard and the login page: python docs/screenshots/capture_wizard.py [--out DIR]

For each width (1280x800, 390x844) and theme (light, dark: the pages follow the system's), a fresh
server in a temporary folder, driven through every step of the wizard by Debian's Chromium, then the
login page after a wrong password. Pictures: wizard-<step>-<width>-<theme>.png, login-error-....png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

SIZES = {'desktop': {'width': 1280, 'height': 800}, 'phone': {'width': 390, 'height': 844}}
LANGUAGES = {'desktop': 'fr-FR', 'phone': 'en-US'}  # the wizard's defaults follow the browser
# The ones the README shows; --all keeps the twenty (every step, both widths, both themes) to look at.
KEEP = {
    'wizard-errors-desktop-light',
    'wizard-preferences-desktop-dark',
    'wizard-presets-phone-light',
    'wizard-key-desktop-light',
    'wizard-key-phone-dark',
    'login-error-desktop-light',
    'login-error-phone-dark',
}


def settle(page) -> None:
    page.wait_for_timeout(600)  # the stepper's animation and the floating labels, for the picture only


def capture(browser, folder: Path, out: Path, size: str, scheme: str, keep_all: bool) -> list[Path]:
    server = make_server(folder / f'{size}-{scheme}').start()
    shots: list[Path] = []

    def shot(page, name: str) -> None:
        if not keep_all and f'{name}-{size}-{scheme}' not in KEEP:
            return
        settle(page)
        path = out / f'{name}-{size}-{scheme}.png'
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    try:
        context = browser.new_context(
            viewport=SIZES[size], color_scheme=scheme, locale=LANGUAGES[size], is_mobile=size == 'phone'
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(server.url + '/setup')
        page.get_by_label('Username').fill('camille')
        page.get_by_label('Password (8 characters or more)').fill('short')
        page.get_by_label('Password again').fill('shorter')
        page.get_by_role('button', name='Next').first.click()
        page.get_by_text('at least 8 characters').wait_for()
        shot(page, 'wizard-errors')
        page.get_by_label('Password (8 characters or more)').fill('long enough pw')
        page.get_by_label('Password again').fill('long enough pw')
        page.get_by_role('button', name='Next').first.click()
        page.get_by_text('Guessed from your browser').wait_for()
        page.get_by_label('Numbers and dates').click()
        page.locator('.q-menu').wait_for()
        shot(page, 'wizard-preferences')
        page.keyboard.press('Escape')
        page.get_by_role('button', name='Next').last.click()  # the first step's is folded away
        page.get_by_text('A starting set').wait_for()
        shot(page, 'wizard-presets')
        page.get_by_role('button', name='Create my account').click()
        page.get_by_text('Keep it secret').wait_for()
        shot(page, 'wizard-key')
        page.get_by_role('button', name='Open my dashboard').click()
        page.wait_for_url(server.url + '/')
        page.get_by_role('button').filter(has_text='logout').click()
        page.wait_for_url('**/login')
        page.get_by_label('Username').fill('camille')
        page.get_by_label('Password').fill('not the password')
        page.get_by_role('button', name='Log in').click()
        page.get_by_text('Wrong username or password').wait_for()
        shot(page, 'login-error')
        context.close()
    finally:
        server.stop()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description='Setup wizard and login screenshots')
    parser.add_argument('--out', type=Path, default=ROOT / 'docs' / 'screenshots')
    parser.add_argument('--all', action='store_true', help='every step at both widths in both themes')
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='wis-wizard-') as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for size in SIZES:
            for scheme in ('light', 'dark'):
                for path in capture(browser, Path(folder), args.out, size, scheme, args.all):
                    print(path)
        browser.close()


if __name__ == '__main__':
    main()
