"""GET /sysapi/expenses with the filters of issue 18, and tags in the expense JSON, over HTTP on the real app."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from nicegui.testing import User

from tests.builders import add, basics, link
from tests.conftest import API_KEY, make_user
from tests.page_steps import logged_in_alice

K = f'key={API_KEY}'


async def seeded(user: User) -> dict:
    t = await logged_in_alice(user)
    alice = t['alice']
    add(alice, t, amount='15.99', date='2024-12-05', description='Netflix', tags=['abo'])
    add(alice, t, amount='15.99', date='2025-12-05', description='Netflix', tags=['abo'])
    add(alice, t, amount='12.50', date='2026-01-10', description='Ticket', category_id=t['transport'].id)
    return t


async def listing(user: User, query: str, status: int = 200) -> dict:
    response = await user.http_client.get(f'/sysapi/expenses?{query}&{K}')
    assert response.status_code == status, response.text
    return response.json()


@time_machine.travel('2026-01-20 12:00:00Z', tick=False)
async def test_month_stays_the_reference_behaviour_and_a_search_leaves_it(user: User) -> None:
    await seeded(user)
    assert (await listing(user, ''))['count'] == 1  # no month: this month, as in the reference
    assert (await listing(user, 'month=2025-12'))['count'] == 1
    assert (await listing(user, 'category_id=1'))['month'] == '2026-01'  # a filter alone keeps the month
    found = await listing(user, 'search=netflix')
    assert found['month'] == 'all' and found['count'] == 2 and found['total_cents'] == 3198
    assert [e['date'] for e in found['expenses']] == ['2025-12-05', '2024-12-05']
    assert (await listing(user, 'search=netflix&month=2024-12'))['count'] == 1
    assert (await listing(user, 'from=2025-01-01'))['count'] == 2
    assert (await listing(user, 'to=2025-01-01'))['count'] == 1
    assert (await listing(user, 'month=all'))['count'] == 3


async def test_every_filter_as_a_query_parameter(user: User) -> None:
    t = await seeded(user)
    assert (await listing(user, 'month=all&tag=ABO'))['count'] == 2
    assert (await listing(user, f'month=all&category_id={t["transport"].id}'))['count'] == 1
    assert (await listing(user, f'month=all&payment_method_id={t["card"].id}'))['count'] == 3
    assert (await listing(user, 'month=all&min=13&max=20'))['count'] == 2
    assert (await listing(user, 'month=all&created_by=alice'))['count'] == 3
    assert (await listing(user, 'month=all&has_receipt=false'))['count'] == 3
    assert (await listing(user, 'search=%3E15%202025'))['count'] == 1  # ">15 2025"
    assert (await listing(user, 'search=abo&from=2025-01-01&to=2025-12-31'))['count'] == 1
    assert (await listing(user, 'search=abo&sort=date&limit=1'))['expenses'][0]['date'] == '2024-12-05'


@pytest.mark.parametrize(
    ('query', 'field'),
    [
        ('search=' + 'x' * 10_000, 'search'),
        ('search=20..10', 'search'),
        ('min=20&max=10', 'min'),
        ('from=2026-02-01&to=2026-01-01', 'from'),
        ('from=yesterday', 'from'),
        ('has_receipt=perhaps', 'has_receipt'),
        ('category_id=abc', 'category_id'),
        ('month=2026-13&search=x', 'month'),
        ('search=x&sort=secret', 'sort'),
    ],
)
async def test_bad_filters_answer_422_naming_the_field(user: User, query: str, field: str) -> None:
    await seeded(user)
    body = await listing(user, query, 422)
    assert body['field'] == field and body['error']


async def test_fts_syntax_characters_never_make_a_500(user: User) -> None:
    await seeded(user)
    for search in ('%22', '*', 'NEAR(a%20b)', '-netflix', '%22netflix', '(', 'AND', '%5E'):
        await listing(user, f'search={search}')


async def test_another_households_ids_answer_404_and_their_expenses_never_show(user: User) -> None:
    t = await seeded(user)
    eve = make_user('eve')
    eve_things = basics(eve)
    add(eve, eve_things, description='Netflix of eve', date='2025-06-01', tags=['abo'])
    body = await listing(user, f'month=all&category_id={eve_things["food"].id}', 404)
    assert body['field'] == 'category_id'
    assert (await listing(user, f'month=all&payment_method_id={eve_things["card"].id}', 404))['field'] == (
        'payment_method_id'
    )
    assert (await listing(user, 'month=all&created_by=eve', 404))['field'] == 'created_by'
    assert (await listing(user, 'search=netflix'))['count'] == 2
    assert (await listing(user, 'month=all&tag=abo'))['count'] == 2
    bob = make_user('bob')
    link(t['alice'], bob)
    add(bob, basics(bob), description='Netflix of bob', date='2020-01-01')
    assert (await listing(user, 'search=netflix'))['count'] == 3


async def test_tags_are_written_and_read_in_the_expense_json(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    body = {'amount': '5', 'category_id': t['food'].id, 'payment_method_id': t['card'].id, 'tags': ['Ski', 'alpes']}
    response = await http.post(f'/sysapi/expense_create?{K}', json=body)
    assert response.status_code == 200, response.text
    created = response.json()['expense']
    assert created['tags'] == ['alpes', 'Ski']
    form = {'id': created['id'], 'tags': 'ski, Été'}  # a form sends them as one text
    response = await http.post(f'/sysapi/expense_update?{K}', data=form)
    assert response.json()['expense']['tags'] == ['Été', 'Ski']  # the household's spelling, sorted
    response = await http.post(f'/sysapi/expense_update?{K}', json={'id': created['id'], 'tags': ['x' * 41]})
    assert response.status_code == 422 and response.json()['field'] == 'tags'
    response = await http.post(f'/sysapi/expense_update?{K}', json={'id': created['id'], 'tags': {'a': 1}})
    assert response.status_code == 422 and response.json()['field'] == 'tags'
    listed = await listing(user, 'month=all&tag=ski')
    assert listed['expenses'][0]['tags'] == ['Été', 'Ski']


async def test_the_export_of_a_search_holds_its_results(user: User) -> None:
    await seeded(user)
    response = await user.http_client.get(f'/sysapi/export_csv?search=netflix&{K}')
    assert response.status_code == 200
    assert 'expenses-search.csv' in response.headers['content-disposition']
    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[5] for row in rows[1:]] == ['Netflix', 'Netflix']
    assert rows[1][9] == 'abo'  # the tags column
    response = await user.http_client.get(f'/sysapi/export_xlsx?search=20..10&{K}')
    assert response.status_code == 422 and response.json()['field'] == 'search'
