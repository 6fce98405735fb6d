"""The header keeps to one line on a laptop in French, whose navigation labels are the longest: from 1280 pixels
the navigation's labels and an icon-only New expense button, from 1536 the words and the user's name; from 1024
to 1279 the menu stands for the navigation (it wrapped the logout button onto a second line before)."""

from __future__ import annotations

from pathlib import Path

from app.config import load, use_settings
from app.db import close_database, open_database
from tests.e2e.conftest import run_wizard

ONE_LINE = 64  # px: the header's height on one line is about 50


def speak_french(server) -> None:
    use_settings(load(Path(server.env['WIS_CONFIG']), environ=server.env))
    open_database(server.env['DATABASE_URL'])
    try:
        from app.models import User
        from app.services import users

        users.update_preferences(User.get(), language='fr')
    finally:
        close_database()
        use_settings(None)


def test_the_french_header_keeps_to_one_line_on_laptops(page, server) -> None:
    run_wizard(page, server)
    speak_french(server)
    for width, navigation, words in ((1024, False, False), (1280, True, False), (1536, True, True)):
        page.set_viewport_size({'width': width, 'height': 800})
        page.goto(server.url + '/expenses')
        page.get_by_role('button', name='Nouvelle dépense').wait_for()
        height = page.evaluate("document.querySelector('.q-header').getBoundingClientRect().height")
        assert height < ONE_LINE, (width, height)
        assert page.get_by_role('button', name='Tableau de bord').is_visible() is navigation, width
        assert page.get_by_role('button', name='Menu').is_visible() is not navigation, width
        assert page.locator('.q-header').get_by_text('Nouvelle dépense').is_visible() is words, width
        assert page.locator('.q-header').get_by_text('admin').is_visible() is words, width
