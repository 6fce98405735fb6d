"""Issue 20 through NiceGUI's simulated user: the Household page (balances, the suggestion, record a
settlement and undo it, former links, the default split) and the split line of the expense form."""

from __future__ import annotations

import pytest
import time_machine
from nicegui.testing import User

from app.models import ExpenseSplit, Settlement
from app.services import balances, links, splits
from tests.builders import add, basics, link
from tests.conftest import api_login, make_user
from tests.page_steps import one, press_undo, record_undo_toasts
from tests.polling import until

HOSTILE = '<img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


def _couple():
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    return alice, bob, basics(alice)


def _text(user: User, marker: str) -> str:
    return one(user, marker).text


async def test_the_household_page_shows_balances_and_records_a_partial_settlement(user: User, monkeypatch) -> None:
    alice, bob, things = _couple()
    add(alice, things, '50.00', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    await api_login(user, 'bob')
    await user.open('/household')
    toasts = record_undo_toasts(monkeypatch, 'app.pages.household')
    await user.should_see(marker='household-members')
    assert _text(user, f'balance-{alice.id}') == '25,00\u00a0€'
    assert _text(user, f'balance-{bob.id}') == '-25,00\u00a0€'
    assert _text(user, 'suggestion-0') == 'bob pays 25,00\u00a0€ to alice'

    user.find(marker='record-suggestion-0').click()
    await user.should_see(marker='settlement-dialog')
    assert one(user, 'settlement-amount').value == '25,00'
    one(user, 'settlement-amount').value = '10'
    user.find(marker='save-settlement').click()
    await until(lambda: Settlement.select().count() == 1)
    await until(lambda: _text(user, f'balance-{bob.id}') == '-15,00\u00a0€')
    await until(lambda: toasts)
    assert toasts[-1][0] == 'Settlement recorded.'

    await press_undo(user, toasts)  # undo the record
    await until(lambda: Settlement.select().count() == 0)
    await until(lambda: _text(user, f'balance-{bob.id}') == '-25,00\u00a0€')

    user.find(marker='record-suggestion-0').click()
    await user.should_see(marker='settlement-dialog')
    user.find(marker='save-settlement').click()
    await until(lambda: Settlement.select().count() == 1)
    await user.should_see(marker='settled-up')
    await until(lambda: _text(user, f'balance-{bob.id}') == '0,00\u00a0€')
    settlement = Settlement.get()
    user.find(marker=f'delete-settlement-{settlement.id}').click()
    await until(lambda: Settlement.select().count() == 0)
    await until(lambda: toasts[-1][0] == 'Settlement undone.')
    await press_undo(user, toasts)  # and bring it back
    await until(lambda: Settlement.select().count() == 1)


async def test_bad_settlements_show_the_problem_and_record_nothing(user: User) -> None:
    alice, bob, things = _couple()
    await api_login(user, 'alice')
    await user.open('/household')
    user.find(marker='record-settlement').click()
    await user.should_see(marker='settlement-dialog')
    one(user, 'settlement-from').value = alice.id
    one(user, 'settlement-to').value = alice.id
    one(user, 'settlement-amount').value = HOSTILE
    user.find(marker='save-settlement').click()
    await until(lambda: one(user, 'settlement-amount').error)
    assert HOSTILE in one(user, 'settlement-amount').error  # as text, in the field's message
    assert Settlement.select().count() == 0
    one(user, 'settlement-amount').value = '4'
    user.find(marker='save-settlement').click()
    await until(lambda: one(user, 'settlement-to').error)
    assert Settlement.select().count() == 0


async def test_names_are_text_and_former_links_keep_their_balance(user: User) -> None:
    alice, bob, things = _couple()
    add(alice, things, '30.00', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    links.unlink(alice, 'bob')
    await api_login(user, 'alice')
    await user.open('/household')
    await user.should_see(marker='household-former')
    assert _text(user, f'former-{bob.id}') == 'bob owes you 15,00\u00a0€'
    await api_login(user, 'bob')
    await user.open('/household')
    assert _text(user, f'former-{alice.id}') == 'You owe alice 15,00\u00a0€'


async def test_alone_the_page_says_how_to_start(user: User) -> None:
    make_user('alice')
    await api_login(user)
    await user.open('/household')
    await user.should_see(marker='household-empty')
    await user.should_see('You share with nobody yet.')


async def test_the_default_split_is_chosen_on_the_page(user: User) -> None:
    alice, bob, things = _couple()
    await api_login(user, 'alice')
    await user.open('/household')
    one(user, 'default-split').value = 'equal'
    await until(lambda: splits.default_split(alice.id) == 'equal')


async def test_the_expense_form_says_the_split_in_one_line_and_saves_it(user: User) -> None:
    alice, bob, things = _couple()
    splits.set_default_split(alice, 'equal')
    await api_login(user, 'alice')
    await user.open('/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-amount').type('50')
    await until(lambda: _text(user, 'split-summary') == 'Split equally with bob, 25,00\u00a0€ each')
    user.find(marker='split-details').click()
    one(user, 'split-mode').value = 'shares'
    one(user, f'split-part-{alice.id}').value = '1'
    one(user, f'split-part-{bob.id}').value = '4'
    await until(lambda: _text(user, 'split-summary') == 'Paid by alice, shared: alice 10,00\u00a0€, bob 40,00\u00a0€')
    one(user, 'expense-category').value = things['food'].id
    one(user, 'expense-payment-method').value = things['card'].id
    user.find(marker='save-expense').click()
    await until(lambda: ExpenseSplit.select().count() == 1)
    view = balances.balances(alice)
    assert {m.username: m.balance_cents for m in view.members} == {'alice': 4000, 'bob': -4000}


async def test_editing_shows_the_saved_split_and_keeps_it(user: User) -> None:
    alice, bob, things = _couple()
    row = add(alice, things, '20.00', paid_by=bob.id, split={'mode': 'equal', 'members': [alice.id, bob.id]})
    await api_login(user, 'alice')
    await user.open('/expenses?month=2026-01')
    await until(lambda: user.find(marker='expenses-table').elements.pop().rows)
    table_row = user.find(marker='expenses-table').elements.pop().rows[0]
    user.find(marker='expenses-table').trigger('edit', table_row)
    await user.should_see(marker='expense-dialog')
    assert _text(user, 'split-summary') == 'Paid by bob, split equally between alice, bob, 10,00\u00a0€ each'
    user.find(marker='expense-description').type('with bob')
    user.find(marker='save-expense').click()
    await until(lambda: splits.with_split(_row(alice, row.id)).description == 'with bob')
    assert _row(alice, row.id).paid_by == bob.id
    assert [s.amount_cents for s in _row(alice, row.id).split.shares] == [1000, 1000]


def _row(user, expense_id):
    from app.services import expenses

    return expenses.get_expense(user, expense_id)
