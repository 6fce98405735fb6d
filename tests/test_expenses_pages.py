"""The expenses page through NiceGUI's simulated user: add, edit, delete and undo, filter, months."""

from __future__ import annotations

import time_machine
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from app.models import Expense
from tests.builders import add, basics, link
from tests.conftest import api_login, make_user
from tests.page_steps import open_page
from tests.polling import until


def _table(user: User) -> ui.table:
    return user.find(marker='expenses-table').elements.pop()


def _labels(user: User, marker: str) -> str:
    return user.find(marker=marker).elements.pop().text


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_add_an_expense_with_enter(user: User) -> None:
    t = await open_page(user, '/expenses')
    await user.should_see('No expenses this month')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    dialog_date = user.find(marker='expense-date').elements.pop()
    assert dialog_date.value == '2026-01-20'
    user.find(marker='expense-amount').type('1 234,5')
    user.find(marker='expense-category').elements.pop().value = t['food'].id
    subcategory = user.find(marker='expense-subcategory').elements.pop()
    assert set(subcategory.options) == {t['groceries'].id, t['restaurants'].id}
    subcategory.value = t['groceries'].id
    user.find(marker='expense-payment-method').elements.pop().value = t['cash'].id
    user.find(marker='expense-description').type('Weekly shop').trigger('keydown.enter')
    await user.should_see('Expense added.')
    expense = Expense.get()
    assert (expense.amount_cents, expense.subcategory_id, expense.payment_method_id) == (
        123450,
        t['groceries'].id,
        t['cash'].id,
    )
    rows = _table(user).rows
    assert [r['description'] for r in rows] == ['Weekly shop']
    assert rows[0]['category_text'] == 'Food › Groceries' and rows[0]['created_by'] == 'alice'
    assert _labels(user, 'month-count') == '1'
    assert _labels(user, 'month-total') == '1\u202f234,50\u00a0€'

    await user.should_not_see(marker='expense-dialog')  # closed and gone

    # the next expense starts from the last category and payment method
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    assert user.find(marker='expense-category').elements.pop().value == t['food'].id
    assert user.find(marker='expense-payment-method').elements.pop().value == t['cash'].id


async def test_bad_amount_keeps_the_dialog_open(user: User) -> None:
    t = await open_page(user, '/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-amount').type('12.345')
    user.find(marker='expense-category').elements.pop().value = t['food'].id
    user.find(marker='expense-payment-method').elements.pop().value = t['card'].id
    user.find(marker='save-expense').click()
    await user.should_see('more than two decimals')
    assert user.find(marker='expense-amount').elements.pop().error.startswith('The amount has more than two')
    assert Expense.select().count() == 0
    amount = user.find(marker='expense-amount').clear().type('0')
    user.find(marker='save-expense').click()
    await user.should_see('more than zero')
    amount.clear().type('12')
    user.find(marker='expense-category').elements.pop().value = None
    user.find(marker='save-expense').click()
    await user.should_see('Choose a category')
    assert Expense.select().count() == 0


