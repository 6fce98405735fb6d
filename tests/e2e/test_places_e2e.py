"""Places in a real Chromium: the map of the month, and (with the expense form) the browser's position.

Set WIS_SCREENSHOTS=docs/screenshots to also save the README's screenshots while these tests run.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest

from app.db import close_database, open_database
from tests.e2e.conftest import run_wizard
from tests.e2e.harness import make_server
from tests.places_data import BAKERY, PHARMACY, SUPERMARKET, east_of, north_of

TILE_URL = 'http://tiles.invalid/{z}/{x}/{y}.png'


def grid_tile() -> bytes:
    """A 256 px light tile with a thin border: a plain grid stands in for map tiles without the internet."""
    size = 256
    rows = []
    for y in range(size):
        line = bytearray([0])
        for x in range(size):
            edge = x == 0 or y == 0
            line += bytes((214, 219, 228) if edge else (236, 238, 242))
        rows.append(bytes(line))
    raw = zlib.compress(b''.join(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    header = struct.pack('>IIBBBBB', size, size, 8, 2, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', raw) + chunk(b'IEND', b'')


TILE_PNG = grid_tile()
SHOTS = os.environ.get('WIS_SCREENSHOTS', '')


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


@pytest.fixture
def map_server(tmp_path: Path):
    running = make_server(tmp_path / 'server', MAP_TILE_URL=TILE_URL, MAP_ATTRIBUTION='Test tiles').start()
    yield running
    running.stop()


def seed_month(server, day: date) -> None:
    """A month of shopping around rue Saint-Jacques, written straight into the server's database."""
    open_database(server.env['DATABASE_URL'], migrate=False)
    try:
        from app.models import Category, Expense, PaymentMethod, User

        admin = User.get()
        categories = {c.name: c for c in Category.select()}
        methods = {m.name: m for m in PaymentMethod.select()}

        def add(position, cents, day_of_month, category, subcategory, method, place='', description=''):
            Expense.create(
                owner=admin,
                amount_cents=cents,
                date=day.replace(day=day_of_month),
                category=categories[category],
                subcategory=categories[subcategory],
                payment_method=methods[method],
                latitude=position[0],
                longitude=position[1],
                place=place,
                description=description,
            )

        for n in range(1, 12):
            add(east_of(SUPERMARKET, n), 2000 + n * 137, n, 'Food', 'Groceries', 'Card', 'Carrefour Market')
        for n in (2, 5, 9):
            add(BAKERY, 420, n, 'Food', 'Bakery', 'Cash', 'Bakery', 'Croissants')
        add(PHARMACY, 1250, 7, 'Health', 'Pharmacy', 'Card', 'Pharmacie du Panthéon')
        add(north_of(BAKERY, 1500), 3800, 8, 'Leisure', 'Outings', 'Card', 'Cinéma', 'Film <b>night</b>')
        add(east_of(BAKERY, 2500), 6500, 10, 'Transport', 'Fuel', 'Card', 'Total')
    finally:
        close_database()


def test_the_map_of_the_month(browser, map_server) -> None:
    context = browser.new_context(viewport={'width': 1280, 'height': 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    tiles: list[str] = []

    def serve_tile(route) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type='image/png', body=TILE_PNG)

    page.route(re.compile(r'^http://tiles\.invalid/'), serve_tile)
    try:
        run_wizard(page, map_server)
        today = date.today()
        seed_month(map_server, today)
        page.goto(map_server.url + '/map')
        page.get_by_text('17 expenses on the map').wait_for()
        markers = page.locator('path.leaflet-interactive')
        markers.first.wait_for()
        page.wait_for_function('document.querySelectorAll("path.leaflet-interactive").length >= 4')
        assert page.get_by_text('Test tiles').is_visible()
        assert tiles and all(re.fullmatch(r'http://tiles\.invalid/\d+/\d+/\d+\.png', url) for url in tiles)

        # the bounds are fitted: every marker inside the map's box
        box = page.locator('.leaflet-container').bounding_box()
        for index in range(markers.count()):
            marker = markers.nth(index).bounding_box()
            assert box['x'] <= marker['x'] and marker['x'] + marker['width'] <= box['x'] + box['width']
            assert box['y'] <= marker['y'] and marker['y'] + marker['height'] <= box['y'] + box['height']

        # the grouped marker carries its count; its popup lists the expenses, user text escaped
        page.locator('.wis-count', has_text='14').wait_for()
        shot(page, 'map.png')
        page.get_by_text('Cinéma').first.click()  # the list beside the map zooms on the expense
        popup = page.locator('.leaflet-popup-content')
        popup.wait_for()
        assert '38,00' in popup.inner_text() and 'Film <b>night</b>' in popup.inner_text()
        assert popup.locator('b', has_text='night').count() == 0

        # zooming in splits the group
        page.locator('.leaflet-popup-close-button').click()
        page.get_by_text('Carrefour Market').first.click()
        page.wait_for_function('!Array.from(document.querySelectorAll(".wis-count")).some(e => e.textContent == "14")')
        shot(page, 'map-zoomed.png')

        # the household's places, most visited first
        page.get_by_role('tab', name='Places').click()
        first_place = page.locator('.q-tab-panel .q-item').first
        first_place.get_by_text('Carrefour Market').wait_for()
        assert '11 visits' in first_place.inner_text()
        shot(page, 'map-places.png')
        page.get_by_role('tab', name='This month').click()

        # filter by category
        page.locator('[data-testid], .q-select').filter(has_text='All categories').first.click()
        page.get_by_role('option', name='Health (1)').click()
        page.get_by_text('1 expense on the map').wait_for()
        page.wait_for_function('document.querySelectorAll("path.leaflet-interactive").length == 1')
        assert re.search(rf'/map\?month={date.today():%Y-%m}&category=\d+$', page.url)  # a reload keeps the view
    finally:
        context.close()


def test_the_map_on_a_phone_in_dark_mode(browser, map_server) -> None:
    context = browser.new_context(viewport={'width': 390, 'height': 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.route(re.compile(r'^http://tiles\.invalid/'), lambda route: route.fulfill(body=TILE_PNG))
    try:
        run_wizard(page, map_server)
        seed_month(map_server, date.today())
        page.goto(map_server.url + '/map')
        page.get_by_text('17 expenses on the map').wait_for()
        page.locator('[data-testid="toggle-dark"], button:has-text("dark_mode")').first.click()
        page.wait_for_function('document.body.classList.contains("body--dark")')
        page.get_by_text('Map', exact=True).last.click()  # away from the button, so its tooltip goes
        page.get_by_text('Light / dark').wait_for(state='hidden')
        page.locator('path.leaflet-interactive').first.wait_for()
        # on a phone the list comes under the map, not beside it
        map_box = page.locator('.leaflet-container').bounding_box()
        first_item = page.get_by_text('Carrefour Market').first.bounding_box()
        assert first_item['y'] > map_box['y'] + map_box['height']
        shot(page, 'map-phone-dark.png')
    finally:
        context.close()
