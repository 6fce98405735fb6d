"""Items 5 and 11 of issue 13 over HTTP: bodies that used to answer 500 or be read too leniently now get a
clear 422 that names the field, and change nothing."""

from __future__ import annotations

import json

import pytest
from nicegui.testing import User

from app.models import ApiToken, Category, Expense, PaymentMethod
from tests.conftest import API_KEY
from tests.page_steps import logged_in_alice

K = f'key={API_KEY}'
ZERO_WIDTH = '\u200b\u200c\u200d\u2060\ufeff'
DEEP = 100_000


def _expense(t: dict, **fields) -> dict:
    return {
        'amount': '12.50',
        'date': '2026-01-15',
        'category_id': t['food'].id,
        'payment_method_id': t['card'].id,
        **fields,
    }


def _counts() -> tuple[int, int, int, int]:
    return (
        Expense.select().count(),
        Category.select().count(),
        PaymentMethod.select().count(),
        ApiToken.select().count(),
    )


# --- item 5: deeply nested JSON -------------------------------------------------------------------------------


NESTED_PATHS = [
    'expense_create',
    'expense_update',
    'category_create',
    'payment_method_create',
    'users/link',
    'users/create',
    'tokens',
    'place_update',
    'login',
]


async def _post_nested(user: User, path: str, body: bytes) -> None:
    before = _counts()
    response = await user.http_client.post(
        f'/sysapi/{path}?{K}', content=body, headers={'content-type': 'application/json'}
    )
    assert response.status_code == 422, (path, response.text)
    assert 'levels deep' in response.json()['error']
    assert _counts() == before


async def test_100000_levels_of_arrays_are_a_clear_422_on_every_route_with_a_body(user: User) -> None:
    await logged_in_alice(user, admin=True)
    for path in NESTED_PATHS:
        await _post_nested(user, path, b'[' * DEEP)


@pytest.mark.parametrize(
    'body',
    [
        b'{"name": ' + b'[' * DEEP,
        b'{"a":' * 10_000 + b'1' + b'}' * 10_000,  # under the old 64 KiB cap: this one was a RecursionError, a 500
        b'[' * 50_000 + b']' * 50_000,
    ],
    ids=['inside-an-object', 'closed-objects', 'closed-arrays'],
)
async def test_other_deep_shapes_are_a_clear_422(user: User, body: bytes) -> None:
    await logged_in_alice(user, admin=True)
    for path in ('expense_create', 'category_create'):
        await _post_nested(user, path, body)


async def test_nesting_without_a_content_type_is_caught_too(user: User) -> None:
    await logged_in_alice(user, admin=True)
    response = await user.http_client.post(f'/sysapi/expense_create?{K}', content=b'[' * DEEP)
    assert response.status_code == 422 and 'levels deep' in response.json()['error']


async def test_ordinary_nesting_and_brackets_in_strings_still_work(user: User) -> None:
    t = await logged_in_alice(user, admin=True)
    description = '[[[[{{{{ "quoted" \\ ]]]]' * 10
    response = await user.http_client.post(f'/sysapi/expense_create?{K}', json=_expense(t, description=description))
    assert response.status_code == 200, response.text
    assert response.json()['expense']['description'] == description


# --- item 11: lenient input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'fields, culprit',
    [
        ({'amount': True}, 'amount'),
        ({'amount': False}, 'amount'),
        ({'amount': '1_000'}, 'amount'),
        ({'amount': '１２.５０'}, 'amount'),
        ({'amount': '١٢'}, 'amount'),
        ({'latitude': True, 'longitude': 2.35}, 'latitude'),
        ({'latitude': 48.85, 'longitude': False}, 'longitude'),
        ({'latitude': '4_8', 'longitude': '2'}, 'latitude'),
        ({'latitude': '４８', 'longitude': '2'}, 'latitude'),
        ({'latitude': '1e1', 'longitude': '2'}, 'latitude'),
        ({'category_id': True}, 'category_id'),
        ({'payment_method_id': '1_0'}, 'payment_method_id'),
        ({'subcategory_id': '１'}, 'subcategory_id'),
        ({'date': '２０２６-０１-１５'}, 'date'),
        ({'description': 'bad \ud800 half'}, 'description'),
    ],
)
async def test_lenient_expense_fields_are_refused(user: User, fields: dict, culprit: str) -> None:
    t = await logged_in_alice(user, admin=True)
    body = json.dumps(_expense(t, **fields))  # ASCII with \u escapes: a lone surrogate travels as JSON allows
    response = await user.http_client.post(
        f'/sysapi/expense_create?{K}', content=body, headers={'content-type': 'application/json'}
    )
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer['field'] == culprit and answer['error']
    assert Expense.select().count() == 0


@pytest.mark.parametrize('amount', ['50.00', '50,00', 50, '1 234,56', '1,234.56', '€12.50', '12,50 €', "1'234.50"])
async def test_the_amounts_people_write_are_still_accepted(user: User, amount) -> None:
    t = await logged_in_alice(user, admin=True)
    response = await user.http_client.post(f'/sysapi/expense_create?{K}', json=_expense(t, amount=amount))
    assert response.status_code == 200, response.text


async def test_a_month_in_full_width_digits_is_refused(user: User) -> None:
    await logged_in_alice(user, admin=True)
    for path in ('expenses', 'stats', 'dashboard-data', 'category_distribution'):
        response = await user.http_client.get(f'/sysapi/{path}?month=２０２５-０１&{K}')
        assert response.status_code == 422, (path, response.text)
        assert response.json()['field'] == 'month'
    assert (await user.http_client.get(f'/sysapi/expenses?month=2025-01&{K}')).status_code == 200


@pytest.mark.parametrize('invisible', [ZERO_WIDTH, '\u200b', '\u3164\u3164', '\u2800', '\u0301\u0301', '\u00ad'])
async def test_names_of_invisible_characters_only_are_refused(user: User, invisible: str) -> None:
    t = await logged_in_alice(user, admin=True)
    before = _counts()
    attempts = [
        ('category_create', {'name': invisible}, 'name'),
        ('category_update', {'id': t['food'].id, 'name': invisible}, 'name'),
        ('payment_method_create', {'name': invisible}, 'name'),
        ('payment_method_update', {'id': t['card'].id, 'name': invisible}, 'name'),
        ('tokens', {'name': invisible}, 'name'),
        ('users/create', {'username': invisible, 'password': 'long enough password'}, 'username'),
    ]
    for path, body, culprit in attempts:
        response = await user.http_client.post(f'/sysapi/{path}?{K}', json=body)
        assert response.status_code == 422, (path, response.text)
        assert response.json().get('field') == culprit, (path, response.text)
    assert _counts() == before
    assert Category.get_by_id(t['food'].id).name == 'Food' and PaymentMethod.get_by_id(t['card'].id).name == 'Card'


async def test_invisible_edges_are_trimmed_and_descriptions_may_end_up_empty(user: User) -> None:
    t = await logged_in_alice(user, admin=True)
    response = await user.http_client.post(
        f'/sysapi/expense_create?{K}', json=_expense(t, description=ZERO_WIDTH, place='\u200bMarket\u200b')
    )
    assert response.status_code == 200, response.text
    created = response.json()['expense']
    assert created['description'] == '' and created['place'] == 'Market'
    family = '\U0001f468\u200d\U0001f469\u200d\U0001f467'  # an emoji joined by zero-width joiners is a name
    response = await user.http_client.post(f'/sysapi/category_create?{K}', json={'name': f'\u200b{family} Kids'})
    assert response.status_code == 200, response.text
    assert Category.select().where(Category.name == f'{family} Kids').count() == 1
