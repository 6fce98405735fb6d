"""Issue 13 item 2 in Chromium: two tabs of one browser, log out in one, the other's next click lands on
/login and writes nothing (here the theme toggle, which saves the user's theme)."""

from __future__ import annotations

import re

from app.db import close_database, open_database
from tests.e2e.conftest import run_wizard


def _theme(server, username: str = 'admin') -> str:
    """Read from the server's database (a SQLite file, or PostgreSQL on that run) while it serves."""
    from app.models import User

    open_database(server.env['DATABASE_URL'])
    try:
        return User.get(User.username == username).theme
    finally:
        close_database()


def test_logout_in_one_tab_ends_the_other(page, server) -> None:
    run_wizard(page, server)
    other = page.context.new_page()  # same browser, same cookie: a second tab
    other.set_default_timeout(15_000)
    other.goto(server.url + '/expenses')
    other.get_by_role('button', name='Light or dark theme').wait_for()
    before = _theme(server)

    page.get_by_role('button', name='Log out').click()
    page.wait_for_url('**/login')

    other.get_by_role('button', name='Light or dark theme').click()
    other.wait_for_url(re.compile(r'/login\?next=/expenses$'))  # back to the page once logged in
    other.get_by_role('button', name='Log in').wait_for()
    assert _theme(server) == before  # the click after logout changed nothing
