"""/sysapi for expenses, categories, payment methods and exports, over HTTP against the real app."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from nicegui.testing import User
from openpyxl import load_workbook

from app.models import Category, Expense, PaymentMethod
from tests.builders import add, basics, link
from tests.conftest import API_KEY, make_user
from tests.page_steps import logged_in_alice

K = f'key={API_KEY}'


async def test_reference_curl_examples(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    # curl -X POST ".../sysapi/expense_create?key=KEY" -d "amount=50.00&date=2026-01-15&category_id=1&..."
    response = await http.post(
        f'/sysapi/expense_create?{K}',
        content=f'amount=50.00&date=2026-01-15&category_id={t["food"].id}&payment_method_id={t["card"].id}'
        '&description=Groceries',
        headers={'content-type': 'application/x-www-form-urlencoded'},
    )
    assert response.status_code == 200, response.text
    created = response.json()['expense']
    assert created['amount'] == 50.0 and created['description'] == 'Groceries' and created['created_by'] == 'alice'
    # curl ".../sysapi/expenses?month=2026-01&key=KEY"
    listing = (await http.get(f'/sysapi/expenses?month=2026-01&{K}')).json()
    assert listing['month'] == '2026-01' and listing['count'] == 1 and listing['total'] == 50.0
    assert listing['expenses'][0]['id'] == created['id']


@pytest.mark.parametrize('amount', ['50.00', '50,00', 50, '50'])
async def test_create_accepts_json_and_every_amount_form(user: User, amount) -> None:
    t = await logged_in_alice(user)
    body = {
        'amount': amount,
        'date': '2026-01-15',
        'category_id': t['food'].id,
        'subcategory_id': t['groceries'].id,
        'payment_method_id': t['cash'].id,
        'latitude': 48.85,
        'longitude': 2.35,
    }
    response = await user.http_client.post(f'/sysapi/expense_create?{K}', json=body)
    assert response.status_code == 200, response.text
    expense = response.json()['expense']
    assert expense['amount_cents'] == 5000 and expense['subcategory'] == 'Groceries'
    assert (expense['latitude'], expense['longitude']) == (48.85, 2.35)


@time_machine.travel('2026-04-03 10:00:00', tick=False)
async def test_without_month_means_this_month(user: User) -> None:
    t = await logged_in_alice(user)
    add(t['alice'], t, date='2026-04-01')
    add(t['alice'], t, date='2026-03-31')
    response = await user.http_client.post(
        f'/sysapi/expense_create?{K}',
        data={'amount': '1', 'category_id': t['food'].id, 'payment_method_id': t['card'].id, 'subcategory_id': ''},
    )
    assert response.json()['expense']['date'] == '2026-04-03'
    listing = (await user.http_client.get(f'/sysapi/expenses?{K}')).json()
    assert listing['month'] == '2026-04' and listing['count'] == 2


async def test_list_parameters(user: User) -> None:
    t = await logged_in_alice(user)
    for day, amount in ((3, '5'), (1, '9'), (2, '7')):
        add(t['alice'], t, date=f'2026-01-0{day}', amount=amount, description=f'day {day}')
    http = user.http_client
    rows = (await http.get(f'/sysapi/expenses?month=2026-01&sort=amount&{K}')).json()['expenses']
    assert [r['amount'] for r in rows] == [5, 7, 9]
    page = (await http.get(f'/sysapi/expenses?month=2026-01&offset=1&limit=1&{K}')).json()
    assert [r['description'] for r in page['expenses']] == ['day 2'] and page['count'] == 3
    found = (await http.get(f'/sysapi/expenses?month=2026-01&search=day%201&{K}')).json()
    assert found['count'] == 1 and found['total_cents'] == 900
    for query, field in (
        ('month=2026-13', 'month'),
        ('month=jan', 'month'),
        ('sort=secret', 'sort'),
        ('scope=all', 'scope'),
        ('limit=0', 'limit'),
        ('offset=-1', 'offset'),
    ):
        response = await http.get(f'/sysapi/expenses?{query}&{K}')
        assert response.status_code == 422, query
        assert response.json()['field'] == field, query


async def test_update_and_delete(user: User) -> None:
    t = await logged_in_alice(user)
    expense = add(t['alice'], t, subcategory_id=t['groceries'].id, latitude=1, longitude=1)
    http = user.http_client
    response = await http.post(f'/sysapi/expense_update?{K}', data={'id': expense.id, 'amount': '7,5'})
    assert response.status_code == 200 and response.json()['expense']['amount'] == 7.5
    assert response.json()['expense']['subcategory_id'] == t['groceries'].id
    response = await http.post(
        f'/sysapi/expense_update?{K}', data={'id': expense.id, 'subcategory_id': '', 'latitude': '', 'longitude': ''}
    )
    assert response.json()['expense']['subcategory_id'] is None and response.json()['expense']['latitude'] is None
    response = await http.post(f'/sysapi/expense_delete?{K}', json={'id': expense.id})
    assert response.json() == {'success': True, 'id': expense.id}
    assert Expense.select().count() == 0
    again = await http.post(f'/sysapi/expense_delete?{K}', json={'id': expense.id})
    assert again.status_code == 404 and 'does not exist' in again.json()['error']


@pytest.mark.parametrize(
    ('change', 'status', 'field'),
    [
        ({'amount': '0'}, 422, 'amount'),
        ({'amount': '-3'}, 422, 'amount'),
        ({'amount': 'ten'}, 422, 'amount'),
        ({'amount': '1.999'}, 422, 'amount'),
        ({'amount': '1e30'}, 422, 'amount'),
        ({'amount': None}, 422, 'amount'),
        ({'date': '2026-02-30'}, 422, 'date'),
        ({'date': 'yesterday'}, 422, 'date'),
        ({'category_id': 'abc'}, 422, 'category_id'),
        ({'category_id': 99999}, 404, 'category_id'),
        ({'category_id': None}, 422, 'category_id'),
        ({'payment_method_id': 99999}, 404, 'payment_method_id'),
        ({'payment_method_id': None}, 422, 'payment_method_id'),
        ({'subcategory_id': 'x'}, 422, 'subcategory_id'),
        ({'latitude': 100, 'longitude': 1}, 422, 'latitude'),
        ({'latitude': 'NaN', 'longitude': 1}, 422, 'latitude'),
        ({'latitude': 10}, 422, 'longitude'),
        ({'description': 'd' * 600}, 422, 'description'),
    ],
)
async def test_create_bad_input(user: User, change, status, field) -> None:
    t = await logged_in_alice(user)
    body = {'amount': '5', 'date': '2026-01-15', 'category_id': t['food'].id, 'payment_method_id': t['card'].id}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    response = await user.http_client.post(f'/sysapi/expense_create?{K}', json=body)
    assert response.status_code == status, response.text
    assert response.json()['field'] == field
    assert response.json()['error']
    assert Expense.select().count() == 0


async def test_a_replayed_request_id_returns_the_first_expense(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    form = f'amount=7,20&date=2026-01-15&category_id={t["food"].id}&payment_method_id={t["card"].id}&request_id=r-1'
    headers = {'content-type': 'application/x-www-form-urlencoded'}
    first = await http.post(f'/sysapi/expense_create?{K}', content=form, headers=headers)
    assert first.status_code == 200, first.text
    again = await http.post(f'/sysapi/expense_create?{K}', content=form, headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    # the same id in a JSON body, even with another amount, is still the first expense
    body = {'amount': 99, 'category_id': t['food'].id, 'payment_method_id': t['card'].id, 'request_id': 'r-1'}
    replay = await http.post(f'/sysapi/expense_create?{K}', json=body)
    assert replay.status_code == 200 and replay.json()['expense']['id'] == first.json()['expense']['id']
    assert replay.json()['expense']['amount'] == 7.2
    assert Expense.select().count() == 1
    fresh = await http.post(f'/sysapi/expense_create?{K}', json={**body, 'request_id': 'r-2'})
    assert fresh.status_code == 200 and Expense.select().count() == 2
    bad = await http.post(f'/sysapi/expense_create?{K}', json={**body, 'request_id': 'two words'})
    assert bad.status_code == 422 and bad.json()['field'] == 'request_id'
    assert Expense.select().count() == 2


async def test_malformed_bodies(user: User) -> None:
    await logged_in_alice(user)
    for kwargs in ({'content': b'{not json', 'headers': {'content-type': 'application/json'}}, {'json': [1, 2]}):
        response = await user.http_client.post(f'/sysapi/expense_create?{K}', **kwargs)
        assert response.status_code == 422
    for value in ('x', '0', '-1', str(2**64), ''):
        response = await user.http_client.post(f'/sysapi/expense_update?{K}', data={'id': value})
        assert response.status_code == 422 and response.json()['field'] == 'id', value
    for value in ('0', str(2**64)):
        body = {'amount': 1, 'category_id': 1, 'payment_method_id': 1, 'subcategory_id': value}
        response = await user.http_client.post(f'/sysapi/expense_create?{K}', data=body)
        assert response.status_code == 422 and response.json()['field'] == 'subcategory_id', value


async def test_another_users_ids_answer_404(user: User) -> None:
    t = await logged_in_alice(user)
    eve = make_user('eve')
    eve_things = basics(eve)
    theirs = add(eve, eve_things, description='private')
    http = user.http_client
    calls = [
        ('expense_update', {'id': theirs.id, 'amount': '1'}),
        ('expense_delete', {'id': theirs.id}),
        ('expense_create', {'amount': 1, 'category_id': eve_things['food'].id, 'payment_method_id': t['card'].id}),
        ('expense_create', {'amount': 1, 'category_id': t['food'].id, 'payment_method_id': eve_things['card'].id}),
        ('category_update', {'id': eve_things['food'].id, 'name': 'Hacked'}),
        ('category_delete', {'id': eve_things['transport'].id}),
        ('category_create', {'name': 'Sub', 'parent_id': eve_things['food'].id}),
        ('category_delete', {'id': t['transport'].id, 'move_to_id': eve_things['food'].id}),
        ('payment_method_update', {'id': eve_things['card'].id, 'name': 'Hacked'}),
        ('payment_method_delete', {'id': eve_things['cash'].id}),
    ]
    for path, body in calls:
        response = await http.post(f'/sysapi/{path}?{K}', data=body)
        assert response.status_code == 404, (path, response.text)
        assert 'private' not in response.text and 'eve' not in response.text
    listing = (await http.get(f'/sysapi/expenses?month=2026-01&{K}')).json()
    assert listing['count'] == 0
    assert 'eve' not in (await http.get(f'/sysapi/categories_flat?{K}')).text
    assert Expense.get_by_id(theirs.id).amount_cents == 1000
    assert Category.get_by_id(eve_things['food'].id).name == 'Food'
    assert PaymentMethod.get_by_id(eve_things['card'].id).name == 'Card'
    csv_text = (await http.get(f'/sysapi/export_csv?month=all&{K}')).text
    assert 'private' not in csv_text


async def test_linked_users_see_each_other(user: User) -> None:
    t = await logged_in_alice(user)
    bob = make_user('bob')
    link(t['alice'], bob)
    add(bob, t, description='bob paid')
    listing = (await user.http_client.get(f'/sysapi/expenses?month=2026-01&{K}')).json()
    assert [r['created_by'] for r in listing['expenses']] == ['bob']
    mine = (await user.http_client.get(f'/sysapi/expenses?month=2026-01&scope=mine&{K}')).json()
    assert mine['count'] == 0


async def test_needs_key_and_session(user: User) -> None:
    make_user('alice')
    for path in ('expenses', 'categories', 'categories_flat', 'payment_methods', 'export_csv', 'export_xlsx'):
        assert (await user.http_client.get(f'/sysapi/{path}')).status_code == 401
        response = await user.http_client.get(f'/sysapi/{path}?{K}')
        assert response.status_code == 401 and 'Not logged in' in response.json()['error']
    assert (await user.http_client.post(f'/sysapi/expense_create?{K}', data={'amount': 1})).status_code == 401


async def test_categories_endpoints(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    nested = (await http.get(f'/sysapi/categories?{K}')).json()
    assert [n['name'] for n in nested] == ['Food', 'Transport']
    assert [c['name'] for c in nested[0]['children']] == ['Groceries', 'Restaurants']
    flat = (await http.get(f'/sysapi/categories_flat?{K}')).json()
    assert len(flat) == 4 and {c['parent_id'] for c in flat} == {None, t['food'].id}

    created = await http.post(f'/sysapi/category_create?{K}', data={'name': 'Pets', 'color': '#123456', 'icon': 'pets'})
    assert created.status_code == 200
    pets = created.json()['category']
    assert (pets['name'], pets['color'], pets['icon'], pets['parent_id']) == ('Pets', '#123456', 'pets', None)
    sub = await http.post(f'/sysapi/category_create?{K}', json={'name': 'Vet', 'parent_id': pets['id']})
    assert sub.json()['category']['color'] == '#123456'
    duplicate = await http.post(f'/sysapi/category_create?{K}', data={'name': 'PETS'})
    assert duplicate.status_code == 409 and duplicate.json()['field'] == 'name'
    for body, field in (
        ({'name': ''}, 'name'),
        ({'name': 'x', 'color': 'blue'}, 'color'),
        ({'name': 'x', 'parent_id': 'p'}, 'parent_id'),
        ({}, 'name'),
    ):
        response = await http.post(f'/sysapi/category_create?{K}', data=body)
        assert response.status_code == 422 and response.json()['field'] == field, body

    renamed = await http.post(f'/sysapi/category_update?{K}', data={'id': pets['id'], 'name': 'Animals'})
    assert renamed.json()['category']['name'] == 'Animals' and renamed.json()['category']['color'] == '#123456'
    moved = await http.post(f'/sysapi/category_update?{K}', data={'id': t['transport'].id, 'parent_id': pets['id']})
    assert moved.json()['category']['parent_id'] == pets['id']
    top = await http.post(f'/sysapi/category_update?{K}', data={'id': t['transport'].id, 'parent_id': ''})
    assert top.json()['category']['parent_id'] is None

    add(t['alice'], t, category_id=t['transport'].id)
    in_use = await http.post(f'/sysapi/category_delete?{K}', data={'id': t['transport'].id})
    assert in_use.status_code == 409 and 'used by 1 expense' in in_use.json()['error']
    parent = await http.post(f'/sysapi/category_delete?{K}', data={'id': pets['id']})
    assert parent.status_code == 409 and '1 subcategory' in parent.json()['error']
    done = await http.post(
        f'/sysapi/category_delete?{K}', data={'id': t['transport'].id, 'move_to_id': t['restaurants'].id}
    )
    assert done.json() == {'success': True, 'id': t['transport'].id, 'moved': 1}
    assert Expense.get().subcategory_id == t['restaurants'].id
    gone = await http.post(f'/sysapi/category_delete?{K}', data={'id': t['transport'].id})
    assert gone.status_code == 404


async def test_payment_method_endpoints(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    assert [m['name'] for m in (await http.get(f'/sysapi/payment_methods?{K}')).json()] == ['Card', 'Cash']
    created = (await http.post(f'/sysapi/payment_method_create?{K}', data={'name': 'Cheque'})).json()
    assert created['payment_method']['icon'] == 'payments'
    assert (await http.post(f'/sysapi/payment_method_create?{K}', data={'name': 'cheque'})).status_code == 409
    assert (await http.post(f'/sysapi/payment_method_create?{K}', data={'name': ' '})).status_code == 422
    method_id = created['payment_method']['id']
    renamed = await http.post(f'/sysapi/payment_method_update?{K}', json={'id': method_id, 'icon': 'receipt'})
    assert renamed.json()['payment_method'] == {**created['payment_method'], 'icon': 'receipt'}
    add(t['alice'], t, payment_method_id=method_id)
    in_use = await http.post(f'/sysapi/payment_method_delete?{K}', data={'id': method_id})
    assert in_use.status_code == 409 and 'used by 1 expense' in in_use.json()['error']
    done = await http.post(f'/sysapi/payment_method_delete?{K}', data={'id': method_id, 'move_to_id': t['cash'].id})
    assert done.json()['moved'] == 1


async def test_exports_over_http(user: User) -> None:
    t = await logged_in_alice(user)
    add(t['alice'], t, amount='12,5', date='2026-01-03', description='Market')
    add(t['alice'], t, amount='4', date='2026-02-03')
    http = user.http_client
    response = await http.get(f'/sysapi/export_csv?month=2026-01&{K}')
    assert response.status_code == 200
    assert response.headers['content-type'].startswith('text/csv')
    assert 'expenses-2026-01.csv' in response.headers['content-disposition']
    rows = list(csv.reader(io.StringIO(response.content.decode('utf-8'))))
    assert rows[1][:2] == ['2026-01-03', '12.50'] and len(rows) == 2
    everything = await http.get(f'/sysapi/export_csv?month=all&{K}')
    assert everything.text.count('\n') == 3 and 'expenses-all.csv' in everything.headers['content-disposition']
    response = await http.get(f'/sysapi/export_xlsx?month=2026-01&{K}')
    assert response.status_code == 200 and 'spreadsheetml' in response.headers['content-type']
    book = load_workbook(io.BytesIO(response.content))
    assert book['Expenses']['B2'].value == 12.5 and book['Expenses']['F2'].value == 'Market'
    bad = await http.get(f'/sysapi/export_xlsx?month=2026-1&{K}')
    assert bad.status_code == 422 and bad.json()['field'] == 'month'


async def test_openapi_documents_shapes(user: User) -> None:
    schema = (await user.http_client.get('/openapi.json')).json()
    paths = schema['paths']
    for path in (
        'expenses',
        'expense_create',
        'expense_update',
        'expense_delete',
        'categories',
        'categories_flat',
        'category_create',
        'category_update',
        'category_delete',
        'payment_methods',
        'payment_method_create',
        'payment_method_update',
        'payment_method_delete',
        'export_csv',
        'export_xlsx',
    ):
        operation = next(iter(paths[f'/sysapi/{path}'].values()))
        assert '200' in operation['responses'], path
        assert '404' in operation['responses'] or path.startswith(('export', 'categor', 'payment')), path
    create = paths['/sysapi/expense_create']['post']['requestBody']['content']
    assert set(create) == {'application/x-www-form-urlencoded', 'application/json'}
    assert set(create['application/json']['schema']['required']) == {'amount', 'category_id', 'payment_method_id'}
    assert 'a retry' in create['application/json']['schema']['properties']['request_id']['description']
