"""Screenshots of the dashboard with seeded data: light, dark and phone width, into docs/screenshots/.

    .venv/bin/python bench/screenshots.py [--month 2026-09] [--locale fr-FR] [--out folder]

Seeds two linked users (bench1, bench2) with two years of expenses up to today into a temporary folder, starts the
real server on loopback and takes the pictures in headless Chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402
from bench.browser import CHARTS_DRAWN, chromium, log_in  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

SHOTS = ROOT / 'docs' / 'screenshots'


SHOTS_TAKEN = (  # name, viewport, dark, month (None: the month given on the command line)
    ('dashboard-light', {'width': 1280, 'height': 800}, False, None),
    ('dashboard-phone', {'width': 390, 'height': 844}, False, None),
    ('dashboard-current-month', {'width': 1280, 'height': 800}, False, 'current'),
    ('dashboard-phone-dark', {'width': 390, 'height': 844}, True, None),
    ('dashboard-dark', {'width': 1280, 'height': 800}, True, None),
)


def main() -> None:
    parser = argparse.ArgumentParser(description='Dashboard screenshots (light, dark, phone; fr-FR users)')
    parser.add_argument('--month', default='2026-09')
    parser.add_argument('--locale', default='fr-FR')
    parser.add_argument('--out', type=Path, default=SHOTS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    today = date.today()
    with tempfile.TemporaryDirectory(prefix='wis-shots-') as folder:
        server = make_server(Path(folder) / 'server')
        seed.main(['--database', str(server.folder / 'whatispend.db'), '--users', '2', '--expenses', '7000',
                   '--years', '2', '--end', today.isoformat(), '--locale', args.locale,
                   '--password', seed.DEFAULT_PASSWORD])  # fmt: skip
        server.start()
        try:
            with chromium() as browser:
                # the dark ones last: the header's switch stores the preference for the next pages
                for name, viewport, dark, month in SHOTS_TAKEN:
                    month = f'{today:%Y-%m}' if month == 'current' else args.month
                    context = browser.new_context(viewport=viewport, color_scheme='dark' if dark else 'light')
                    page = context.new_page()
                    log_in(page, server.url, 'bench1', seed.DEFAULT_PASSWORD)
                    page.goto(f'{server.url}/?month={month}')
                    page.wait_for_function(CHARTS_DRAWN)
                    if dark and not page.evaluate("document.body.classList.contains('body--dark')"):
                        page.locator('.q-header button').filter(has_text='dark_mode').click()
                        page.wait_for_function("document.body.classList.contains('body--dark')")
                    page.mouse.move(viewport['width'] // 2, 5)  # no tooltip left over
                    page.wait_for_timeout(1000)  # let the ECharts entry animation finish before the picture
                    page.screenshot(path=str(args.out / f'{name}.png'), full_page=True)
                    context.close()
                    print(args.out / f'{name}.png')
        finally:
            server.stop()


if __name__ == '__main__':
    main()
