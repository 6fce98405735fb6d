"""The location component of the expense form, in a page of its own, through NiceGUI's simulated user.

The browser's answer to navigator.geolocation is simulated with `user.javascript_rules`: the component's
script starts with the /*wis-geolocate*/ tag.
"""

from __future__ import annotations

import re

import pytest
from nicegui import ui
from nicegui.testing import User

from app.models import User as Account
from app.pages.components.location import LocationField, distance_text, visits_text
from app.services import sessions
from app.web.cookies import session_token
from tests.conftest import api_login, make_user
from tests.places_data import BAKERY, PHARMACY, SUPERMARKET, Household, east_of

GEOLOCATE = re.compile(r'/\*wis-geolocate\*/')


def answer(user: User, result: dict) -> None:
    user.javascript_rules[GEOLOCATE] = lambda _: result


class Form:
    """What the test page's form sees: the component, and the places it handed over."""

    def __init__(self) -> None:
        self.fields: list[LocationField] = []
        self.chosen: list = []

    def saved(self) -> tuple[float | None, float | None, str]:
        field = self.fields[-1]
        return field.latitude, field.longitude, field.place


@pytest.fixture
def location_page() -> Form:
    """A page holding only the component."""
    form = Form()

    @ui.page('/location-test')
    async def page(latitude: float | None = None, longitude: float | None = None, place: str = '') -> None:
        account = sessions.user_for_token(session_token(ui.context.client.request))
        field = LocationField(
            account, latitude=latitude, longitude=longitude, place=place, on_place_chosen=form.chosen.append
        )
        form.fields.append(field)
        ui.button('Start', on_click=lambda: field.start(capture=account.capture_location)).mark('start')

    return form


def suggestion_names(user: User) -> list[str]:
    names = []
    for item in sorted(user.find(marker='place-suggestion').elements, key=lambda e: e.id):
        labels = [e for e in item.descendants() if isinstance(e, ui.item_label) and not e.props.get('caption')]
        names.append(labels[0].text)
    return names


async def test_a_position_from_the_browser_fills_the_form_and_suggests_places(user: User, location_page) -> None:
    alice = make_user('alice')
    home = Household(alice)
    for _ in range(20):
        home.spend(SUPERMARKET, place='Carrefour Market', subcategory='Groceries')
    home.spend(BAKERY, place='Bakery', subcategory='Bakery', method='Cash')
    await api_login(user)
    await user.open('/location-test')
    user.find(marker='start').click()
    await user.should_see('Frequent places')
    await user.should_see('Carrefour Market')
    await user.should_see('20 visits · Food › Groceries · Card')
    await user.should_see('No position')

    here = east_of(BAKERY, 10)
    answer(user, {'latitude': here[0], 'longitude': here[1], 'accuracy': 12})
    user.find(marker='location-capture').click()
    await user.should_see('Places near you')
    await user.should_see(f'{here[0]:.5f}, {here[1]:.5f} · ±12 m')
    await user.should_see('here · 1 visit · Food › Bakery · Cash')  # the bakery first: nearest
    await user.should_see('90 m · 20 visits · Food › Groceries · Card')
    assert suggestion_names(user) == ['Bakery', 'Carrefour Market']
    assert location_page.saved() == (pytest.approx(here[0]), pytest.approx(here[1]), '')

    # choosing the supermarket fills its position and name and hands it to the form
    user.find(marker='place-suggestion-1').click()
    await user.should_see('known place')
    [chosen] = location_page.chosen
    assert (chosen.name, chosen.payment_method, chosen.subcategory) == ('Carrefour Market', 'Card', 'Groceries')
    assert location_page.saved() == (pytest.approx(SUPERMARKET[0]), pytest.approx(SUPERMARKET[1]), 'Carrefour Market')

    user.find(marker='location-clear').click()
    await user.should_see('No position')
    await user.should_see('Frequent places')
    assert location_page.saved() == (None, None, 'Carrefour Market')


