"""Bulk actions on a selection of expenses (issue 18): all or nothing, through the one-expense rules."""

from __future__ import annotations

import pytest

from app.models import Expense
from app.services import expense_bulk, expenses
from app.services.errors import Conflict, Invalid, NotFound
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


def test_refile_retag_delete_and_restore_many(alice, things) -> None:
    ids = [add(alice, things, description=f'e{n}', tags=['old']).id for n in range(3)]
    assert expense_bulk.refile(alice, ids, {'payment_method_id': things['cash'].id}) == 3
    assert {expenses.get_expense(alice, i).payment_method_id for i in ids} == {things['cash'].id}
    assert expense_bulk.refile(alice, ids[:1], {'category_id': things['restaurants'].id}) == 1
    moved = expenses.get_expense(alice, ids[0])
    assert (moved.category_id, moved.subcategory_id) == (things['food'].id, things['restaurants'].id)
    assert expense_bulk.retag(alice, ids, add=['new', 'Trip'], remove=['old']) == 3
    assert {expenses.get_expense(alice, i).tags for i in ids} == {('new', 'Trip')}
    snapshots = expense_bulk.delete(alice, ids)
    assert Expense.select().count() == 0
    assert expense_bulk.restore(alice, snapshots) == 3
    assert {expenses.get_expense(alice, i).tags for i in ids} == {('new', 'Trip')}


def test_one_foreign_id_refuses_the_whole_action(alice, things) -> None:
    eve = make_user('eve')
    theirs = add(eve, basics(eve), description='eve')
    mine = add(alice, things, description='mine')
    for action in (
        lambda: expense_bulk.refile(alice, [mine.id, theirs.id], {'payment_method_id': things['cash'].id}),
        lambda: expense_bulk.retag(alice, [mine.id, theirs.id], add=['x']),
        lambda: expense_bulk.delete(alice, [mine.id, theirs.id]),
    ):
        with pytest.raises(NotFound):
            action()
    assert expenses.get_expense(alice, mine.id).tags == () and Expense.select().count() == 2
    assert expenses.get_expense(alice, mine.id).payment_method_id == things['card'].id


def test_a_bad_choice_changes_nothing(alice, things) -> None:
    ids = [add(alice, things).id, add(alice, things).id]
    with pytest.raises(Invalid):
        expense_bulk.refile(alice, ids, {'category_id': 'x'})
    with pytest.raises(Invalid):
        expense_bulk.refile(alice, ids, {})
    with pytest.raises(Invalid):
        expense_bulk.retag(alice, ids)
    with pytest.raises(Invalid):
        expense_bulk.delete(alice, [])
    with pytest.raises(Invalid):
        expense_bulk.delete(alice, list(range(1, 1002)))
    assert all(expenses.get_expense(alice, i).category_id == things['food'].id for i in ids)


def test_in_a_chain_a_shared_expense_cannot_be_retagged_by_the_outsider(alice, things) -> None:
    bob, carol = make_user('bob'), make_user('carol')
    link(alice, bob)
    link(bob, carol)
    bobs = add(bob, basics(bob))
    with pytest.raises(Conflict):
        expense_bulk.retag(alice, [bobs.id], add=['x'])
    assert expense_bulk.retag(bob, [bobs.id], add=['x']) == 1
