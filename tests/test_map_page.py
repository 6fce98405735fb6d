"""The map page through NiceGUI's simulated user: markers, popups, grouping by zoom, filter, month, list."""

from __future__ import annotations

from datetime import date

import pytest
from nicegui import ui
from nicegui.testing import User

from app.models import Expense
from app.pages.map_page import popup_html
from app.pages.map_projection import estimated_zoom, fit_bounds, leaflet_longitude
from app.services.formats import short_date
from app.services.months import Month
from app.services.places_map import MapExpense, month_map
from tests.conftest import api_login, make_user
from tests.places_data import BAKERY, FIJI_EAST, FIJI_WEST, PHARMACY, SUPERMARKET, Household, north_of

TILES = 'http://tiles.example.test/{z}/{x}/{y}.png'


@pytest.fixture
def tiles(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tile server of our own, set before the app starts (request it before `user`)."""
    monkeypatch.setenv('MAP_TILE_URL', TILES)
    monkeypatch.setenv('MAP_ATTRIBUTION', 'Tiles by Example')


def the_map(user: User) -> ui.leaflet:
    return user.find(marker='map').elements.pop()


def markers(user: User) -> list:
    return [layer for layer in the_map(user).layers if getattr(layer, 'name', '') == 'circleMarker']


def popups(user: User) -> list[str]:
    return sorted(layer.args[1]['wisPopup'] for layer in markers(user))


@pytest.fixture
def january(tiles):
    alice = make_user('alice')
    home = Household(alice)
    home.spend(BAKERY, day=date(2026, 1, 3), cents=420, subcategory='Bakery', description='Croissants', place='Bakery')
    home.spend(SUPERMARKET, day=date(2026, 1, 5), cents=8990, subcategory='Groceries', place='Carrefour Market')
    home.spend(
        PHARMACY,
        day=date(2026, 1, 9),
        cents=1250,
        category='Health',
        subcategory='Pharmacy',
        description='<script>alert(1)</script>',
    )
    home.spend(None, day=date(2026, 1, 10), cents=999)
    home.spend(BAKERY, day=date(2026, 2, 1), cents=100)
    return home


async def test_the_month_on_the_map(tiles, user: User, january) -> None:
    await api_login(user)
    await user.open('/map?month=2026-01')
    await user.should_see('3 expenses on the map · 106,60\u00a0€ · 1 without a position')
    await user.should_see('January 2026')
    leaflet = the_map(user)
    tile_layers = [layer for layer in leaflet.layers if type(layer).__name__ == 'TileLayer']
    assert [(t.url_template, t.options['attribution']) for t in tile_layers] == [(TILES, 'Tiles by Example')]

    # the first drawing is at the zoom fitBounds will choose: three places 100 m to 600 m apart
    assert leaflet.zoom == 16 and leaflet.center == (pytest.approx(48.8537), pytest.approx(2.3477, abs=1e-4))
    shown = popups(user)
    assert len(shown) == 3
    bakery = next(p for p in shown if 'Croissants' in p)
    for part in (
        '4,20\u00a0€',
        'Food › Bakery',
        short_date(date(2026, 1, 3), 'fr-FR', language='en'),
        'Card',
        '<b>Bakery</b>',
        'Croissants',
    ):
        assert part in bakery
    pharmacy = next(p for p in shown if 'Health' in p)
    assert '<script>' not in pharmacy and '&lt;script&gt;alert(1)&lt;/script&gt;' in pharmacy

    # the list beside the map, newest first
    items = sorted(user.find(marker='map-item').elements, key=lambda e: e.id)
    assert len(items) == 3
    await user.should_see(f'{short_date(date(2026, 1, 9), "fr-FR", language="en")} · Health › Pharmacy')
    await user.should_see('Carrefour Market')


async def test_markers_group_when_they_would_overlap(tiles, user: User, january) -> None:
    await api_login(user)
    await user.open('/map?month=2026-01')
    user.find(marker='map').trigger('mapZoomend', {'zoom': 11, 'center': [BAKERY[0], BAKERY[1]]})
    await user.should_see(marker='map')
    [group] = markers(user)
    assert group.args[1]['wisCount'] == 3
    assert '3 expenses' in group.args[1]['wisPopup'] and '106,60\u00a0€' in group.args[1]['wisPopup']

    user.find(marker='map').trigger('mapZoomend', {'zoom': 16, 'center': [BAKERY[0], BAKERY[1]]})
    # 40 px at zoom 16 is ~63 m: the bakery and the supermarket (100 m) come apart
    assert sorted(len(layer.args[1].get('wisCount', 1) * [0]) for layer in markers(user)) == [1, 1, 1]

    user.find(marker='map').trigger('mapZoomend', {'zoom': 15, 'center': [BAKERY[0], BAKERY[1]]})
    counts = sorted(layer.args[1].get('wisCount', 1) for layer in markers(user))
    assert counts == [1, 2]
    pair = next(layer for layer in markers(user) if layer.args[1].get('wisCount') == 2)
    assert 'Croissants' in pair.args[1]['wisPopup'] and '89,90' in pair.args[1]['wisPopup']

    # a malformed event changes nothing
    user.find(marker='map').trigger('mapZoomend', {'zoom': 'far', 'center': [BAKERY[0], BAKERY[1]]})
    assert sorted(layer.args[1].get('wisCount', 1) for layer in markers(user)) == [1, 2]


async def test_filter_by_category_and_change_month(tiles, user: User, january) -> None:
    await api_login(user)
    await user.open('/map?month=2026-01')
    select = user.find(marker='map-category').elements.pop()
    health = january.categories['Health'].id
    assert select.options == {0: 'All categories', january.categories['Food'].id: 'Food (2)', health: 'Health (1)'}
    select.set_value(health)
    await user.should_see('1 expense on the map · 12,50\u00a0€ · 1 without a position')
    assert len(markers(user)) == 1 and 'Pharmacy' in popups(user)[0]
    assert len(user.find(marker='map-item').elements) == 1

    select.set_value(0)
    await user.should_see('3 expenses on the map')

    user.find(marker='month-next').click()
    await user.should_see('February 2026')
    await user.should_see('1 expense on the map · 1,00\u00a0€')
    user.find(marker='month-next').click()
    await user.should_see('No expense in March 2026 has a position.')
    assert markers(user) == []


async def test_a_category_in_the_address_and_a_bad_month(tiles, user: User, january) -> None:
    await api_login(user)
    await user.open(f'/map?month=2026-01&category={january.categories["Food"].id}')
    await user.should_see('2 expenses on the map')
    await user.open('/map?month=2026-13')
    await user.should_see('is not a month between')
    await user.should_see(marker='map-summary')


async def test_a_click_in_the_list_zooms_on_the_expense(tiles, user: User, january) -> None:
    await api_login(user)
    await user.open('/map?month=2026-01')
    user.find(marker='map').trigger('mapZoomend', {'zoom': 11, 'center': [BAKERY[0], BAKERY[1]]})
    assert len(markers(user)) == 1
    pharmacy = next(e for e in month_map(january.owner, Month(2026, 1)).expenses if e.category == 'Health')
    user.find(marker=f'map-item-{pharmacy.id}').click()
    await user.should_see(marker='map')
    assert len(markers(user)) == 3  # at zoom 17 every expense has its own marker


async def test_the_map_shows_only_the_household(tiles, user: User, january) -> None:
    stranger = make_user('mallory')
    Household(stranger).spend(BAKERY, day=date(2026, 1, 4), description='secret')
    await api_login(user, 'mallory')
    await user.open('/map?month=2026-01')
    await user.should_see('1 expense on the map')
    assert len(markers(user)) == 1 and 'secret' in popups(user)[0]


async def test_the_map_needs_a_session(tiles, user: User) -> None:
    make_user('alice')
    response = await user.http_client.get('/map', follow_redirects=False)
    assert response.status_code == 303 and response.headers['location'] == '/login?next=/map'


def test_bounds_are_fitted_and_cross_the_antimeridian() -> None:
    assert fit_bounds([]) is None
    assert fit_bounds([BAKERY]) == [[BAKERY[0], BAKERY[1]], [BAKERY[0], BAKERY[1]]]
    south_west, north_east = fit_bounds([BAKERY, PHARMACY, SUPERMARKET])
    assert south_west == [BAKERY[0], BAKERY[1]] and north_east == [PHARMACY[0], SUPERMARKET[1]]
    # Fiji on both sides of 180°: a box ~0.001° wide that crosses it, not one around the whole world
    (s, w), (n, e) = fit_bounds([FIJI_EAST, FIJI_WEST])
    assert (w, e) == (pytest.approx(179.9995), pytest.approx(180.0005))
    assert leaflet_longitude(FIJI_WEST[1], [[s, w], [n, e]]) == pytest.approx(180.0005)
    assert leaflet_longitude(FIJI_EAST[1], [[s, w], [n, e]]) == FIJI_EAST[1]


def test_popups_and_zoom_estimates() -> None:
    expense = MapExpense(
        id=1,
        latitude=BAKERY[0],
        longitude=BAKERY[1],
        amount_cents=123456,
        day=date(2026, 1, 15),
        category='Food',
        category_id=1,
        color='#f59e0b',
        icon='restaurant',
        subcategory='',
        payment_method='',
        description='A & B',
        place='',
        owner='alice',
    )
    single = popup_html([expense], 'USD', 'en-US')
    assert '$1,234.56' in single and 'A &amp; B' in single and short_date(date(2026, 1, 15), 'en-US') in single
    many = popup_html([expense] * 11, 'EUR', 'fr-FR')
    assert 'Here</b> · 11 expenses' in many and 'and 3 more' in many and many.count('<tr>') == 8
    assert short_date(date(2026, 1, 15), 'fr-FR') in many
    assert estimated_zoom(None) == 3
    assert estimated_zoom(fit_bounds([BAKERY, north_of(BAKERY, 600)])) == 16
    assert estimated_zoom(fit_bounds([(48.85, 2.35), (43.30, 5.37)])) == 6  # Paris to Marseille
    assert estimated_zoom(fit_bounds([FIJI_EAST, FIJI_WEST])) == 16


async def test_places_are_listed_and_renamed(tiles, user: User, january) -> None:
    january.spend(north_of(PHARMACY, 10), day=date(2026, 1, 12), category='Health')  # an unnamed place
    january.spend(north_of(PHARMACY, 5_000), day=date(2025, 12, 1))  # another month: still a place
    await api_login(user)
    await user.open('/map?month=2026-01')
    user.find(marker='map-tab-places').click()
    await user.should_see('Carrefour Market')
    items = sorted(user.find(marker='place-item').elements, key=lambda e: e.id)
    assert len(items) == 4
    last = short_date(date(2026, 1, 12), 'fr-FR', language='en')
    await user.should_see(f'2 visits · 15,00\u00a0€ · Health · last {last}')

    texts = [' '.join(getattr(d, 'text', '') for d in item.descendants()) for item in items]
    index = next(i for i, text in enumerate(texts) if '15,00' in text)
    user.find(marker=f'rename-place-{index}').click()
    await user.should_see(marker='rename-place-dialog')
    user.find(marker='place-new-name').clear().type('   ')
    user.find(marker='save-place-name').click()
    await user.should_see('Give the place a name')
    user.find(marker='place-new-name').clear().type('Pharmacie du Panthéon')
    user.find(marker='save-place-name').click()
    await user.should_see('Renamed: Pharmacie du Panthéon (2 expenses).')
    await user.should_see('Pharmacie du Panthéon')
    assert [e.place for e in Expense.select().where(Expense.category == january.categories['Health'])] == [
        'Pharmacie du Panthéon',
        'Pharmacie du Panthéon',
    ]
    # the popups of the month show the new name at once
    assert any('<b>Pharmacie du Panthéon</b>' in popup for popup in popups(user))


async def test_no_place_yet(tiles, user: User) -> None:
    make_user('alice')
    await api_login(user)
    await user.open('/map?month=2026-01')
    await user.should_see('No place yet')
    await user.should_see('No expense in January 2026 has a position.')
    assert the_map(user).zoom == 2
