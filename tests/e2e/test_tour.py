"""The tour: every page, at a laptop's and a phone's width, in light and in dark, as a household uses it.

One real server and one Chromium for the whole tour. The setup wizard is toured first, while the server is
fresh; then the wizard creates the administrator, `tests/e2e/household.py` adds two linked accounts and a few
months of spending through the API, and every page of the app is visited. Each visit waits until the page
is drawn with its data (a marker of the page, the charts' canvases), then fails on what a person would
meet: a console error, a failed request (map tiles aside: they come from the internet), a page wider than
the screen (naming the element that sticks out), a traceback in the server's log, and the accessibility
violations axe-core finds (WCAG 2.x A and AA: colour contrast, labels, names of buttons and links, image
alternatives, ARIA), each with the rule, the element's selector and its text.

    .venv/bin/pytest -q tests/e2e/test_tour.py          # WIS_TOUR_SHOTS=folder keeps a screenshot per visit
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.harness import Server, make_server
from tests.e2e.household import ADMIN, FLATMATE, PARTNER, TOKEN_NAME, Household, seed_household
from tests.e2e.page_checks import DEFAULT_TILES, PageWatch, drawn, page_problems

ADMIN_PASSWORD = 'tour admin password'
WIDTHS = {'desktop': {'width': 1280, 'height': 800}, 'phone': {'width': 390, 'height': 844}}
THEMES = ('light', 'dark')
SHOTS = os.environ.get('WIS_TOUR_SHOTS', '')
CHARTS_DRAWN = "document.querySelectorAll('.nicegui-echart canvas').length >= 5"
MAP_DRAWN = "document.querySelectorAll('.leaflet-overlay-pane path').length > 0"
# a table on wide screens, a list of cards on phones
EXPENSES_SHOWN = "document.querySelectorAll('.q-table tbody td, .q-table__grid-content .q-card').length > 3"
DRAWER_OPEN = "(document.querySelector('.q-drawer')?.getBoundingClientRect().left ?? -1) >= 0"


@dataclass(frozen=True)
class Stop:
    """A page of the app and how to know it is drawn: a text that its data shows, and/or a JS condition."""

    name: str
    path: str
    text: str = ''
    js: str = ''
    phone_only: bool = False


STOPS = [
    Stop('dashboard', '/', js=CHARTS_DRAWN),
    Stop('menu', '/', js=CHARTS_DRAWN, phone_only=True),  # the navigation drawer, opened
    Stop('expenses', '/expenses', js=EXPENSES_SHOWN),
    Stop('categories', '/categories', text='Garden'),
    Stop('payment-methods', '/payment-methods', text='Transfer'),
    Stop('map', '/map', js=MAP_DRAWN),
    Stop('settings-account', '/settings?tab=account', text='Appearance and formats'),
    Stop('settings-sharing', '/settings?tab=sharing', text=FLATMATE),
    Stop('settings-tokens', '/settings?tab=tokens', text=TOKEN_NAME),
    Stop('settings-users', '/settings?tab=users', text=FLATMATE),
    Stop('settings-audit', '/settings?tab=audit', text=PARTNER),
    Stop('settings-update', '/settings?tab=update', text='Installed'),
]
VISITS = [
    pytest.param(stop, width, theme, id=f'{stop.name}-{width}-{theme}')
    for stop in STOPS
    for width in WIDTHS
    for theme in THEMES
    if width == 'phone' or not stop.phone_only
]
SCREENS = [pytest.param(width, theme, id=f'{width}-{theme}') for width in WIDTHS for theme in THEMES]


class Tour:
    """The server, the browser pages and what the tour has done so far (the wizard, the household)."""

    def __init__(self, server: Server, browser) -> None:
        self.server = server
        self.browser = browser
        self.guest = self._page()
        self.member = None
        self.household: Household | None = None
        self.set_up = False
        self.log_offset = 0
        self.showing: tuple[str, str] | None = None  # (address, width) the member's page shows, as loaded

    def _page(self) -> PageWatch:
        page = self.browser.new_context(viewport=WIDTHS['desktop'], color_scheme='light').new_page()
        page.set_default_timeout(15_000)
        return PageWatch(page, self.server.env.get('MAP_TILE_URL', DEFAULT_TILES))

    def screen(self, tab: PageWatch, width: str, theme: str):
        """Resize and re-theme the browser page of `tab` (the theme of these accounts follows the system's)."""
        tab.page.set_viewport_size(WIDTHS[width])
        tab.page.emulate_media(color_scheme=theme)
        tab.reset()
        return tab.page

    def show(self, stop: Stop, width: str, theme: str):
        """The member's page showing `stop` drawn with its data, at `width` in `theme`. The same page at the
        same width, just toured in the other theme, switches theme in place (as the system's switch does)
        instead of loading again: half the page loads of the tour."""
        page = self.screen(self.members_page(), width, theme)
        if self.showing != (stop.path, width):
            self.showing = None
            try:
                page.goto(self.server.url + stop.path)
            except PlaywrightError as error:  # the previous page reloaded itself (NiceGUI reconnecting) meanwhile
                if 'ERR_ABORTED' not in str(error):
                    raise
                page.goto(self.server.url + stop.path)
            if stop.text:
                page.get_by_text(stop.text).first.wait_for()
            if stop.js:
                page.wait_for_function(stop.js)
        page.wait_for_function(f"document.body.classList.contains('body--dark') === {str(theme == 'dark').lower()}")
        self.showing = (stop.path, width)
        return page

    def server_problems(self) -> list[str]:
        """Tracebacks and ERROR lines the server printed since the last call."""
        lines = self.server.output[self.log_offset :]
        self.log_offset += len(lines)
        return [f'server log: {line}' for line in Server(self.server.folder, 0, {}, output=lines).problems()]

    def check(self, tab: PageWatch, where: str, width: str, theme: str, *, screenshot: str = '') -> list[str]:
        """Everything wrong with what `tab` shows now, each line naming the page, the width and the theme."""
        page = tab.page
        drawn(page)
        if SHOTS and screenshot:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f'{screenshot}.png'), full_page=True)
        found = page_problems(page) + tab.problems() + self.server_problems()
        return [f'{where} at {width} ({WIDTHS[width]["width"]} px), {theme}: {line}' for line in found]

    def finish_setup(self) -> None:
        """The wizard's last steps, once: create the administrator, then open the dashboard."""
        if self.set_up:
            return
        page = self.guest.page
        page.goto(self.server.url + '/setup')
        fill_account(page)
        page.get_by_role('button', name='Next').first.click()
        page.get_by_role('button', name='Next').last.click()
        page.get_by_role('button', name='Create my account').click()
        page.get_by_role('button', name='Open my dashboard').wait_for()
        self.set_up = True

    def members_page(self) -> PageWatch:
        """The administrator's browser, in a household with data (made on first use)."""
        if self.member is None:
            self.finish_setup()
            self.household = seed_household(self.server.url, ADMIN_PASSWORD)
            self.member = self._page()
            log_in(self.member.page, self.server.url, ADMIN, ADMIN_PASSWORD)
        return self.member

    def close(self) -> None:
        for tab in (self.guest, self.member):
            if tab is not None:
                tab.page.context.close()


