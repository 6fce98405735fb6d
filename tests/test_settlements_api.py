"""Issue 20, items 6 and 7 over HTTP: `paid_by` and `split` on expenses (JSON and form), GET
/sysapi/balances, POST /sysapi/settlement_create and /sysapi/settlement_delete; bad input is a 422 naming
the field (and the difference), an unseen user a 404, never a 500."""

from __future__ import annotations

import json

from nicegui.testing import User

from app.models import Expense, ExpenseSplit, Settlement
from tests.builders import basics, link
from tests.conftest import API_KEY, api_login, make_user

HOSTILE = '<img src=x onerror=alert(1)>'


def _url(path: str) -> str:
    joiner = '&' if '?' in path else '?'
    return f'/sysapi/{path}{joiner}key={API_KEY}'


async def _couple(user: User):
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    await api_login(user)
    base = {'amount': '50.00', 'date': '2026-01-15', 'category_id': things['food'].id,
            'payment_method_id': things['card'].id}  # fmt: skip
    return alice, bob, base


async def test_split_equally_see_the_balance_settle_and_see_zero(user: User) -> None:
    alice, bob, base = await _couple(user)
    split = {'mode': 'equal', 'members': [alice.id, bob.id]}
    response = await user.http_client.post(_url('expense_create'), json={**base, 'split': split})
    assert response.status_code == 200, response.text
    expense = response.json()['expense']
    assert expense['paid_by'] == alice.id
    assert expense['split']['mode'] == 'equal'
    assert [(s['username'], s['amount']) for s in expense['split']['shares']] == [('alice', 25.0), ('bob', 25.0)]

    listed = (await user.http_client.get(_url('expenses?month=2026-01'))).json()['expenses'][0]
    assert listed['split'] == expense['split']

    body = (await user.http_client.get(_url('balances'))).json()
    assert body['month'] == 'all' and body['household'] is True and body['currency'] == 'EUR'
    assert {m['username']: m['balance'] for m in body['members']} == {'alice': 25.0, 'bob': -25.0}
    assert body['suggestions'] == [{'from_user_id': bob.id, 'from_username': 'bob', 'to_user_id': alice.id,
                                    'to_username': 'alice', 'amount_cents': 2500, 'amount': 25.0}]  # fmt: skip

    created = await user.http_client.post(
        _url('settlement_create'), data={'from_user_id': bob.id, 'to_user_id': alice.id, 'amount': '25,00'}
    )
    assert created.status_code == 200, created.text
    settlement = created.json()
    assert settlement['amount'] == 25.0 and settlement['from_username'] == 'bob'
    body = (await user.http_client.get(_url('balances'))).json()
    assert {m['username']: m['balance'] for m in body['members']} == {'alice': 0.0, 'bob': 0.0}
    assert body['suggestions'] == [] and [s['id'] for s in body['settlements']] == [settlement['id']]
    assert (await user.http_client.get(_url('stats?month=2026-01'))).json()['total'] == 50.0

    undone = await user.http_client.post(_url('settlement_delete'), json={'id': settlement['id']})
    assert undone.status_code == 200 and undone.json()['id'] == settlement['id']
    body = (await user.http_client.get(_url('balances?month=2026-01'))).json()
    assert body['month'] == '2026-01' and body['members'][0]['balance'] == 25.0
    again = await user.http_client.post(_url('settlement_delete'), json={'id': settlement['id']})
    assert again.status_code == 404


async def test_the_form_body_variant_and_an_update(user: User) -> None:
    alice, bob, base = await _couple(user)
    form = {**base, 'paid_by': str(bob.id), 'split_mode': 'shares', 'split_members': f'{alice.id}, {bob.id}',
            'split_parts': '2,1'}  # fmt: skip
    response = await user.http_client.post(_url('expense_create'), data=form)
    assert response.status_code == 200, response.text
    expense = response.json()['expense']
    assert expense['paid_by'] == bob.id
    assert [(s['username'], s['amount_cents'], s['part']) for s in expense['split']['shares']] == [
        ('bob', 1667, 1.0),
        ('alice', 3333, 2.0),
    ]
    text_split = json.dumps({'mode': 'percent', 'members': [alice.id, bob.id], 'parts': [70, 30]})
    response = await user.http_client.post(_url('expense_update'), data={'id': expense['id'], 'split': text_split})
    assert response.status_code == 200, response.text
    assert [s['amount_cents'] for s in response.json()['expense']['split']['shares']] == [1500, 3500]


