"""Screenshots of the first run for the README: python docs/screenshots/capture_foundation.py

Starts a real server in a temporary folder and drives Debian's Chromium through the wizard.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, run_wizard  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

OUT = ROOT / 'docs' / 'screenshots'


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = make_server(Path(folder)).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={'width': 1280, 'height': 800})
                page.goto(server.url + '/setup')  # the wizard's own pictures: capture_wizard.py
                run_wizard(page, server, 'camille')
                page.wait_for_timeout(500)
                page.screenshot(path=OUT / 'first-page.png')
                page.get_by_role('button').filter(has_text='dark_mode').click()
                page.goto(server.url + '/settings')
                page.get_by_text('Appearance and formats').wait_for()
                page.screenshot(path=OUT / 'settings-dark.png')
                phone = browser.new_context(viewport={'width': 390, 'height': 844}, is_mobile=True)
                phone_page = phone.new_page()
                phone_page.goto(server.url + '/login')
                phone_page.get_by_label('Username').wait_for()
                phone_page.screenshot(path=OUT / 'login-phone.png')
                page.get_by_role('button').filter(has_text='logout').click()
                page.wait_for_url('**/login')
                page.get_by_label('Username').wait_for()
                page.screenshot(path=OUT / 'login.png')
                browser.close()
        finally:
            server.stop()


if __name__ == '__main__':
    main()
