"""/sysapi/places, /sysapi/places/suggest and /sysapi/place_update over HTTP against the real app."""

from __future__ import annotations

from datetime import date

from nicegui.testing import User

from app.models import Expense
from app.services import tokens
from tests.builders import link
from tests.conftest import API_KEY, api_login, make_user
from tests.places_data import BAKERY, FIJI_EAST, FIJI_WEST, PHARMACY, SUPERMARKET, Household, east_of


def _url(path: str) -> str:
    joiner = '&' if '?' in path else '?'
    return f'/sysapi/{path}{joiner}key={API_KEY}'


async def test_places_need_a_key_and_a_session(user: User) -> None:
    make_user('alice')
    for path in ('/sysapi/places', '/sysapi/places/suggest?lat=48.85&lon=2.34'):
        assert (await user.http_client.get(path)).status_code == 401
        response = await user.http_client.get(path + ('&' if '?' in path else '?') + f'key={API_KEY}')
        assert response.status_code == 401
        assert 'Not logged in' in response.json()['error']
    response = await user.http_client.post('/sysapi/place_update', data={'latitude': 1, 'longitude': 1, 'name': 'x'})
    assert response.status_code == 401


async def test_frequent_places_and_suggestions(user: User) -> None:
    alice = make_user('alice')
    home = Household(alice)
    for day in range(1, 21):
        home.spend(SUPERMARKET, day=date(2026, 1, day), subcategory='Groceries', place='Carrefour Market')
    home.spend(BAKERY, place='Bakery', subcategory='Bakery', method='Cash', day=date(2026, 1, 22))
    home.spend(PHARMACY, category='Health', subcategory='Pharmacy')
    await api_login(user)

    response = await user.http_client.get(_url('places'))
    assert response.status_code == 200
    body = response.json()
    assert [(p['name'], p['visits']) for p in body][:2] == [('Carrefour Market', 20), ('Bakery', 1)]
    market = body[0]
    assert market['category'] == 'Food' and market['subcategory'] == 'Groceries'
    assert market['category_id'] == home.categories['Food'].id
    assert market['payment_method'] == 'Card' and market['payment_method_id'] == home.methods['Card'].id
    assert market['last_visit'] == '2026-01-20' and market['total_cents'] == 20 * 250
    assert market['distance_m'] is None
    assert abs(market['latitude'] - SUPERMARKET[0]) < 1e-5 and abs(market['longitude'] - SUPERMARKET[1]) < 1e-5

    assert len((await user.http_client.get(_url('places?limit=1'))).json()) == 1

    # standing at the bakery: the bakery, then the supermarket 100 m away; the pharmacy (600 m) too
    near = (await user.http_client.get(_url(f'places/suggest?lat={BAKERY[0]}&lon={BAKERY[1]}'))).json()
    assert [(p['name'], p['distance_m']) for p in near] == [('Bakery', 0), ('Carrefour Market', 100), ('', 600)]
    assert near[0]['payment_method'] == 'Cash' and near[0]['subcategory'] == 'Bakery'
    assert near[2]['label'].startswith('48.85')

    without_position = (await user.http_client.get(_url('places/suggest?limit=2'))).json()
    assert [p['name'] for p in without_position] == ['Carrefour Market', 'Bakery']
    far = await user.http_client.get(_url('places/suggest?lat=-33.86&lon=151.21'))
    assert far.status_code == 200 and far.json() == []


async def test_suggestions_refuse_bad_positions(user: User) -> None:
    make_user('alice')
    await api_login(user)
    cases = {
        'places/suggest?lat=91&lon=2': 'lat',
        'places/suggest?lat=48&lon=-180.01': 'lon',
        'places/suggest?lat=nan&lon=2': 'lat',
        'places/suggest?lat=48&lon=inf': 'lon',
        'places/suggest?lat=north&lon=2': 'lat',
        'places/suggest?lat=48.85': 'lon',
        'places/suggest?lon=2.3': 'lat',
        'places/suggest?limit=0': 'limit',
        'places/suggest?limit=51': 'limit',
        'places?limit=501': 'limit',
        'places?limit=ten': 'limit',
    }
    for path, field in cases.items():
        response = await user.http_client.get(_url(path))
        assert response.status_code == 422, path
        assert response.json()['field'] == field, (path, response.json())
        assert response.json()['error']


