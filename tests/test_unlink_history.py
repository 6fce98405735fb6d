"""Issue 20, item 5: unlinking keeps the history. What two people owed each other when they unlinked is shown to
both and kept, whatever happens next in their new households; no expense, split or settlement is lost or
changes amount; what they shared cannot be changed or deleted any more; linking again brings the balance back
into the household."""

from __future__ import annotations

import pytest

from app.models import Expense, ExpenseShare, ExpenseSplit, Settlement
from app.services import balances, expenses, links
from app.services.errors import Conflict
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


def snapshot() -> tuple:
    """Every expense, split, share and settlement as stored."""

    def rows(model) -> list[tuple]:
        return [tuple(sorted(row.items())) for row in model.select().order_by(model.id).dicts()]

    return rows(Expense), rows(ExpenseSplit), rows(ExpenseShare), rows(Settlement)


def former(user) -> list[tuple[str, int]]:
    return [(pair.username, pair.balance_cents) for pair in balances.balances(user).former]


def test_unlinking_keeps_every_cent_and_shows_the_balance_to_both() -> None:
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    link(alice, bob)
    alices, bobs = basics(alice), basics(bob)
    both = {'mode': 'equal', 'members': [alice.id, bob.id]}
    dinner = add(alice, alices, '60.00', '2026-01-05', split=both)
    add(bob, bobs, '40.00', '2026-01-06', split=both)
    add(alice, alices, '9.99', '2026-01-07')  # just hers
    balances.create_settlement(bob, bob.id, alice.id, '4', '2026-01-08')
    assert {m.username: m.balance_cents for m in balances.balances(alice).members} == {'alice': 600, 'bob': -600}
    before = snapshot()

    links.unlink(bob, 'alice')
    assert snapshot() == before  # nothing lost, nothing changed
    assert former(alice) == [('bob', 600)] and former(bob) == [('alice', -600)]
    assert [m.username for m in balances.balances(alice).members] == ['alice']
    assert expenses.list_expenses(alice, None).total_cents == 6999  # her own, whole
    assert expenses.list_expenses(bob, None).total_cents == 4000

    # a new household for bob does not touch what he owes alice
    link(bob, carol)
    add(bob, bobs, '30.00', '2026-02-01', split={'mode': 'equal', 'members': [bob.id, carol.id]})
    balances.create_settlement(carol, carol.id, bob.id, '5', '2026-02-02')
    assert former(alice) == [('bob', 600)] and former(bob) == [('alice', -600)]
    assert {m.username: m.balance_cents for m in balances.balances(bob).members} == {'bob': 1000, 'carol': -1000}

    # what alice and bob shared is kept as it was
    with pytest.raises(Conflict):
        expenses.update_expense(alice, dinner.id, {'amount': '70.00'})
    with pytest.raises(Conflict):
        expenses.delete_expense(alice, dinner.id)
    assert Expense.get_by_id(dinner.id).amount_cents == 6000

    # a settlement between former links moves that balance, and can be undone
    partial = balances.create_settlement(bob, bob.id, alice.id, '2.50')
    assert former(alice) == [('bob', 350)] and former(bob) == [('alice', -350)]
    balances.delete_settlement(alice, partial.id)
    assert former(alice) == [('bob', 600)]

    # linked again, the balance is the household's again
    link(alice, bob)
    view = balances.balances(alice)
    assert view.former == ()
    assert {m.username: m.balance_cents for m in view.members} == {'alice': 600, 'bob': -600}
    assert [(t.from_username, t.to_username, t.amount_cents) for t in view.suggestions] == [('bob', 'alice', 600)]
