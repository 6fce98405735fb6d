"""/sysapi for recurring rules over HTTP against the real app: the reference's naming, 422s naming the
field, another user's rule answering 404, hostile text kept as text, a retried create making one rule."""

from __future__ import annotations

import pytest
import time_machine
from nicegui.testing import User

from app.models import Expense, RecurringRule
from app.services import recurring
from tests.builders import basics
from tests.conftest import API_KEY, make_user
from tests.page_steps import logged_in_alice

K = f'key={API_KEY}'
HOSTILE = '<img src=x onerror=alert(1)>'
NOW = '2026-03-10 12:00:00+00:00'


def _rule(t: dict, **fields) -> dict:
    return {'amount': '9.99', 'category_id': t['food'].id, 'payment_method_id': t['card'].id, 'unit': 'month', **fields}


@time_machine.travel(NOW, tick=False)
async def test_create_list_update_pause_resume_delete(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    response = await http.post(
        f'/sysapi/recurring_create?{K}',
        content=f'amount=9.99&category_id={t["food"].id}&payment_method_id={t["card"].id}&unit=month'
        f'&start=2026-01-31&description={HOSTILE}',
        headers={'content-type': 'application/x-www-form-urlencoded'},
    )
    assert response.status_code == 200, response.text
    rule = response.json()['rule']
    assert (rule['every'], rule['unit'], rule['start'], rule['next_date']) == (1, 'month', '2026-01-31', '2026-03-31')
    assert rule['description'] == HOSTILE and rule['monthly_cost'] == 9.99 and rule['created_count'] == 2
    listing = (await http.get(f'/sysapi/recurring?{K}')).json()
    assert listing['count'] == 1 and listing['rules'][0]['id'] == rule['id']
    assert (await http.get(f'/sysapi/recurring?scope=nobody&{K}')).json()['field'] == 'scope'

    updated = await http.post(f'/sysapi/recurring_update?{K}', json={'id': rule['id'], 'amount': '12', 'every': 2})
    assert updated.status_code == 200, updated.text
    assert updated.json()['rule']['amount_cents'] == 1200 and updated.json()['rule']['next_date'] == '2026-03-31'
    paused = (await http.post(f'/sysapi/recurring_pause?{K}', data={'id': rule['id']})).json()['rule']
    assert paused['paused'] is True and paused['next_date'] is None
    resumed = (await http.post(f'/sysapi/recurring_resume?{K}', json={'id': rule['id']})).json()['rule']
    assert resumed['paused'] is False and resumed['next_date'] == '2026-03-31'
    deleted = await http.post(f'/sysapi/recurring_delete?{K}', json={'id': rule['id']})
    assert deleted.json() == {'success': True, 'id': rule['id']}
    assert Expense.select().count() == 2 and RecurringRule.select().count() == 0


@pytest.mark.parametrize(
    ('fields', 'field'),
    [
        ({'start': '2026-03-01', 'end': '2026-02-01'}, 'end'),
        ({'every': 0}, 'every'),
        ({'every': True}, 'every'),
        ({'day_of_month': 32}, 'day_of_month'),
        ({'unit': 'fortnight'}, 'unit'),
        ({'unit': None}, 'unit'),
        ({'count': -3}, 'count'),
        ({'start': 'yesterday'}, 'start'),
        ({'amount': True}, 'amount'),
        ({'category_id': '1_0'}, 'category_id'),
        ({'description': 'x' * 501}, 'description'),
        ({'request_id': 'no spaces please'}, 'request_id'),
    ],
)
@time_machine.travel(NOW, tick=False)
async def test_bad_input_is_a_422_naming_the_field(user: User, fields: dict, field: str) -> None:
    t = await logged_in_alice(user)
    response = await user.http_client.post(f'/sysapi/recurring_create?{K}', json=_rule(t, **fields))
    assert response.status_code == 422, response.text
    assert response.json()['field'] == field and response.json()['error']
    assert RecurringRule.select().count() == 0


@time_machine.travel(NOW, tick=False)
async def test_another_users_rule_is_a_404(user: User) -> None:
    t = await logged_in_alice(user)
    bob = make_user('bob')
    theirs = recurring.create_rule(bob, _rule(basics(bob), start='2026-04-01'))
    for path in ('recurring_update', 'recurring_pause', 'recurring_resume', 'recurring_delete'):
        response = await user.http_client.post(f'/sysapi/{path}?{K}', json={'id': theirs.id, 'amount': '1'})
        assert response.status_code == 404, (path, response.text)
        assert response.json()['field'] == 'id'
    listing = (await user.http_client.get(f'/sysapi/recurring?{K}')).json()
    assert listing == {'count': 0, 'rules': []}
    # using bob's category for one's own rule is refused as for an expense
    response = await user.http_client.post(
        f'/sysapi/recurring_create?{K}', json=_rule(t, category_id=basics(make_user('carol'))['food'].id)
    )
    assert response.status_code == 404 and response.json()['field'] == 'category_id'


@time_machine.travel(NOW, tick=False)
async def test_a_retried_create_makes_one_rule(user: User) -> None:
    t = await logged_in_alice(user)
    body = _rule(t, start='2026-03-01', request_id='a3c1-retry')
    first = (await user.http_client.post(f'/sysapi/recurring_create?{K}', json=body)).json()['rule']
    again = (await user.http_client.post(f'/sysapi/recurring_create?{K}', json=body)).json()['rule']
    assert first['id'] == again['id'] and RecurringRule.select().count() == 1 and Expense.select().count() == 1


async def test_without_the_key_it_is_a_401(user: User) -> None:
    await logged_in_alice(user)
    assert (await user.http_client.get('/sysapi/recurring')).status_code == 401
