"""Expense rules: parsing, validation, month boundaries, ordering, search, sharing, undo."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from app.models import Expense
from app.services import expenses
from app.services.errors import Invalid, NotFound
from app.services.months import Month
from tests.builders import add, basics, link
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures('database')


@pytest.mark.parametrize(
    ('text', 'cents'),
    [
        ('12.5', 1250),
        ('12,50', 1250),
        ('1 234,56', 123456),
        ('50', 5000),
        (50, 5000),
        ('0.01', 1),
        ('1,234.56', 123456),
    ],
)
def test_amounts_people_type(alice, things, text, cents) -> None:
    assert add(alice, things, amount=text).amount_cents == cents


@pytest.mark.parametrize(
    ('text', 'message'),
    [
        ('0', 'more than zero'),
        ('-5', 'more than zero'),
        ('abc', 'not an amount'),
        ('1.234', 'more than two decimals'),
        ('99999999999', 'too large'),
        ('', 'Enter an amount'),
        (None, 'Enter an amount'),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(alice, things, text, message) -> None:
    with pytest.raises(Invalid, match=message) as error:
        add(alice, things, amount=text)
    assert error.value.field == 'amount'
    assert Expense.select().count() == 0


def test_create_returns_every_name(alice, things) -> None:
    expense = add(alice, things, subcategory_id=things['groceries'].id, description='  Market  ')
    assert expense.amount == 10.0 and expense.amount_cents == 1000
    assert expense.category == 'Food' and expense.subcategory == 'Groceries' and expense.payment_method == 'Card'
    assert expense.description == 'Market' and expense.created_by == 'alice' and expense.date == date(2026, 1, 15)
    assert expense.latitude is None and expense.category_color == '#f59e0b'
    assert expense == expenses.get_expense(alice, expense.id)


@time_machine.travel('2026-03-09 12:00:00', tick=False)
def test_date_defaults_to_today(alice, things) -> None:
    expense = add(alice, things, date='')
    assert expense.date == date(2026, 3, 9)


@pytest.mark.parametrize(
    ('fields', 'field'),
    [
        ({'date': '2026-02-30'}, 'date'),
        ({'date': '15/01/2026'}, 'date'),
        ({'category_id': ''}, 'category_id'),
        ({'category_id': 'x'}, 'category_id'),
        ({'category_id': 999}, 'category_id'),
        ({'payment_method_id': ''}, 'payment_method_id'),
        ({'payment_method_id': 999}, 'payment_method_id'),
        ({'description': 'x' * 501}, 'description'),
        ({'latitude': '91', 'longitude': '2'}, 'latitude'),
        ({'latitude': '45', 'longitude': '-180.5'}, 'longitude'),
        ({'latitude': 'nan', 'longitude': '2'}, 'latitude'),
        ({'latitude': 'inf', 'longitude': '2'}, 'latitude'),
        ({'latitude': '45'}, 'longitude'),
        ({'latitude': '', 'longitude': '3'}, 'latitude'),
        ({'place': 'p' * 121}, 'place'),
    ],
)
def test_bad_fields_name_the_field(alice, things, fields, field) -> None:
    with pytest.raises((Invalid, NotFound)) as error:
        add(alice, things, **fields)
    assert error.value.field == field
    assert Expense.select().count() == 0


def test_subcategory_must_belong_to_the_category(alice, things) -> None:
    with pytest.raises(Invalid, match='not a subcategory of') as error:
        add(alice, things, category_id=things['transport'].id, subcategory_id=things['groceries'].id)
    assert error.value.field == 'subcategory_id'
    # a subcategory sent as the category is filed under its parent
    expense = add(alice, things, category_id=things['restaurants'].id)
    assert (expense.category_id, expense.subcategory_id) == (things['food'].id, things['restaurants'].id)


def test_location_is_kept_rounded(alice, things) -> None:
    expense = add(alice, things, latitude='48,8566', longitude=2.3522, place='Paris')
    assert (expense.latitude, expense.longitude, expense.place) == (48.8566, 2.3522, 'Paris')


def test_update_changes_only_given_fields(alice, things) -> None:
    expense = add(alice, things, subcategory_id=things['groceries'].id, description='a', latitude=1, longitude=2)
    updated = expenses.update_expense(alice, expense.id, {'amount': '7,25'})
    assert (updated.amount_cents, updated.description) == (725, 'a')
    assert updated.subcategory_id == things['groceries'].id
    updated = expenses.update_expense(alice, expense.id, {'category_id': things['transport'].id})
    assert updated.category_id == things['transport'].id and updated.subcategory_id is None
    updated = expenses.update_expense(alice, expense.id, {'latitude': '', 'longitude': ''})
    assert updated.latitude is None and updated.longitude is None
    with pytest.raises(Invalid, match='longitude is missing'):
        expenses.update_expense(alice, expense.id, {'latitude': 3})  # a latitude alone is not a place
    assert expenses.update_expense(alice, expense.id, {'latitude': 3, 'longitude': 4}).longitude == 4
    assert expenses.update_expense(alice, expense.id, {'latitude': 5}).latitude == 5  # the longitude stays
    with pytest.raises(Invalid):
        expenses.update_expense(alice, expense.id, {'amount': '0'})
    assert Expense.get_by_id(expense.id).amount_cents == 725


def test_month_boundaries_and_order(alice, things) -> None:
    add(alice, things, date='2025-12-31', amount=1)
    first = add(alice, things, date='2026-01-01', amount=2)
    same_day_a = add(alice, things, date='2026-01-31', amount=3)
    same_day_b = add(alice, things, date='2026-01-31', amount=4)
    add(alice, things, date='2026-02-01', amount=5)
    result = expenses.list_expenses(alice, Month(2026, 1))
    assert [e.id for e in result.expenses] == [same_day_b.id, same_day_a.id, first.id]
    assert result.count == 3 and result.total_cents == 900
    oldest = expenses.list_expenses(alice, Month(2026, 1), sort='date')
    assert [e.id for e in oldest.expenses] == [first.id, same_day_a.id, same_day_b.id]
    by_amount = expenses.list_expenses(alice, Month(2026, 1), sort='-amount')
    assert [e.amount_cents for e in by_amount.expenses] == [400, 300, 200]
    assert expenses.list_expenses(alice, None).count == 5


def test_pagination_keeps_totals(alice, things) -> None:
    for day in range(1, 11):
        add(alice, things, date=f'2026-01-{day:02d}', amount=day)
    page = expenses.list_expenses(alice, Month(2026, 1), offset=4, limit=3)
    assert [e.date.day for e in page.expenses] == [6, 5, 4]
    assert page.count == 10 and page.total_cents == 5500
    with pytest.raises(Invalid):
        expenses.list_expenses(alice, Month(2026, 1), offset=-1)
    with pytest.raises(Invalid, match='cannot be sorted') as error:
        expenses.list_expenses(alice, Month(2026, 1), sort='password')
    assert error.value.field == 'sort'


def test_search_matches_text_names_and_amounts(alice, things) -> None:
    add(alice, things, description='Bread 100%', amount='3.20')
    add(alice, things, category_id=things['transport'].id, amount='45.00')
    add(alice, things, payment_method_id=things['cash'].id, amount='8')
    month = Month(2026, 1)
    assert [e.description for e in expenses.list_expenses(alice, month, search='bread').expenses] == ['Bread 100%']
    assert expenses.list_expenses(alice, month, search='transPORT').count == 1
    assert expenses.list_expenses(alice, month, search='cash').count == 1
    assert expenses.list_expenses(alice, month, search='45').count == 1
    assert expenses.list_expenses(alice, month, search='%').count == 1  # a wildcard is plain text
    assert expenses.list_expenses(alice, month, search='alice').count == 3


def test_linked_users_share_and_strangers_get_404(alice, things) -> None:
    bob, eve = make_user('bob'), make_user('eve')
    link(alice, bob)
    mine = add(alice, things, description='mine')
    theirs = add(bob, things, description='bob paid')
    month = Month(2026, 1)
    assert {e.created_by for e in expenses.list_expenses(alice, month).expenses} == {'alice', 'bob'}
    assert [e.id for e in expenses.list_expenses(alice, month, scope='mine').expenses] == [mine.id]
    assert expenses.update_expense(alice, theirs.id, {'description': 'edited by alice'}).owner_id == bob.id
    assert expenses.list_expenses(eve, month).count == 0
    for action in (
        lambda: expenses.get_expense(eve, mine.id),
        lambda: expenses.update_expense(eve, mine.id, {'amount': 1}),
        lambda: expenses.delete_expense(eve, mine.id),
    ):
        with pytest.raises(NotFound):
            action()
    eve_things = basics(eve)
    with pytest.raises(NotFound) as error:
        add(eve, eve_things, category_id=things['food'].id)
    assert error.value.field == 'category_id'
    assert Expense.get_by_id(mine.id).amount_cents == 1000


def test_delete_then_undo(alice, things) -> None:
    expense = add(alice, things, subcategory_id=things['groceries'].id, description='undo me', latitude=1, longitude=2)
    snapshot = expenses.delete_expense(alice, expense.id)
    assert Expense.select().count() == 0
    with pytest.raises(NotFound):
        expenses.delete_expense(alice, expense.id)
    restored = expenses.restore_expense(alice, snapshot)
    assert restored.id == expense.id and restored.description == 'undo me' and restored.latitude == 1
    assert restored.subcategory_id == things['groceries'].id and restored.amount_cents == 1000


def test_last_choices_follow_the_last_expense(alice, things) -> None:
    assert expenses.last_choices(alice) == expenses.LastChoices()
    add(alice, things, category_id=things['transport'].id, payment_method_id=things['cash'].id)
    assert expenses.last_choices(alice) == expenses.LastChoices(
        category_id=things['transport'].id, subcategory_id=None, payment_method_id=things['cash'].id
    )


def test_bad_ids(alice, things) -> None:
    for value in ('abc', '-1', '0', 2**70, True, '1.5'):
        with pytest.raises(Invalid) as error:
            expenses.get_expense(alice, value)
        assert error.value.field == 'id'
