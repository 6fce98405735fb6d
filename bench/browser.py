"""Headless Chromium for the benchmark and the screenshots (the same browser the e2e tests drive)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

CHARTS_DRAWN = "document.querySelectorAll('.nicegui-echart canvas').length >= 5"


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page, url: str, username: str, password: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto(url + '/login')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password').fill(password)
    page.get_by_role('button', name='Log in').click()
    page.wait_for_url(url + '/')