@pytest.mark.parametrize(
    ('result', 'words'),
    [
        ({'error': 'denied'}, 'Location is blocked for this site'),
        ({'error': 'unavailable'}, 'could not find where it is'),
        ({'error': 'timeout'}, 'No position after 10 seconds'),
        ({'error': 'insecure', 'host': '192.168.1.20'}, 'plain HTTP from 192.168.1.20'),
        ({'error': 'unsupported'}, 'cannot share its position'),
        ({'latitude': 'north', 'longitude': 2}, 'That position cannot be used'),
        ({'latitude': 48.0, 'longitude': 200}, 'between -180 and 180'),
        ({'something': 'else'}, 'could not find where it is'),
    ],
)
async def test_each_refusal_gets_its_own_message(user: User, location_page, result, words) -> None:
    make_user('alice')
    await api_login(user)
    await user.open('/location-test')
    answer(user, result)
    user.find(marker='location-capture').click()
    await user.should_see(words)
    await user.should_see('No position')
    assert location_page.saved()[:2] == (None, None)  # the expense can still be saved, without a position


async def test_the_setting_locates_when_the_form_opens(user: User, location_page) -> None:
    alice = make_user('alice')
    await api_login(user)
    await user.open('/location-test')
    user.find(marker='capture-location-setting').click()
    await user.should_see('Your position will be asked for each new expense.')
    assert Account.get_by_id(alice.id).capture_location is True

    answer(user, {'latitude': PHARMACY[0], 'longitude': PHARMACY[1], 'accuracy': 1500})
    await user.open('/location-test')
    user.find(marker='start').click()
    await user.should_see(f'{PHARMACY[0]:.5f}, {PHARMACY[1]:.5f} · ±1,5 km')  # alice's locale is fr-FR: a decimal comma
    await user.should_see('No known place within 1 km yet.')

    user.find(marker='capture-location-setting').click()
    await user.should_see('only when you press the location button')
    assert Account.get_by_id(alice.id).capture_location is False


async def test_an_existing_position_is_kept_and_can_be_set_on_the_map(user: User, location_page) -> None:
    make_user('alice')
    await api_login(user)
    await user.open(f'/location-test?latitude={BAKERY[0]}&longitude={BAKERY[1]}&place=Bakery')
    await user.should_see(f'{BAKERY[0]:.5f}, {BAKERY[1]:.5f}')
    user.find(marker='start').click()  # capture is off and a position exists: the browser is not asked
    user.find(marker='location-pick').click()
    await user.should_see(marker='location-map')
    leaflet = user.find(marker='location-map').elements.pop()
    circles = [layer for layer in leaflet.layers if getattr(layer, 'name', '') == 'circleMarker']
    assert circles and circles[0].args[0] == [BAKERY[0], BAKERY[1]]

    # a click on a map that was panned once around the world still gives a longitude within ±180°
    user.find(marker='location-map').trigger('mapClick', {'latlng': {'lat': PHARMACY[0], 'lng': PHARMACY[1] + 360}})
    await user.should_see('set on the map')
    assert location_page.saved() == (pytest.approx(PHARMACY[0]), pytest.approx(PHARMACY[1]), 'Bakery')
    circles = [layer for layer in leaflet.layers if getattr(layer, 'name', '') == 'circleMarker']
    assert len(circles) == 1 and circles[0].args[0] == [pytest.approx(PHARMACY[0]), pytest.approx(PHARMACY[1])]


def test_texts() -> None:
    assert [distance_text(m) for m in (None, 4, 19.9, 24, 126, 999, 1000, 12_345)] == [
        '',
        'here',
        'here',
        '20 m',
        '130 m',
        '1000 m',
        '1.0 km',
        '12.3 km',
    ]
    assert (visits_text(1), visits_text(2)) == ('1 visit', '2 visits')