async def test_edit_from_the_table(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    expense = add(alice, t, amount='10', description='old', subcategory_id=t['groceries'].id)
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    row = _table(user).rows[0]
    user.find(marker='expenses-table').trigger('edit', row)
    await user.should_see(marker='expense-dialog')
    assert user.find(marker='expense-amount').elements.pop().value == '10,00'
    user.find(marker='expense-amount').clear().type('11,5')
    subcategory = user.find(marker='expense-subcategory').elements.pop()
    assert subcategory.value == t['groceries'].id
    user.find(marker='expense-category').elements.pop().value = t['transport'].id
    assert subcategory.value is None and not subcategory.visible  # Transport has no subcategories
    user.find(marker='save-expense').click()
    await user.should_see('Expense saved.')
    await user.should_not_see(marker='expense-dialog')
    expense = Expense.get_by_id(expense.id)
    assert (expense.amount_cents, expense.category_id, expense.subcategory_id) == (1150, t['transport'].id, None)
    assert _table(user).rows[0]['category_text'] == 'Transport'


async def test_delete_confirm_and_undo(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    expense = add(alice, t, description='coffee')
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    table = user.find(marker='expenses-table')
    table.trigger('delete', _table(user).rows[0])
    await user.should_see('Delete this expense?')
    user.find(marker='cancel-delete').click()
    await user.should_not_see('Delete this expense?')
    assert Expense.select().count() == 1

    table.trigger('delete', _table(user).rows[0])
    await user.should_see(marker='confirm-delete-yes')
    user.find(marker='confirm-delete-yes').click()
    await until(lambda: _table(user).rows == [])
    assert Expense.select().count() == 0
    UserInteraction(user, {user.client.layout}, None).trigger('undo_expense_delete')
    await user.should_see('Expense restored.')
    restored = Expense.get()
    assert (restored.id, restored.description) == (expense.id, 'coffee')
    assert [r['id'] for r in _table(user).rows] == [expense.id]


async def test_filter_sort_and_pages(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    for day in range(1, 29):
        add(alice, t, date=f'2026-01-{day:02d}', amount=day, description='bus' if day % 7 == 0 else f'item {day}')
    bob = make_user('bob')
    link(alice, bob)
    add(bob, t, date='2026-01-15', amount='500', description='bob rent')
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    table = _table(user)
    assert len(table.rows) == 25 and table.rows[0]['date'] == '2026-01-28'  # one page of 25
    assert table.pagination['rowsNumber'] == 29
    user.find(marker='expense-search').type('bus')
    await until(lambda: len(_table(user).rows) == 4)
    assert [r['description'] for r in _table(user).rows] == ['bus'] * 4
    assert _labels(user, 'month-count') == '4'
    user.find(marker='expense-search').clear()
    await until(lambda: len(_table(user).rows) == 25)
    user.find(marker='expenses-table').trigger(
        'request', {'pagination': {'sortBy': 'amount', 'descending': True, 'page': 2, 'rowsPerPage': 10}}
    )
    await until(lambda: len(_table(user).rows) == 10)
    rows = _table(user).rows
    assert [r['amount_cents'] for r in rows] == [1900 - 100 * i for i in range(10)]
    assert _table(user).pagination == {
        'sortBy': 'amount',
        'descending': True,
        'page': 2,
        'rowsPerPage': 10,
        'rowsNumber': 29,
    }
    user.find(marker='expense-search').type('bob')
    await until(lambda: [r['created_by'] for r in _table(user).rows] == ['bob'])
    user.find(marker='expense-scope').elements.pop().value = 'mine'
    await until(lambda: _table(user).rows == [])
    user.find(marker='expense-search').clear()
    await until(lambda: len(_table(user).rows) == 10)
    assert _table(user).pagination['rowsNumber'] == 28
    assert {r['created_by'] for r in _table(user).rows} == {'alice'}


async def test_month_navigation(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    add(alice, t, date='2025-12-31', description='december')
    add(alice, t, date='2026-01-01', description='january')
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    await user.should_see('January 2026')
    await user.should_not_see(marker='expense-scope')  # nobody linked: nothing to choose
    assert [r['description'] for r in _table(user).rows] == ['january']
    user.find(marker='month-previous').click()
    await user.should_see('December 2025')
    await until(lambda: [r['description'] for r in _table(user).rows] == ['december'])  # the label comes first
    user.find(marker='month-next').click()
    await user.should_see('January 2026')
    user.find(marker='month-next').click()
    await user.should_see('February 2026')
    await until(lambda: _table(user).rows == [])
    await user.open('/expenses?month=nonsense')
    await user.should_see('not a month')


async def test_export_from_the_page(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    add(alice, t, description='exported')
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    files = []
    # NiceGUI's simulated download fetches a local path as a URL; record the file the page offers instead
    user.download.file = lambda path, filename=None, media_type='': files.append((path, filename))
    user.find(marker='export-csv').click()
    user.find(marker='export-xlsx-all').click()
    await until(lambda: len(files) == 2)
    assert [name for _, name in sorted(files, key=lambda f: str(f[1]))] == ['expenses-2026-01.csv', 'expenses-all.xlsx']
    text = {name: path for path, name in files}['expenses-2026-01.csv'].read_text()
    assert text.startswith('date,amount,category') and 'exported' in text
