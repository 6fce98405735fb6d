"""The statistics API over HTTP: the same numbers as the dashboard, and clear refusals."""

from __future__ import annotations

import time_machine
from nicegui.testing import User
from pydantic import TypeAdapter

from app.services import stats
from app.services.months import Month
from tests.builders import link
from tests.conftest import API_KEY, api_login
from tests.stats_data import household, spend

SINGLE_ROUTES = {
    'stats': 'stats',
    'daily_evolution': 'daily_evolution',
    'category_distribution': 'category_distribution',
    'weekly_comparison': 'weekly_comparison',
    'payment_method_stats': 'payment_method_stats',
    'top_expenses': 'top_expenses',
    'year_overview': 'year_overview',
}


def sample_month():
    alice = household('alice')
    bob = household('bob', admin=False)
    link(alice.user, bob.user)
    spend(alice.user, 1250, '2024-02-01', alice.food, alice.groceries, alice.card, 'Bread & <butter>')
    spend(alice.user, 999, '2024-02-29', alice.gifts, None, None, 'Flowers')
    spend(alice.user, 5000, '2024-01-31', alice.transport, alice.fuel, alice.cash, 'Fuel')
    for day in range(2, 12):
        spend(bob.user, 100 * day + 1, f'2024-02-{day:02d}', bob.food, bob.restaurants, bob.card, f'Lunch {day}')
    return alice, bob


async def get(user: User, path: str, **params):
    query = '&'.join(f'{k}={v}' for k, v in {'key': API_KEY, **params}.items())
    return await user.http_client.get(f'/sysapi/{path}?{query}')


async def test_each_route_returns_exactly_its_part_of_dashboard_data(user: User) -> None:
    alice, _ = sample_month()
    await api_login(user)
    whole = await get(user, 'dashboard-data', month='2024-02')
    assert whole.status_code == 200, whole.text
    data = whole.json()
    assert (data['month'], data['previous_month'], data['next_month']) == ('2024-02', '2024-01', '2024-03')
    assert (data['currency'], data['locale']) == ('EUR', 'fr-FR')
    assert data['stats']['count'] == 12
    for route, part in SINGLE_ROUTES.items():
        response = await get(user, route, month='2024-02')
        assert response.status_code == 200, (route, response.text)
        assert response.json() == data[part], route
    # and the service the page uses gives the same figures, serialised as its own type
    assert TypeAdapter(stats.Dashboard).dump_python(stats.dashboard(alice.user, Month(2024, 2)), mode='json') == data


async def test_amounts_are_numbers_rounded_to_cents_with_exact_cents_beside(user: User) -> None:
    sample_month()
    await api_login(user)
    figures = (await get(user, 'stats', month='2024-02')).json()
    assert figures['total_cents'] == 1250 + 999 + sum(100 * d + 1 for d in range(2, 12))
    assert figures['total'] == round(figures['total_cents'] / 100, 2)
    assert figures['highest']['description'] == 'Bread & <butter>'
    top = (await get(user, 'top_expenses', month='2024-02', limit=3)).json()
    assert [e['amount'] for e in top] == [12.5, 11.01, 10.01]
    assert len((await get(user, 'top_expenses', month='2024-02', limit=100)).json()) == 12


async def test_scope_mine_leaves_linked_users_out(user: User) -> None:
    sample_month()
    await api_login(user)
    everyone = (await get(user, 'stats', month='2024-02')).json()
    mine = (await get(user, 'stats', month='2024-02', scope='mine')).json()
    assert everyone['count'] == 12 and mine['count'] == 2
    whole_mine = (await get(user, 'dashboard-data', month='2024-02', scope='mine')).json()
    assert whole_mine['stats'] == mine
    bad = await get(user, 'stats', month='2024-02', scope='all')
    assert bad.status_code == 422 and bad.json()['field'] == 'scope'


async def test_another_household_sees_nothing_of_it(user: User) -> None:
    sample_month()
    carol = household('carol', admin=False)
    spend(carol.user, 700, '2024-02-10', carol.food)
    await api_login(user, 'carol')
    figures = (await get(user, 'dashboard-data', month='2024-02')).json()
    assert figures['stats']['total_cents'] == 700
    assert [c['name'] for c in figures['category_distribution']] == ['Food']
    assert len(figures['top_expenses']) == 1


async def test_month_defaults_to_the_current_month(user: User) -> None:
    alice, _ = sample_month()
    spend(alice.user, 4200, '2024-03-05', alice.food)
    await api_login(user)
    with time_machine.travel('2024-03-20 12:00:00', tick=False):
        response = await get(user, 'dashboard-data')
        empty_month = await get(user, 'stats', month='')
    assert response.json()['month'] == '2024-03'
    assert response.json()['stats']['total_cents'] == 4200
    assert response.json()['stats']['previous']['count'] == 12
    assert empty_month.json()['month'] == '2024-03'


async def test_bad_parameters_are_refused_with_the_field(user: User) -> None:
    sample_month()
    await api_login(user)
    for month in ('2024-13', 'february', '2024-2', '1969-12', '2024-02-01'):
        response = await get(user, 'dashboard-data', month=month)
        assert response.status_code == 422, month
        assert response.json()['field'] == 'month'
        assert 'YYYY-MM' in response.json()['error']
    for limit in ('0', '101', 'five', '-3', '2.5'):
        response = await get(user, 'top_expenses', month='2024-02', limit=limit)
        assert response.status_code == 422, limit
        assert response.json()['field'] == 'limit'


async def test_statistics_need_a_key_and_a_session(user: User) -> None:
    sample_month()
    for route in ('dashboard-data', *SINGLE_ROUTES):
        no_key = await user.http_client.get(f'/sysapi/{route}?month=2024-02')
        assert no_key.status_code == 401, route
        not_logged_in = await get(user, route, month='2024-02')
        assert not_logged_in.status_code == 401, route
        assert 'Not logged in' in not_logged_in.json()['error']


async def test_empty_month_over_http(user: User) -> None:
    sample_month()
    await api_login(user)
    data = (await get(user, 'dashboard-data', month='2030-07')).json()
    assert data['stats']['highest'] is None
    assert data['stats']['change']['total'] == {'direction': 'same', 'percent': None}
    assert data['top_expenses'] == [] and data['category_distribution'] == []
    assert data['daily_evolution'] == [] and data['weekly_comparison'] == []  # July 2030 has not happened yet
    past = (await get(user, 'dashboard-data', month='2020-07')).json()
    assert len(past['daily_evolution']) == 31  # a past month shows whole, zeros included


async def test_the_current_month_stops_at_today(user: User) -> None:
    alice, _ = sample_month()
    spend(alice.user, 4200, '2024-03-05', alice.food)
    await api_login(user)
    with time_machine.travel('2024-03-20 12:00:00', tick=False):
        data = (await get(user, 'dashboard-data', month='2024-03')).json()
        daily = (await get(user, 'daily_evolution', month='2024-03')).json()
        weekly = (await get(user, 'weekly_comparison', month='2024-03')).json()
    assert [d['day'] for d in data['daily_evolution']] == list(range(1, 21))
    assert daily == data['daily_evolution']
    assert weekly == data['weekly_comparison']
    assert weekly[-1]['start'] == '2024-03-18' and weekly[-1]['end'] == '2024-03-20' and weekly[-1]['days'] == 3
