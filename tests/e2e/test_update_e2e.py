"""Settings › Update in a real browser against a real server: the progress moves live while the update
runs, the page reconnects by itself across the restart and ends on the new version.

WIS_SCREENSHOTS=1 also writes docs/screenshots/update-*.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.update_harness import Installation, add_migration

SHOTS = Path(__file__).resolve().parents[2] / 'docs' / 'screenshots'
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def shot(page, name: str) -> None:
    if os.environ.get('WIS_SCREENSHOTS') == '1':
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.fixture
def install(tmp_path: Path):
    installation = Installation(tmp_path)
    installation.seed()
    gate = tmp_path / 'gate'
    installation.env['WIS_TEST_GATE'] = str(gate)
    installation.gate = gate
    yield installation
    installation.stop()


def login(page, install: Installation) -> None:
    page.goto(install.url + '/login?next=/settings?tab=update')
    page.get_by_label('Username').fill('admin')
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_role('button', name='Log in').click()
    page.wait_for_url('**/settings?tab=update')


def test_update_from_the_settings_page(browser, install: Installation) -> None:
    # The release's migration waits for a gate file, so that the page can be seen mid-update.
    body = (
        '    import os\n    import pathlib\n    import time\n\n'
        '    gate = pathlib.Path(os.environ["WIS_TEST_GATE"])\n'
        '    while not gate.exists():\n        time.sleep(0.1)\n'
        '    db.execute_sql("CREATE TABLE release_probe (id INTEGER PRIMARY KEY, cents INTEGER)")'
    )
    install.release(
        '3.1.0',
        lambda root: add_migration(root, 905, body),
        note='Monthly **budgets** per category.\n- The map groups nearby places.',
    )
    install.start()
    before = install.rows()

    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, install)
        page.get_by_text('Not checked yet.').wait_for()
        page.get_by_role('button', name='Check now').click()
        page.get_by_text('Version 3.1.0 is available (tag v3.1.0).').wait_for()
        page.get_by_text('The map groups nearby places.').wait_for()
        page.get_by_role('button', name='Update to 3.1.0').click()
        page.get_by_role('button', name='Update', exact=True).click()

        # live: the steps tick by without reloading the page
        page.get_by_text('Updating…').wait_for()
        page.get_by_text('code switched to tag v3.1.0 (3.1.0)').wait_for()
        page.get_by_text('requirements.txt did not change; nothing to install').wait_for()
        shot(page, 'update-progress.png')
        assert page.get_by_role('button', name='Update to 3.1.0').is_disabled()

        install.gate.write_text('go')
        # the server restarts; the page reconnects and shows the outcome read from disk
        page.get_by_text('Update complete.').wait_for(timeout=120_000)
        page.get_by_text('You run the latest version.').wait_for()
        assert page.get_by_text('3.1.0', exact=True).first.is_visible()
        shot(page, 'update-done.png')
    finally:
        context.close()
    assert install.health()['version'] == '3.1.0'
    assert install.rows() == before

    phone = browser.new_context(viewport={'width': 390, 'height': 844}, color_scheme='dark')
    page = phone.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, install)
        page.get_by_text('Update complete.').wait_for()
        shot(page, 'update-done-phone-dark.png')
    finally:
        phone.close()
