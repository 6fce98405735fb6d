"""Issue 20, item 3 over HTTP: every statistics route takes `view=share|paid|household` (default household, as
before), answers what the service answers, and refuses a wrong view with 422 naming `view`."""

from __future__ import annotations

from nicegui.testing import User
from pydantic import TypeAdapter

from app.services import balances, stats
from app.services.months import Month
from tests.builders import add, basics, link, make_user
from tests.conftest import api_login
from tests.test_stats_api import SINGLE_ROUTES, get


def couple_in_january() -> tuple:
    """alice and bob linked: alice's 100.00 split equally, bob's 30.00 paid for alice alone, alice's 7.00
    just hers, and a settlement (never counted)."""
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    add(alice, things, '100.00', date='2026-01-05', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    add(bob, things, '30.00', date='2026-01-06', split={'mode': 'equal', 'members': [alice.id]})
    add(alice, things, '7.00', date='2026-01-07', description='<img src=x onerror=alert(1)>')
    balances.create_settlement(bob, bob.id, alice.id, '20', '2026-01-08')
    return alice, bob


async def test_each_view_over_http(user: User) -> None:
    couple_in_january()
    await api_login(user)
    expected = {'share': (3, 8700), 'paid': (2, 10700), 'household': (3, 13700)}
    for view, (count, cents) in expected.items():
        figures = (await get(user, 'stats', month='2026-01', view=view)).json()
        assert (figures['count'], figures['total_cents']) == (count, cents), view
    default = (await get(user, 'stats', month='2026-01')).json()
    assert default['total_cents'] == 13700
    mine = (await get(user, 'stats', month='2026-01', scope='mine', view='share')).json()
    assert mine['total_cents'] == 5700


async def test_each_route_answers_its_part_of_the_dashboard_in_the_view(user: User) -> None:
    alice, _ = couple_in_january()
    await api_login(user)
    whole = (await get(user, 'dashboard-data', month='2026-01', view='share')).json()
    assert whole['view'] == 'share' and whole['stats']['total_cents'] == 8700
    for route, part in SINGLE_ROUTES.items():
        response = await get(user, route, month='2026-01', view='share')
        assert response.status_code == 200, (route, response.text)
        assert response.json() == whole[part], route
    served = stats.dashboard(alice, Month(2026, 1), view='share')
    assert TypeAdapter(stats.Dashboard).dump_python(served, mode='json') == whole
    assert [e['amount_cents'] for e in whole['top_expenses']] == [5000, 3000, 700]
    assert whole['top_expenses'][2]['description'] == '<img src=x onerror=alert(1)>'


async def test_a_wrong_view_is_refused_on_every_route(user: User) -> None:
    couple_in_january()
    await api_login(user)
    for route in ('dashboard-data', *SINGLE_ROUTES):
        for view in ('mine', 'all', 'Share', '', 'x' * 5000):
            response = await get(user, route, month='2026-01', view=view)
            assert response.status_code == 422, (route, view, response.text)
            assert response.json()['field'] == 'view', (route, view)
