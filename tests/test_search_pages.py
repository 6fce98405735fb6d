"""The Expenses page's search, filters, tags and bulk actions, and Settings › Tags, through NiceGUI's simulated
user (issue 18)."""

from __future__ import annotations

import pytest
import time_machine
from nicegui import ui
from nicegui.testing import User

from app.models import Expense
from app.services import expenses
from tests.builders import add, basics, link
from tests.conftest import make_user
from tests.page_steps import logged_in_alice, one, press_undo, record_undo_toasts
from tests.polling import until


def _table(user: User) -> ui.table:
    return one(user, 'expenses-table')


def _descriptions(user: User) -> list[str]:
    return sorted(row['description'] for row in _table(user).rows)


async def seeded(user: User) -> dict:
    t = await logged_in_alice(user)
    alice = t['alice']
    t['old'] = add(alice, t, amount='15.99', date='2024-12-05', description='Netflix', tags=['abo'])
    t['new'] = add(alice, t, amount='15.99', date='2025-12-05', description='Netflix', tags=['abo'])
    t['bus'] = add(alice, t, amount='2.10', date='2026-01-10', description='Bus', category_id=t['transport'].id)
    return t


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_a_search_leaves_the_month_and_says_so(user: User) -> None:
    await seeded(user)
    await user.open('/expenses')
    await until(lambda: _descriptions(user) == ['Bus'])
    await user.should_see(marker='month-picker')
    one(user, 'expense-search').set_value('netflix')
    await until(lambda: _descriptions(user) == ['Netflix', 'Netflix'])
    await user.should_see('Across all time: 2 expenses, 31,98\u00a0€')
    assert one(user, 'month-count').text == '2'
    await user.should_not_see(marker='month-picker')  # the month gives way to the summary
    one(user, 'expense-search').set_value('nothing-like-this')
    await user.should_see('Nothing matches this search')
    await user.should_see('Across all time: 0 expenses, 0,00\u00a0€')
    user.find(marker='search-back').click()
    await until(lambda: _descriptions(user) == ['Bus'])
    assert one(user, 'expense-search').value == ''


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_the_filters_come_from_the_address_and_narrow_the_list(user: User) -> None:
    t = await seeded(user)
    await user.open('/expenses?tag=abo&from=2025-01-01')
    await until(lambda: _descriptions(user) == ['Netflix'])
    assert _table(user).rows[0]['date'] == '2025-12-05'
    assert one(user, 'filter-tag').value == 'abo' and one(user, 'filter-from').value == '2025-01-01'
    one(user, 'filter-from').set_value(None)
    await until(lambda: _descriptions(user) == ['Netflix', 'Netflix'])
    one(user, 'filter-tag').set_value(None)
    one(user, 'filter-category_id').set_value(t['transport'].id)
    await until(lambda: _descriptions(user) == ['Bus'])
    one(user, 'filter-category_id').set_value(None)
    one(user, 'filter-min').set_value('10')
    await until(lambda: _descriptions(user) == ['Netflix', 'Netflix'])


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_a_bad_search_is_explained_under_the_box_and_the_table_stays(user: User) -> None:
    await seeded(user)
    await user.open('/expenses')
    await until(lambda: _descriptions(user) == ['Bus'])
    one(user, 'expense-search').set_value('20..10')
    await until(lambda: one(user, 'expense-search').error)
    assert 'upside down' in one(user, 'expense-search').error
    assert _descriptions(user) == ['Bus']
    await user.should_not_see(marker='filter-min')  # the filters are built when opened
    one(user, 'expense-filters').set_value(True)
    one(user, 'filter-min').set_value('50')
    one(user, 'filter-max').set_value('5')
    one(user, 'expense-search').set_value('')
    await until(lambda: one(user, 'filter-min').error)
    assert 'upside down' in one(user, 'filter-min').error


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_a_linked_users_expense_is_found_and_a_strangers_never(user: User) -> None:
    t = await seeded(user)
    bob, eve = make_user('bob'), make_user('eve')
    link(t['alice'], bob)
    add(bob, basics(bob), description='Netflix de Bob', date='2020-02-02')
    add(eve, basics(eve), description='Netflix de Eve', date='2020-02-02')
    await user.open('/expenses?search=netflix')
    await until(lambda: _descriptions(user) == ['Netflix', 'Netflix', 'Netflix de Bob'])


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_tags_in_the_dialog_and_the_table(user: User) -> None:
    t = await seeded(user)
    await user.open('/expenses?month=2024-12')
    await until(lambda: _descriptions(user) == ['Netflix'])
    assert list(_table(user).rows[0]['tags']) == ['abo']
    user.find(marker='expenses-table').trigger('edit', _table(user).rows[0])
    await user.should_see(marker='expense-dialog')
    tags_field = one(user, 'expense-tags')
    assert tags_field.value == ['abo'] and 'abo' in tags_field.options
    tags_field.set_value(['abo', '<img src=x onerror=alert(1)>'])
    user.find(marker='save-expense').click()
    await user.should_see('Expense saved.')
    assert expenses.get_expense(t['alice'], t['old'].id).tags == ('<img src=x onerror=alert(1)>', 'abo')
    await until(lambda: list(_table(user).rows[0]['tags']) == ['<img src=x onerror=alert(1)>', 'abo'])


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_bulk_tags_category_and_delete_with_undo(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    toasts = record_undo_toasts(monkeypatch, 'app.pages.expenses')
    t = await seeded(user)
    await user.open('/expenses?search=netflix')
    await until(lambda: len(_table(user).rows) == 2)
    rows = _table(user).rows
    table = user.find(marker='expenses-table')
    table.trigger('selection', {'added': True, 'rows': rows, 'keys': [row['id'] for row in rows]})
    await user.should_see('2 selected')
    user.find(marker='bulk-tags').click()
    await user.should_see(marker='bulk-dialog')
    one(user, 'bulk-add-tags').set_value(['streaming'])
    one(user, 'bulk-remove-tags').set_value(['abo'])
    user.find(marker='bulk-apply').click()
    await user.should_see('2 expenses changed.')
    await user.should_not_see(marker='bulk-bar')
    for expense in (t['old'], t['new']):
        assert expenses.get_expense(t['alice'], expense.id).tags == ('streaming',)

    table.trigger('selection', {'added': True, 'rows': rows, 'keys': [row['id'] for row in rows]})
    user.find(marker='bulk-category').click()
    await user.should_see(marker='bulk-dialog')
    one(user, 'bulk-choice').set_value(t['groceries'].id)
    user.find(marker='bulk-apply').click()

    def filed() -> tuple:
        changed = expenses.get_expense(t['alice'], t['old'].id)
        return changed.category_id, changed.subcategory_id

    await until(lambda: filed() == (t['food'].id, t['groceries'].id))
    await user.should_not_see(marker='bulk-bar')  # the selection is cleared after an action

    table.trigger('selection', {'added': True, 'rows': rows, 'keys': [row['id'] for row in rows]})
    user.find(marker='bulk-delete').click()
    await user.should_see(marker='confirm-bulk-delete')
    user.find(marker='confirm-bulk-delete-yes').click()
    await until(lambda: Expense.select().count() == 1)
    await until(lambda: _table(user).rows == [])
    await press_undo(user, toasts)
    await until(lambda: Expense.select().count() == 3)
    await user.should_see('2 expenses restored.')
    assert expenses.get_expense(t['alice'], t['old'].id).tags == ('streaming',)


async def test_settings_tags_rename_merge_and_remove(user: User) -> None:
    t = await seeded(user)
    add(t['alice'], t, description='Spotify', tags=['Streaming'])
    await user.open('/settings?tab=tags')
    await user.should_see(marker='tag-abo')
    await user.should_see('2 expenses')
    user.find(marker='rename-tag-abo').click()
    await user.should_see(marker='rename-tag-dialog')
    one(user, 'new-tag-name').set_value('streaming')
    user.find(marker='confirm-rename-tag').click()
    await user.should_see('Tag renamed.')
    await user.should_see('3 expenses')
    await user.should_not_see(marker='tag-abo')
    assert expenses.get_expense(t['alice'], t['old'].id).tags == ('streaming',)  # the name typed wins
    user.find(marker='delete-tag-streaming').click()
    user.find(marker='confirm-delete-tag').click()
    await user.should_see('Tag removed.')
    await user.should_see(marker='no-tags')
