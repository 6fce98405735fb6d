"""A create may carry the client's request id: a replay returns the first expense and records nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.db import db
from app.migrations import run_migrations
from app.models import Expense
from app.services import expenses
from app.services.errors import Invalid
from tests.builders import link
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures('database')


def _data(things: dict, amount: str = '12.50', description: str = 'bread') -> dict:
    return {
        'amount': amount,
        'date': '2026-01-15',
        'category_id': things['food'].id,
        'payment_method_id': things['card'].id,
        'description': description,
    }


def test_a_replay_returns_the_first_expense(alice, things) -> None:
    first = expenses.create_expense(alice, _data(things), request_id='c0ffee-1')
    again = expenses.create_expense(alice, _data(things), request_id='c0ffee-1')
    assert again.id == first.id and Expense.select().count() == 1
    # a reused id with another body is still the first expense (documented: one id per new expense)
    other = expenses.create_expense(alice, _data(things, '99', 'other'), request_id='c0ffee-1')
    assert (other.id, other.amount_cents, other.description) == (first.id, 1250, 'bread')
    assert Expense.select().count() == 1
    # without an id, or with another one, each call records an expense
    expenses.create_expense(alice, _data(things))
    expenses.create_expense(alice, _data(things), request_id='c0ffee-2')
    expenses.create_expense(alice, _data(things), request_id='  ')
    assert Expense.select().count() == 4


def test_the_id_belongs_to_its_user(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    mine = expenses.create_expense(alice, _data(things), request_id='same')
    theirs = expenses.create_expense(bob, _data(things), request_id='same')
    assert mine.id != theirs.id and (mine.owner_id, theirs.owner_id) == (alice.id, bob.id)


def test_a_refused_create_keeps_the_id_free(alice, things) -> None:
    with pytest.raises(Invalid):
        expenses.create_expense(alice, _data(things, amount='0'), request_id='retry-me')
    fixed = expenses.create_expense(alice, _data(things), request_id='retry-me')
    assert fixed.amount_cents == 1250 and Expense.select().count() == 1


@pytest.mark.parametrize('bad', ['has space', 'x' * 101, '<script>', True, 1.5, ['a']])
def test_bad_request_ids_are_refused(alice, things, bad) -> None:
    with pytest.raises(Invalid) as refused:
        expenses.create_expense(alice, _data(things), request_id=bad)
    assert refused.value.field == 'request_id' and 'UUID' in refused.value.message
    assert Expense.select().count() == 0


def test_two_racing_replays_give_one_row(alice, things, monkeypatch) -> None:
    """Both threads look first and find nothing, then both insert: the unique index lets one through and
    the other answers with the row the first made."""
    looked = threading.Barrier(2, timeout=10)
    real_lookup = expenses._created_by_request
    first_looks: set[int] = set()
    looks: list[bool] = []

    def lookup_then_wait(user, key):
        found = real_lookup(user, key)
        looks.append(found is not None)
        if threading.get_ident() not in first_looks:
            first_looks.add(threading.get_ident())
            looked.wait()  # both have missed before either inserts
        return found

    monkeypatch.setattr(expenses, '_created_by_request', lookup_then_wait)

    def create():
        try:
            return expenses.create_expense(alice, _data(things), request_id='race').id
        finally:
            db.close()  # each worker thread has its own connection

    with ThreadPoolExecutor(2) as pool:
        ids = list(pool.map(lambda _: create(), range(2)))
    assert ids[0] == ids[1]
    assert Expense.select().count() == 1
    assert sorted(looks) == [False, False, True]  # the loser's insert was refused and it found the winner's


def test_undo_keeps_the_id(alice, things) -> None:
    first = expenses.create_expense(alice, _data(things), request_id='undo-me')
    snapshot = expenses.delete_expense(alice, first.id)
    restored = expenses.restore_expense(alice, snapshot)
    assert expenses.create_expense(alice, _data(things), request_id='undo-me').id == restored.id
    assert Expense.select().count() == 1


def test_an_older_database_gets_the_column_and_the_unique_index(alice, things) -> None:
    db.execute_sql('DROP INDEX expense_owner_id_request_id')
    db.execute_sql('ALTER TABLE expense DROP COLUMN request_id')
    db.execute_sql('DELETE FROM schema_version WHERE version >= 6')
    assert run_migrations()[0] == '6: expense request ids'  # then any later ones, which are no-ops here
    assert 'request_id' in {c.name for c in db.get_columns('expense')}
    unique = {i.name: i for i in db.get_indexes('expense')}['expense_owner_id_request_id']
    assert unique.unique and unique.columns == ['owner_id', 'request_id']
    first = expenses.create_expense(alice, _data(things), request_id='after-migration')
    assert expenses.create_expense(alice, _data(things), request_id='after-migration').id == first.id