async def test_a_place_is_renamed_through_the_api(user: User) -> None:
    alice = make_user('alice')
    bob = make_user('bob')
    link(alice, bob)
    home = Household(alice)
    mine = home.spend(BAKERY)
    his = home.spend(east_of(BAKERY, 20), owner=bob)
    await api_login(user)

    [place] = (await user.http_client.get(_url('places'))).json()
    assert place['name'] == '' and place['visits'] == 2
    response = await user.http_client.post(
        _url('place_update'), data={'latitude': place['latitude'], 'longitude': place['longitude'], 'name': 'Bakery'}
    )
    assert response.status_code == 200, response.text
    assert response.json()['name'] == 'Bakery' and response.json()['visits'] == 2
    assert Expense.get_by_id(mine.id).place == Expense.get_by_id(his.id).place == 'Bakery'

    as_json = await user.http_client.post(
        _url('place_update'), json={'latitude': str(BAKERY[0]), 'longitude': str(BAKERY[1]), 'name': 'Boulangerie'}
    )
    assert as_json.status_code == 200 and as_json.json()['name'] == 'Boulangerie'


async def test_renaming_refuses_bad_bodies(user: User) -> None:
    home = Household(make_user('alice'))
    expense = home.spend(BAKERY, place='Bakery')
    await api_login(user)
    bad = [
        ({'latitude': BAKERY[0], 'longitude': BAKERY[1], 'name': '  '}, 422, 'name'),
        ({'latitude': BAKERY[0], 'longitude': BAKERY[1], 'name': 'x' * 121}, 422, 'name'),
        ({'latitude': 'nan', 'longitude': BAKERY[1], 'name': 'X'}, 422, 'latitude'),
        ({'latitude': 95, 'longitude': BAKERY[1], 'name': 'X'}, 422, 'latitude'),
        ({'latitude': BAKERY[0], 'longitude': 200, 'name': 'X'}, 422, 'longitude'),
        ({'latitude': BAKERY[0], 'name': 'X'}, 422, 'longitude'),
        ({'latitude': 0, 'longitude': 0, 'name': 'X'}, 404, None),
    ]
    for data, status, field in bad:
        response = await user.http_client.post(_url('place_update'), data=data)
        assert response.status_code == status, (data, response.text)
        assert response.json().get('field') == field, (data, response.json())
    response = await user.http_client.post(
        _url('place_update'), content=b'{"latitude": 1', headers={'content-type': 'application/json'}
    )
    assert response.status_code == 422
    assert Expense.get_by_id(expense.id).place == 'Bakery'


async def test_a_stranger_sees_no_place_and_renames_nothing(user: User) -> None:
    home = Household(make_user('alice'))
    expense = home.spend(FIJI_EAST, place='Café')
    home.spend(FIJI_WEST)
    make_user('mallory')
    _, token = tokens.create_token(make_user('eve'), 'script')
    by_token = await user.http_client.get('/sysapi/places', headers={'Authorization': f'Bearer {token}'})
    assert by_token.status_code == 200 and by_token.json() == []
    await api_login(user, 'mallory')
    assert (await user.http_client.get(_url('places'))).json() == []
    response = await user.http_client.post(
        _url('place_update'), data={'latitude': FIJI_EAST[0], 'longitude': FIJI_EAST[1], 'name': 'Mine'}
    )
    assert response.status_code == 404
    assert Expense.get_by_id(expense.id).place == 'Café'


async def test_places_are_in_the_openapi_schema(user: User) -> None:
    schema = (await user.http_client.get('/openapi.json')).json()
    assert {'/sysapi/places', '/sysapi/places/suggest', '/sysapi/place_update'} <= set(schema['paths'])
    body = schema['paths']['/sysapi/place_update']['post']['requestBody']['content']
    assert {'application/json', 'application/x-www-form-urlencoded'} <= set(body)
