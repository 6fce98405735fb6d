"""Screenshots of receipts in the expenses list for the README (issue 18): the receipt mark with its count in
the table and on a phone's cards, and the viewer it opens; light, 1280x800 and 390x844.

    /work/main/.venv/bin/python -m tests.e2e.screenshots_receipts [--out docs/screenshots]

Seeds the demo month of `screenshots_expenses` (January 2026), gives three of its newest expenses till
receipts drawn by tests/receipt_images.py (one with three), starts the real server and saves receipts-list*.png
and receipts-viewer*.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from tests import receipt_images
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.harness import ROOT, make_server
from tests.e2e.screenshots_expenses import PASSWORD, USERNAME, seed

SIZES = {'': {'width': 1280, 'height': 800}, '-phone': {'width': 390, 'height': 844}}
# the receipts of three of the month's newest expenses (in the table's first rows), by description:
# (shop, lines, day) of each receipt
RECEIPTS = {
    'Lunch with Léa': [('Brasserie du Marche', [('PLAT DU JOUR', 1890), ('CAFE', 250)], '31/01/2026')],
    'Full tank': [
        ('Total Access', [('GAZOLE 41,2 L', 6798)], '31/01/2026'),
        ('Total Access', [('LAVAGE', 900)], '31/01/2026'),
        ('Total Access', [('CAFE', 180)], '31/01/2026'),
    ],
    'Weekly shop': [('Carrefour Market', [('PAIN', 125), ('LAIT 1L', 98), ('POMMES', 349)], '28/01/2026')],
}
LOADED = (
    "() => { const shown = [...document.querySelectorAll('.q-dialog img')].filter(i => i.naturalWidth > 300);"
    " return shown.length === 3 && !document.querySelector('.q-dialog .q-img__loading'); }"
)


def attach_receipts() -> None:
    """The receipts, through the service, with the seed's settings (their files go to its DATA_DIR)."""
    from app.db import close_database, open_database
    from app.models import Expense, User
    from app.services import receipts

    open_database(os.environ['DATABASE_URL'])
    try:
        user = User.get(User.username == USERNAME)
        for description, tickets in RECEIPTS.items():
            expense = Expense.select().where(Expense.description == description).order_by(Expense.date.desc()).get()
            for number, (shop, lines, day) in enumerate(tickets, start=1):
                photo = receipt_images.receipt_photo(shop, lines, day)
                receipts.attach(user, expense.id, f'ticket-{number}.jpg', photo)
    finally:
        close_database()


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
        attach_receipts()
        server = make_server(folder).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                for size, viewport in SIZES.items():
                    context = browser.new_context(viewport=viewport, device_scale_factor=1)
                    page = context.new_page()
                    page.goto(server.url + '/login?next=/expenses%3Fmonth%3D2026-01')
                    page.get_by_label('Username').fill(USERNAME)
                    page.get_by_label('Password').fill(PASSWORD)
                    page.get_by_label('Password').press('Enter')
                    page.wait_for_url('**/expenses?month=2026-01')
                    several = page.get_by_role('button', name='3 receipts attached: show them')
                    several.wait_for()
                    page.mouse.move(5, viewport['height'] - 5)  # no tooltip in the picture
                    shoot(page, args.out, f'receipts-list{size}')
                    several.click()
                    page.wait_for_function(LOADED)
                    shoot(page, args.out, f'receipts-viewer{size}')
                    context.close()
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
