"""The API's month listing, built as plain rows and encoded by orjson (issue 21, item 5), answers the same
bytes as pydantic's encoding of the service's `ExpensePage` (what the route answered before): every field, in
the same order, with the same types, for rows with every kind of content (tags, receipts, a split with parts,
another payer, a foreign currency with and without its rate, a subcategory, a place, coordinates, hostile and
non-Latin text, control characters, big amounts), through the real app over HTTP and at the service."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from nicegui.testing import User
from pydantic import TypeAdapter

from app.api.json_answer import encode
from app.db import is_postgres
from app.models import Expense
from app.models import User as Account
from app.services import expense_page, expenses, rates, receipts
from app.services.expense_search import parse_filters
from app.services.expenses_types import ExpensePage, ExpenseRow
from app.services.months import Month
from tests import receipt_images as files
from tests.builders import add, basics, link, make_user
from tests.conftest import API_KEY
from tests.page_steps import logged_in_alice

HOSTILE = '<img src=x onerror=alert(1)>'
PAGE = TypeAdapter(ExpensePage)


def _world(alice: Account, things: dict) -> None:
    """alice's January 2026, with every kind of row the listing has to write."""
    bob = make_user('bob')
    link(alice, bob)
    add(alice, things, '12.34', date='2026-01-03', description=HOSTILE, tags='groceries, <b>bold</b>')
    add(alice, things, '0.01', date='2026-01-03', description='Ünïcödé 漢字 🎉 "quoted" \\ back\u0001\u001f\u007f')
    add(
        alice,
        things,
        '99999999.99',
        date='2026-01-31',
        category_id=things['groceries'].id,
        latitude=48.856613,
        longitude=-2.3522219,
        place='Marché <Saint-Germain>',
    )
    add(alice, things, '50.01', date='2026-01-10', split={'mode': 'equal', 'members': [bob.id, alice.id]})
    add(
        alice,
        things,
        '10.00',
        date='2026-01-11',
        paid_by=bob.id,
        split={'mode': 'shares', 'members': [alice.id, bob.id], 'parts': [2, 1]},
    )
    add(
        alice,
        things,
        '33.33',
        date='2026-01-12',
        split={'mode': 'percent', 'members': [alice.id, bob.id], 'parts': [12.5, 87.5]},
    )
    add(alice, things, '20.00', date='2026-01-13', currency='USD')  # no rate yet: rate_missing
    rates.set_rate(None, 'GBP', '1.15', '2026-01-01')  # the operator
    add(alice, things, '20.00', date='2026-01-14', currency='GBP')  # converted
    with_receipts = add(alice, things, '7.50', date='2026-01-15', payment_method_id=things['cash'].id)
    receipts.attach(alice, with_receipts.id, 'till <1>.jpg', files.photo())
    receipts.attach(alice, with_receipts.id, 'invoice.pdf', files.pdf())
    gone = add(alice, things, '1.00', date='2026-01-16')
    Expense.update(created_at='2026-01-16 08:00:00', updated_at='2026-01-16 08:00:00.5').where(
        Expense.id == gone.id
    ).execute()  # timestamps without a fraction, and with a short one
    add(bob, basics(bob), '3.00', date='2026-01-20', description="bob's")  # a linked user's expense
    add(alice, things, '5.00', date='2026-02-01')  # another month


def _old(alice: Account, **options) -> bytes:
    """What the route answered before: FastAPI's `response_model=ExpensePage`, i.e. pydantic's dump_json."""
    return PAGE.dump_json(expenses.list_expenses(alice, **options))


@pytest.mark.usefixtures('database')
def test_the_plain_rows_are_expense_rows_field_for_field(alice, things) -> None:
    _world(alice, things)
    month = Month(2026, 1)
    listing = expense_page.list_plain(alice, month)
    assert listing.count == 11
    assert [f.name for f in dataclasses.fields(expense_page.ExpenseListing)] == [
        f.name for f in dataclasses.fields(ExpensePage)
    ]
    fields = [f.name for f in dataclasses.fields(ExpenseRow)]
    assert all(list(row) == fields for row in listing.expenses if isinstance(row, dict))
    assert encode(listing) == _old(alice, month=month)
    written = [row for row in listing.expenses if isinstance(row, orjson.Fragment)]
    # SQLite writes the rows without tags, receipts, split or other currency (PostgreSQL none): 4 of them here
    assert len(written) == (0 if is_postgres() else 4)
    assert len(written) + sum(isinstance(row, dict) for row in listing.expenses) == 11
    rows = orjson.loads(encode(listing))['expenses']
    assert sum(len(row['receipts']) for row in rows) == 2 and any(row['tags'] for row in rows)
    assert {row['split']['mode'] for row in rows if row['split'] is not None} == {'equal', 'shares', 'percent'}
    assert any(row['paid_by'] != row['owner_id'] for row in rows)
    assert {'2026-01-16T08:00:00Z'} == {row['created_at'] for row in rows if row['amount_cents'] == 100}
    assert {row['currency'] for row in rows} == {'EUR', 'USD', 'GBP'}


