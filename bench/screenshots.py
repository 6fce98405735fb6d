"""Screenshots of the dashboard with seeded data: light, dark and phone width, into docs/screenshots/.

    .venv/bin/python bench/screenshots.py [--month 2026-09]

Seeds two linked users (bench1, bench2) with two years of expenses into a temporary folder, starts the
real server on loopback and takes the pictures in headless Chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402
from bench.browser import CHARTS_DRAWN, chromium, log_in  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

SHOTS = ROOT / 'docs' / 'screenshots'


def main() -> None:
    parser = argparse.ArgumentParser(description='Dashboard screenshots (light, dark, phone)')
    parser.add_argument('--month', default='2026-09')
    parser.add_argument('--out', type=Path, default=SHOTS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='wis-shots-') as folder:
        server = make_server(Path(folder) / 'server')
        seed.main(['--database', str(server.folder / 'whatispend.db'), '--users', '2', '--expenses', '7000',
                   '--years', '2', '--password', seed.DEFAULT_PASSWORD])  # fmt: skip
        server.start()
        try:
            with chromium() as browser:
                # the dark one last: the header's switch stores the preference for the next pages
                for name, viewport, dark in (
                    ('dashboard-light', {'width': 1200, 'height': 900}, False),
                    ('dashboard-phone', {'width': 390, 'height': 844}, False),
                    ('dashboard-dark', {'width': 1200, 'height': 900}, True),
                ):
                    context = browser.new_context(viewport=viewport, color_scheme='dark' if dark else 'light')
                    page = context.new_page()
                    log_in(page, server.url, 'bench1', seed.DEFAULT_PASSWORD)
                    page.goto(f'{server.url}/?month={args.month}')
                    page.wait_for_function(CHARTS_DRAWN)
                    if dark:
                        page.locator('.q-header button').filter(has_text='dark_mode').click()
                        page.wait_for_function("document.body.classList.contains('body--dark')")
                        page.mouse.move(viewport['width'] // 2, viewport['height'] - 10)  # no tooltip left over
                    page.wait_for_timeout(1000)  # let the ECharts entry animation finish before the picture
                    page.screenshot(path=str(args.out / f'{name}.png'), full_page=True)
                    context.close()
                    print(args.out / f'{name}.png')
        finally:
            server.stop()


if __name__ == '__main__':
    main()