async def test_bad_input_is_a_422_naming_the_field_or_a_404(user: User) -> None:
    alice, bob, base = await _couple(user)
    carol = make_user('carol')
    cases = [
        ({'split': {'mode': 'amounts', 'members': [alice.id, bob.id], 'parts': [20, 20]}}, 422, '10.00 less'),
        ({'split': {'mode': 'percent', 'members': [alice.id, bob.id], 'parts': [60, 60]}}, 422, 'not 100'),
        ({'split': {'mode': 'shares', 'members': [alice.id, bob.id], 'parts': [0, 1]}}, 422, 'more than zero'),
        ({'split': {'mode': 'shares', 'members': [alice.id, bob.id], 'parts': [True, 1]}}, 422, ''),
        ({'split': {'mode': 'equal', 'members': [alice.id, carol.id]}}, 404, ''),
        ({'split': {'mode': 'equal', 'members': []}}, 422, ''),
        ({'split': HOSTILE}, 422, ''),
        ({'split': {'mode': HOSTILE, 'members': [alice.id]}}, 422, ''),
        ({'paid_by': carol.id}, 404, ''),
        ({'paid_by': 2**70}, 422, ''),
        ({'split': {'mode': 'equal', 'members': [alice.id] * 60}}, 422, ''),
    ]
    for extra, status, words in cases:
        response = await user.http_client.post(_url('expense_create'), json={**base, **extra})
        assert response.status_code == status, (extra, response.text)
        body = response.json()
        assert words in body['error'], body
        if status == 422:
            assert body.get('field', '').startswith(('split', 'paid_by')) or 'split' in str(body), body
        assert 'carol' not in response.text
    assert Expense.select().count() == 0 and ExpenseSplit.select().count() == 0

    for data, status, field in (
        ({'from_user_id': alice.id, 'to_user_id': carol.id, 'amount': '5'}, 404, 'to_user_id'),
        ({'from_user_id': alice.id, 'to_user_id': bob.id, 'amount': '0'}, 422, 'amount'),
        ({'from_user_id': alice.id, 'to_user_id': alice.id, 'amount': '5'}, 422, 'to_user_id'),
        ({'from_user_id': alice.id, 'to_user_id': bob.id, 'amount': '5', 'date': 'soon'}, 422, 'date'),
        ({'from_user_id': alice.id, 'to_user_id': bob.id, 'amount': '5', 'currency': 'XYZ'}, 422, 'currency'),
        ({'from_user_id': 'x', 'to_user_id': bob.id, 'amount': '5'}, 422, 'from_user_id'),
    ):
        response = await user.http_client.post(_url('settlement_create'), data=data)
        assert response.status_code == status, (data, response.text)
        assert response.json().get('field') == field, response.text
    assert Settlement.select().count() == 0
    assert (await user.http_client.get(_url('balances?month=2026-13'))).status_code == 422
    assert (await user.http_client.post(_url('settlement_delete'), json={'id': 10**9})).status_code == 404


async def test_an_outsider_sees_no_balance_and_cannot_undo_a_settlement(user: User) -> None:
    alice, bob, base = await _couple(user)
    response = await user.http_client.post(
        _url('settlement_create'), json={'from_user_id': bob.id, 'to_user_id': alice.id, 'amount': 3}
    )
    settlement = response.json()['id']
    make_user('carol')
    await api_login(user, 'carol')
    body = (await user.http_client.get(_url('balances'))).json()
    assert [m['username'] for m in body['members']] == ['carol'] and body['settlements'] == []
    assert (await user.http_client.post(_url('settlement_delete'), json={'id': settlement})).status_code == 404
    assert Settlement.select().count() == 1