@pytest.mark.usefixtures('database')
@pytest.mark.parametrize(
    'options',
    [
        {'sort': 'amount'},
        {'sort': '-category', 'limit': 3, 'offset': 2},
        {'sort': 'description', 'offset': 50},
        {'search': 'groceries'},  # ranked by words: ExpenseRows in the listing
        {'search': 'marché 99999999.99'},
        {'search': '漢字'},
    ],
)
def test_every_sort_page_and_search_answers_the_same_bytes(alice, things, options) -> None:
    _world(alice, things)
    search = options.pop('search', None)
    filters = parse_filters(alice, {'search': search}) if search else None
    month = None if search else Month(2026, 1)
    plain = expense_page.list_plain(alice, month, filters=filters, **options)
    assert encode(plain) == _old(alice, month=month, filters=filters, **options)


@pytest.mark.parametrize(
    ('query', 'expected'),
    [
        ('month=2026-01', {'month': Month(2026, 1)}),
        (
            'month=2026-01&sort=-amount&limit=5&offset=1',
            {'month': Month(2026, 1), 'sort': '-amount', 'limit': 5, 'offset': 1},
        ),
        ('search=groceries', {'search': 'groceries'}),
        ('month=2031-05', {'month': Month(2031, 5)}),
    ],
)
async def test_the_api_answers_the_bytes_it_answered_before(user: User, query: str, expected: dict) -> None:
    t = await logged_in_alice(user)
    alice = t['alice']
    _world(alice, {name: value for name, value in t.items() if name != 'alice'})
    response = await user.http_client.get(f'/sysapi/expenses?{query}&key={API_KEY}')
    assert response.status_code == 200, response.text
    assert response.headers['content-type'] == 'application/json'
    search = expected.pop('search', None)
    if search:
        expected['filters'] = parse_filters(alice, {'search': search})
        expected['month'] = None
    assert response.content == _old(alice, **expected)
    if 'month=2026-01' in query and 'limit' not in query:
        listing = response.json()
        assert HOSTILE in [row['description'] for row in listing['expenses']]
        assert {row['rate_missing'] for row in listing['expenses']} == {True, False}


async def test_errors_stay_json_with_the_field_named(user: User) -> None:
    await logged_in_alice(user)
    for query, field in (('month=2026-13', 'month'), ('limit=0', 'limit'), ('sort=password', 'sort')):
        response = await user.http_client.get(f'/sysapi/expenses?{query}&key={API_KEY}')
        assert response.status_code == 422, response.text
        assert field in response.text


async def test_a_create_answers_the_bytes_it_answered_before(user: User) -> None:
    """`expense_create` writes its answer with orjson too: the bytes of ExpenseOkOut as pydantic wrote them."""
    from app.api.expenses import ExpenseOkOut

    t = await logged_in_alice(user)
    bob = make_user('bob')
    link(t['alice'], bob)
    body = {
        'amount': '1234.56',
        'date': '2026-01-15',
        'category_id': t['food'].id,
        'subcategory_id': t['groceries'].id,
        'payment_method_id': t['card'].id,
        'description': HOSTILE + ' 漢字 \u0001',
        'tags': 'one, <two>',
        'latitude': 48.85,
        'longitude': 2.35,
        'place': 'Marché',
        'currency': 'USD',
        'split': {'mode': 'shares', 'members': [t['alice'].id, bob.id], 'parts': [2, 1]},
    }
    response = await user.http_client.post(f'/sysapi/expense_create?key={API_KEY}', json=body)
    assert response.status_code == 200, response.text
    assert response.headers['content-type'] == 'application/json'
    created = response.json()['expense']
    assert created['description'].startswith(HOSTILE) and created['rate_missing'] is True
    assert created['split']['parts'] == [2.0, 1.0] and created['tags'] == ['<two>', 'one']
    expected = ExpenseOkOut(success=True, expense=expenses.get_expense(t['alice'], created['id']))
    assert response.content == TypeAdapter(ExpenseOkOut).dump_json(expected)


def test_cents_over_a_hundred_is_the_rounded_amount() -> None:
    """The listing writes an amount as `cents / 100` (no call per row) where the rest of the API writes
    `cents_to_number`, `round(cents / 100, 2)`: the same number for every amount an expense can hold (up to
    99,999,999.99, and any whole number of cents below 2**46)."""
    from app.services.money import cents_to_number

    samples = [*range(0, 300_000), *range(9_999_999_999 - 300_000, 10_000_000_000)]
    samples += [2**46 - 1, 2**45 + 12_345, 123_456_789_012, 70_368_744_177_663]
    assert [cents / 100 for cents in samples] == [cents_to_number(cents) for cents in samples]