def fill_account(page) -> None:
    page.get_by_label('Username').fill(ADMIN)
    page.get_by_label('Password (8 characters or more)').fill(ADMIN_PASSWORD)
    page.get_by_label('Password again').fill(ADMIN_PASSWORD)


def log_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + '/login')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password').fill(password)
    page.get_by_role('button', name='Log in').click()
    page.wait_for_url(url + '/')


@pytest.fixture(scope='module')
def tour(browser, tmp_path_factory) -> Iterator[Tour]:
    server = make_server(tmp_path_factory.mktemp('tour') / 'server').start()
    tour = Tour(server, browser)
    try:
        yield tour
    finally:
        tour.close()
        server.stop()


def fail_on(problems: list[str]) -> None:
    if problems:
        pytest.fail(f'{len(problems)} problem(s):\n' + '\n'.join(problems), pytrace=False)


@pytest.mark.parametrize(('width', 'theme'), SCREENS)
def test_setup_wizard(tour: Tour, width: str, theme: str) -> None:
    """The wizard's first three steps on a fresh server (the last one, once the account exists, below)."""
    if tour.set_up:
        pytest.fail('the wizard is toured before the household exists: run this module in its own order')
    page = tour.screen(tour.guest, width, theme)
    page.goto(tour.server.url + '/setup')
    page.get_by_label('Password again').wait_for()
    shot = f'wizard-{width}-{theme}'
    problems = tour.check(tour.guest, 'setup wizard, step 1 (account)', width, theme, screenshot=shot)
    fill_account(page)
    page.get_by_role('button', name='Next').first.click()
    page.get_by_label('Currency').wait_for()
    problems += tour.check(tour.guest, 'setup wizard, step 2 (preferences)', width, theme)
    page.get_by_role('button', name='Next').last.click()  # step 1's button leaves once its step is closed
    page.get_by_role('button', name='Create my account').wait_for()
    problems += tour.check(tour.guest, 'setup wizard, step 3 (categories)', width, theme, screenshot=shot + '-3')
    fail_on(problems)


def test_setup_wizard_ready_step(tour: Tour) -> None:
    tour.finish_setup()
    problems = []
    for width in WIDTHS:
        for theme in THEMES:
            tour.screen(tour.guest, width, theme)
            problems += tour.check(tour.guest, 'setup wizard, last step (ready)', width, theme)
    fail_on(problems)


@pytest.mark.parametrize(('width', 'theme'), SCREENS)
def test_login(tour: Tour, width: str, theme: str) -> None:
    tour.members_page()  # the login page exists once the wizard is done
    page = tour.screen(tour.guest, width, theme)
    page.context.clear_cookies()
    page.goto(f'{tour.server.url}/login?error=credentials&username={ADMIN}')
    page.get_by_text('Wrong username or password').wait_for()
    where = 'login (after a wrong password)'
    fail_on(tour.check(tour.guest, where, width, theme, screenshot=f'login-{width}-{theme}'))


@pytest.mark.parametrize(('stop', 'width', 'theme'), VISITS)
def test_page(tour: Tour, stop: Stop, width: str, theme: str) -> None:
    page = tour.show(stop, width, theme)
    if stop.name == 'menu':
        tour.showing = None  # the drawer stays open: the next visit loads its page afresh
        page.get_by_role('button', name='Menu').click()
        page.wait_for_function(DRAWER_OPEN)
    fail_on(tour.check(tour.member, stop.name, width, theme, screenshot=f'{stop.name}-{width}-{theme}'))
