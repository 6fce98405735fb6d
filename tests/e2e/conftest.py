"""End-to-end fixtures: a real server and Debian's Chromium driven by Playwright.

Without Chromium these tests are skipped on a developer machine, and fail wherever the CI variable is set
(any value but empty, 0, false or no): a CI run never passes without having driven the browser.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.harness import Server, make_server

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMIUM_FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--disable-dev-shm-usage',
]
NOT_CI = {'', '0', 'false', 'no', 'off'}


def in_ci() -> bool:
    """CI runners set CI (GitHub and GitLab to `true`, others to 1 or a name): there, nothing may skip."""
    return os.environ.get('CI', '').strip().lower() not in NOT_CI


@pytest.fixture(scope='module')
def browser():
    """One Chromium per test module: Playwright's sync API keeps an event loop running while it is open,
    so it must be closed before an async test of another module runs in the same worker."""
    if not os.path.exists(CHROMIUM):
        message = 'Chromium is missing: install the Debian packages chromium and chromium-driver'
        if in_ci():
            pytest.fail(message + f' (CI={os.environ["CI"]}: end-to-end tests must run)')
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path: Path):
    running = make_server(tmp_path / 'server').start()
    yield running
    running.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def run_wizard(page, server: Server, username: str = 'admin', password: str = 'long enough pw') -> None:
    """Go through the setup wizard in the browser and land on the dashboard, logged in.

    The wizard guesses the currency and the locale from the browser (Playwright's is en-US); the tests
    written around French amounts (`12,50`, `€`) choose euros and fr-FR explicitly."""
    page.goto(server.url + '/')
    page.wait_for_url('**/setup')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password (8 characters or more)').fill(password)
    page.get_by_label('Password again').fill(password)
    page.get_by_role('button', name='Next').first.click()
    page.get_by_label('Currency').click()
    page.get_by_role('option', name='EUR — Euro').click()
    page.get_by_label('Numbers and dates').click()
    page.get_by_role('option', name='Français (France)').click()
    page.get_by_role('button', name='Next').last.click()  # the first step's Next is folded away
    page.get_by_role('button', name='Create my account').click()
    page.get_by_role('button', name='Open my dashboard').click()
    page.wait_for_url(server.url + '/')
