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
from playwright.sync_api import expect

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
    open_database(server.env['DATABASE_URL'])
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
        page.locator('img.leaflet-tile-loaded').first.wait_for()  # tiles come after the markers on a busy machine
        page.wait_for_function('!document.querySelector(".leaflet-zoom-anim")')  # the fit to bounds has ended
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


def expenses_of_this_month(page, server) -> list[dict]:
    """The month's expenses through the API, with the browser's session cookie."""
    response = page.request.get(server.api(f'expenses?month={date.today():%Y-%m}'))
    assert response.ok, response.text()
    return sorted(response.json()['expenses'], key=lambda e: e['id'])


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role('option', name=option, exact=True).click()


def test_the_position_from_the_browser_and_the_suggestion_next_time(browser, server) -> None:
    """Chromium with the permission granted and a position set: a new expense stores the position, and the
    next expense at the same spot is offered that place with its category and payment method."""
    context = browser.new_context(
        viewport={'width': 1280, 'height': 900},
        geolocation={'latitude': BAKERY[0], 'longitude': BAKERY[1], 'accuracy': 12},
        permissions=['geolocation'],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        run_wizard(page, server)
        page.goto(server.url + '/expenses')
        page.get_by_role('button', name='Add expense').click()
        page.get_by_role('button', name='Use my position').click()
        page.get_by_text(f'{BAKERY[0]:.5f}, {BAKERY[1]:.5f} · ±12 m').wait_for()
        page.get_by_text('No known place within 1 km yet.').wait_for()
        page.get_by_label('Amount', exact=True).fill('4,20')
        choose(page, 'Category', 'Food')
        choose(page, 'Subcategory (optional)', 'Bakery')
        choose(page, 'Payment method', 'Cash')
        page.get_by_label('Place (optional)').fill('Boulangerie Saint-Jacques')
        page.get_by_text('Locate me when I add an expense').click()  # from now on, the form locates by itself
        page.get_by_text('Your position will be asked for each new expense.').wait_for()
        page.get_by_role('button', name='Save', exact=True).click()
        page.get_by_text('Expense added.').wait_for()

        [first] = expenses_of_this_month(page, server)
        assert (first['latitude'], first['longitude']) == (BAKERY[0], BAKERY[1])
        assert first['place'] == 'Boulangerie Saint-Jacques'

        # the next time, at the same spot: the form locates itself and suggests the bakery
        page.get_by_role('button', name='Add expense').click()
        page.get_by_text('Places near you').wait_for()
        suggestion = page.locator('.q-item', has_text='Boulangerie Saint-Jacques')
        suggestion.get_by_text('here · 1 visit · Food › Bakery · Cash').wait_for()
        page.get_by_label('Amount', exact=True).fill('2,10')
        # the form remembers the last choices; the place's own choices must win over them
        choose(page, 'Category', 'Transport')
        choose(page, 'Payment method', 'Card')
        shot(page, 'expense-form-places.png')
        suggestion.click()
        page.get_by_text('known place').wait_for()
        expect(page.get_by_label('Place (optional)')).to_have_value('Boulangerie Saint-Jacques')
        page.get_by_role('button', name='Save', exact=True).click()
        # not the toast: the first save's "Expense added." may still be on screen; the dialog closes only
        # once this save is stored
        expect(page.get_by_label('Amount', exact=True)).to_have_count(0)

        first, second = expenses_of_this_month(page, server)
        assert second['place'] == 'Boulangerie Saint-Jacques'
        assert (second['latitude'], second['longitude']) == (pytest.approx(BAKERY[0]), pytest.approx(BAKERY[1]))
        assert (second['category_id'], second['subcategory_id'], second['payment_method_id']) == (
            first['category_id'],
            first['subcategory_id'],
            first['payment_method_id'],
        )

        # 100 m down the street the bakery is still offered, with its distance
        context.set_geolocation({'latitude': SUPERMARKET[0], 'longitude': SUPERMARKET[1], 'accuracy': 20})
        page.get_by_role('button', name='Add expense').click()
        page.locator('.q-item', has_text='Boulangerie Saint-Jacques').get_by_text('100 m · 2 visits').wait_for()
        page.get_by_role('button', name='Clear the position').click()
        page.get_by_text('No position').wait_for()
        page.get_by_text('Frequent places').wait_for()
        page.get_by_role('button', name='Cancel').click()
    finally:
        context.close()


def test_a_refused_permission_says_so_and_the_expense_is_saved_without_a_position(browser, server) -> None:
    context = browser.new_context(viewport={'width': 390, 'height': 844}, is_mobile=True)  # no permission
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        run_wizard(page, server)
        page.goto(server.url + '/expenses')
        page.get_by_role('button', name='Add expense').click()
        page.get_by_role('button', name='Use my position').click()
        page.get_by_text('Location is blocked for this site').wait_for()
        page.get_by_label('Amount', exact=True).fill('3')
        choose(page, 'Category', 'Food')
        choose(page, 'Payment method', 'Cash')
        page.get_by_role('button', name='Save', exact=True).click()
        page.get_by_text('Expense added.').wait_for()
        [saved] = expenses_of_this_month(page, server)
        assert saved['latitude'] is None and saved['longitude'] is None

        # the position set by hand on the small map instead
        page.get_by_role('button', name='Add expense').click()
        page.get_by_role('button', name='Set the position on a map').click()
        small_map = page.locator('.q-dialog .leaflet-container')
        small_map.wait_for()
        box = small_map.bounding_box()
        small_map.click(position={'x': box['width'] * 0.75, 'y': box['height'] * 0.25})
        page.get_by_text('set on the map').wait_for()
        shot(page, 'expense-form-map-phone.png')
        page.get_by_label('Amount', exact=True).fill('5')
        choose(page, 'Category', 'Food')
        choose(page, 'Payment method', 'Cash')
        page.get_by_role('button', name='Save', exact=True).click()
        # not the toast: the first save's "Expense added." may still be on screen (it was, on a loaded
        # machine); the dialog closes only once this save is stored
        expect(page.get_by_label('Amount', exact=True)).to_have_count(0)
        _, by_hand = expenses_of_this_month(page, server)
        # the map opened on France at zoom 5: a tap up and right of the centre is north-east of it
        assert 46.6 < by_hand['latitude'] < 60 and 2.4 < by_hand['longitude'] < 20
    finally:
        context.close()


@pytest.mark.parametrize('phone', [False, True], ids=['desktop', 'phone-dark'])
def test_nearest_places_first_in_the_form(browser, map_server, phone) -> None:
    """Several known places around: standing at the supermarket's door, it comes first, the bakery 100 m
    away second, the pharmacy (600 m) third; far places are not offered."""
    size = {'width': 390, 'height': 844} if phone else {'width': 1280, 'height': 900}
    context = browser.new_context(
        viewport=size,
        is_mobile=phone,
        geolocation={'latitude': SUPERMARKET[0], 'longitude': SUPERMARKET[1], 'accuracy': 8},
        permissions=['geolocation'],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        run_wizard(page, map_server)
        seed_month(map_server, date.today())
        page.goto(map_server.url + '/expenses')
        if phone:
            page.locator('button:has-text("dark_mode")').first.click()
            page.wait_for_function('document.body.classList.contains("body--dark")')
        page.get_by_role('button', name='Add expense').click()
        page.get_by_label('Amount', exact=True).fill('23,40')
        page.get_by_role('button', name='Use my position').click()
        page.get_by_text('Places near you').wait_for()
        items = page.locator('.q-item', has=page.get_by_text('visit'))
        items.nth(2).wait_for()
        names = [items.nth(i).locator('.q-item__label').first.inner_text() for i in range(items.count())]
        assert names == ['Carrefour Market', 'Bakery', 'Pharmacie du Panthéon']
        assert 'here · 11 visits · Food › Groceries · Card' in items.nth(0).inner_text()
        assert '100 m · 3 visits · Food › Bakery · Cash' in items.nth(1).inner_text()
        shot(page, 'expense-form-places-phone-dark.png' if phone else 'expense-form-places.png')
        items.nth(1).click()
        expect(page.get_by_label('Place (optional)')).to_have_value('Bakery')
        page.locator('.q-field', has_text='Payment method').get_by_text('Cash', exact=True).wait_for()
        page.locator('.q-field', has_text='Subcategory').get_by_text('Bakery', exact=True).wait_for()
    finally:
        context.close()
