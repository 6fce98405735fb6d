"""The expense form through NiceGUI's simulated user: saving is safe to repeat, a far-ahead date asks
first, and the pickers show a name linked users share once."""

from __future__ import annotations

import threading

import pytest
import time_machine
from nicegui.testing import User

from app.models import Category, Expense, PaymentMethod
from app.services import categories, payment_methods
from app.services import expenses as expense_service
from tests.builders import add, basics, link
from tests.conftest import api_login, make_user
from tests.page_steps import open_page
from tests.polling import until
from tests.test_expenses_pages import _labels, _table


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


async def _open_form(user: User, path: str = '/expenses?month=2026-01') -> dict:
    world = await open_page(user, path)
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    return world


def _fill(user: User, t: dict, amount: str = '12,50', day: str | None = None) -> None:
    user.find(marker='expense-amount').type(amount)
    if day is not None:
        user.find(marker='expense-date').elements.pop().value = day
    user.find(marker='expense-category').elements.pop().value = t['food'].id
    user.find(marker='expense-payment-method').elements.pop().value = t['card'].id


async def test_double_click_and_double_enter_record_one_expense(user: User) -> None:
    t = await _open_form(user)
    _fill(user, t)
    save = user.find(marker='save-expense')
    save.click()
    save.click()  # the second click lands before the first save has even started
    user.find(marker='expense-amount').trigger('keydown.enter').trigger('keydown.enter')
    await user.should_see('Expense added.')
    await user.should_not_see(marker='expense-dialog')
    await until(lambda: len(_table(user).rows) == 1)
    assert Expense.select().count() == 1
    assert _labels(user, 'month-count') == '1'


async def test_save_is_disabled_while_it_runs(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    t = await _open_form(user)
    _fill(user, t)
    release = threading.Event()
    calls: list[str | None] = []
    real_create = expense_service.create_expense

    def slow_create(account, values, request_id=None):
        calls.append(request_id)
        release.wait(5)
        return real_create(account, values, request_id=request_id)

    monkeypatch.setattr(expense_service, 'create_expense', slow_create)
    button = user.find(marker='save-expense').elements.pop()
    user.find(marker='save-expense').click()
    await until(lambda: not button.enabled)  # disabled while the save runs
    user.find(marker='save-expense').click()  # a disabled button: nothing happens
    user.find(marker='expense-description').trigger('keydown.enter')  # Enter meanwhile: ignored
    release.set()
    await user.should_see('Expense added.')
    await user.should_not_see(marker='expense-dialog')
    assert len(calls) == 1 and calls[0]  # one call, carrying the dialog's request id
    assert Expense.select().count() == 1 and Expense.get().request_id == calls[0]


async def test_a_refused_save_keeps_the_request_id_and_saves_once_fixed(user: User) -> None:
    t = await _open_form(user)
    _fill(user, t, amount='0')
    user.find(marker='save-expense').click()
    await user.should_see('more than zero')
    assert user.find(marker='save-expense').elements.pop().enabled  # usable again after a refusal
    user.find(marker='expense-amount').clear().type('3')
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    assert Expense.select().count() == 1


async def test_a_date_more_than_a_year_ahead_asks_first(user: User) -> None:
    t = await _open_form(user)
    _fill(user, t, day='2062-01-15')  # 2026 typed as 2062
    user.find(marker='save-expense').click()
    await user.should_see('Save this expense on 15 January 2062?')
    await user.should_see('more than a year after today (20 January 2026)')
    user.find(marker='far-ahead-fix').click()
    await user.should_not_see(marker='far-ahead-dialog')
    await user.should_see(marker='expense-dialog')  # back to the form to fix the date
    assert Expense.select().count() == 0

    user.find(marker='save-expense').click()
    await user.should_see(marker='far-ahead-dialog')
    user.find(marker='far-ahead-save').click()
    await user.should_see('Expense added.')
    await user.should_not_see(marker='expense-dialog')
    assert str(Expense.get().date) == '2062-01-15'
    # the page follows the expense to its month: label, address and table agree
    await user.should_see('January 2062')
    assert [r['date'] for r in _table(user).rows] == ['2062-01-15']


async def test_a_date_within_a_year_saves_without_asking(user: User) -> None:
    t = await _open_form(user)
    _fill(user, t, day='2027-01-20')  # exactly a year ahead
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    await user.should_not_see(marker='far-ahead-dialog')
    assert Expense.select().count() == 1


async def test_names_linked_users_share_appear_once_for_the_chooser(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    mine = basics(alice)
    theirs = basics(bob)  # bob also has Food (Groceries, Restaurants), Transport, Card, Cash
    link(alice, bob)
    pets = categories.create_category(bob, 'Pets')
    cheque = payment_methods.create_payment_method(bob, 'Cheque')
    foods = categories.create_category(bob, 'Foods')  # a different name, however close
    filed = add(bob, theirs, description='bob at the market')  # under bob's own Food and Card
    await api_login(user)
    await user.open('/expenses?month=2026-01')

    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    category = user.find(marker='expense-category').elements.pop()
    assert category.options == {
        mine['food'].id: 'Food',
        foods.id: 'Foods',
        pets.id: 'Pets',
        mine['transport'].id: 'Transport',
    }
    method = user.find(marker='expense-payment-method').elements.pop()
    assert method.options == {mine['card'].id: 'Card', mine['cash'].id: 'Cash', cheque.id: 'Cheque'}
    category.value = mine['food'].id
    subcategory = user.find(marker='expense-subcategory').elements.pop()
    assert set(subcategory.options) == {mine['groceries'].id, mine['restaurants'].id}
    user.find(marker='cancel-expense').click()

    # editing bob's expense keeps its own (bob's) Food and Card, each still shown once
    user.find(marker='expenses-table').trigger('edit', _table(user).rows[0])
    await user.should_see('Edit the expense')
    # (a cancelled dialog is deleted by the browser's hide event, which the simulation has not: take the newest)
    category = max(user.find(marker='expense-category').elements, key=lambda e: e.id)
    assert category.value == theirs['food'].id and list(category.options.values()).count('Food') == 1
    method = max(user.find(marker='expense-payment-method').elements, key=lambda e: e.id)
    assert method.value == theirs['card'].id and list(method.options.values()).count('Card') == 1
    assert (
        Category.get_by_id(filed.category_id).owner_id,
        PaymentMethod.get_by_id(filed.payment_method_id).owner_id,
    ) == (
        bob.id,
        bob.id,
    )
