"""Expenses › Recurring through NiceGUI's simulated user: add a rule and see its occurrence, edit, pause and
resume, delete; "Make recurring" from the expense dialog; the rule's mark in the expenses table; the next 30
days on the dashboard; hostile text shown as text; another user's rule id changing nothing."""

from __future__ import annotations

import time_machine
from nicegui import ui
from nicegui.testing import User

from app.models import Expense, RecurringOccurrence, RecurringRule
from app.services import recurring
from tests.builders import add, basics
from tests.conftest import api_login, make_user
from tests.page_steps import open_page
from tests.polling import until

NOW = '2026-03-10 09:00:00+00:00'
HOSTILE = '<img src=x onerror=alert(1)>'


def rule_data(t: dict, **fields) -> dict:
    return {
        'amount': '750',
        'category_id': t['food'].id,
        'payment_method_id': t['card'].id,
        'unit': 'month',
        'description': 'Rent',
        **fields,
    }


@time_machine.travel(NOW, tick=False)
async def test_add_a_rule_and_see_its_occurrence(user: User) -> None:
    t = await open_page(user, '/expenses/recurring')
    await user.should_see(marker='rules-empty')
    user.find(marker='add-rule').click()
    await user.should_see(marker='rule-dialog')
    assert user.find(marker='rule-start').elements.pop().value == '2026-03-10'
    user.find(marker='rule-amount').type('9,99')
    user.find(marker='rule-category').elements.pop().value = t['food'].id
    user.find(marker='rule-payment-method').elements.pop().value = t['card'].id
    user.find(marker='rule-description').type(HOSTILE)
    user.find(marker='rule-day').elements.pop().value = '31'
    user.find(marker='rule-start').clear().type('2026-01-15')
    user.find(marker='save-rule').click()
    await user.should_see('Recurring expense added.')
    rule = RecurringRule.get()
    assert (rule.amount_cents, rule.day_of_month, rule.unit, rule.every) == (999, 31, 'month', 1)
    # 31 January and 28 February are past: recorded at once, each an ordinary expense
    assert sorted(str(e.date) for e in Expense.select()) == ['2026-01-31', '2026-02-28']
    await user.should_see(HOSTILE)  # as text
    await user.should_see(marker=f'rule-{rule.id}')
    next_label = user.find(marker=f'rule-next-{rule.id}').elements.pop()
    assert next_label.text == 'Next: 31 Mar'
    assert user.find(marker='rules-monthly-total').elements.pop().text == '9,99\u00a0€'

    # the occurrence is marked in the expenses table, linking to its rule; the page leads to this one
    await user.open('/expenses?month=2026-02')
    await user.should_see(marker='open-recurring')
    table: ui.table = user.find(marker='expenses-table').elements.pop()
    await until(lambda: table.rows and table.rows[0]['rule_id'] == rule.id)
    assert 'recurring?rule=' in table.slots['body-cell-description'].template


@time_machine.travel(NOW, tick=False)
async def test_bad_schedule_shows_under_its_field(user: User) -> None:
    t = await open_page(user, '/expenses/recurring')
    user.find(marker='add-rule').click()
    await user.should_see(marker='rule-dialog')
    user.find(marker='rule-amount').type('5')
    user.find(marker='rule-category').elements.pop().value = t['food'].id
    user.find(marker='rule-payment-method').elements.pop().value = t['card'].id
    user.find(marker='rule-end').type('2026-01-01')
    user.find(marker='save-rule').click()
    await user.should_see('is before the start')
    assert 'before the start' in (user.find(marker='rule-end').elements.pop().error or '')
    user.find(marker='rule-end').clear()
    user.find(marker='rule-count').type('0')
    user.find(marker='save-rule').click()
    await until(lambda: user.find(marker='rule-count').elements.pop().error)
    assert RecurringRule.select().count() == 0


@time_machine.travel(NOW, tick=False)
async def test_edit_pause_resume_delete(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    rule = recurring.create_rule(alice, rule_data(t, start='2026-02-01'))
    await api_login(user)
    await user.open(f'/expenses/recurring?rule={rule.id}')
    card = user.find(marker=f'rule-{rule.id}').elements.pop()
    assert 'ring-2' in card.classes  # the rule the link pointed at
    user.find(marker=f'rule-edit-{rule.id}').click()
    await user.should_see(marker='rule-dialog')
    assert user.find(marker='rule-amount').elements.pop().value == '750,00'
    user.find(marker='rule-amount').clear().type('800')
    user.find(marker='save-rule').click()
    await user.should_see('it applies from tomorrow')
    assert RecurringRule.get().amount_cents == 80000
    assert [e.amount_cents for e in Expense.select()] == [75000, 75000]  # February and March stay

    user.find(marker=f'rule-pause-{rule.id}').click()
    await user.should_see('Paused.')
    await user.should_see(marker=f'rule-resume-{rule.id}')
    assert RecurringRule.get().paused
    user.find(marker=f'rule-resume-{rule.id}').click()
    await user.should_see('Resumed.')
    assert not RecurringRule.get().paused

    user.find(marker=f'rule-delete-{rule.id}').click()
    await user.should_see(marker='confirm-delete-rule-yes')
    user.find(marker='confirm-delete-rule-yes').click()
    await user.should_see('Deleted.')
    await user.should_see(marker='rules-empty')
    assert RecurringRule.select().count() == 0 and Expense.select().count() == 2


@time_machine.travel(NOW, tick=False)
async def test_make_recurring_from_the_expense_dialog(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    expense = add(alice, t, amount='13.49', date='2026-03-03', description='Netflix')
    await api_login(user)
    await user.open('/expenses?month=2026-03')
    table: ui.table = user.find(marker='expenses-table').elements.pop()
    await until(lambda: table.rows)
    assert table.rows[0]['rule_id'] is None
    user.find(marker='expenses-table').trigger('edit', table.rows[0])
    await user.should_see(marker='make-recurring')
    user.find(marker='make-recurring').click()
    await user.should_see(marker='rule-dialog')
    await user.should_not_see(marker='expense-dialog')
    assert user.find(marker='rule-start').elements.pop().value == '2026-03-03'
    user.find(marker='save-rule').click()
    await user.should_see('Recurring expense created')
    rule = RecurringRule.get()
    assert (rule.description, rule.amount_cents) == ('Netflix', 1349)
    assert RecurringOccurrence.get().expense_id == expense.id and Expense.select().count() == 1
    await until(lambda: table.rows and table.rows[0]['rule_id'] == rule.id)


@time_machine.travel(NOW, tick=False)
async def test_the_dashboard_lists_the_next_30_days(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    weekly = recurring.create_rule(alice, rule_data(t, unit='week', start='2026-03-02', amount='20', description='Box'))
    recurring.create_rule(alice, rule_data(t, start='2026-05-01'))  # too far
    await api_login(user)
    await user.open('/')
    await user.should_see(marker='upcoming-expenses')
    for day in ('2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06'):
        await user.should_see(marker=f'upcoming-{weekly.id}-{day}')
    await user.should_not_see(marker=f'upcoming-{weekly.id}-2026-03-09')  # created already
    assert user.find(marker='upcoming-total').elements.pop().text == '80,00\u00a0€'


async def test_another_users_rule_cannot_be_reached(user: User) -> None:
    bob = make_user('bob')
    theirs = recurring.create_rule(bob, rule_data(basics(bob), start='2030-01-01'))
    await open_page(user, f'/expenses/recurring?rule={theirs.id}')
    await user.should_see(marker='rules-empty')
    await user.should_not_see(marker=f'rule-{theirs.id}')
    await user.should_not_see(marker='upcoming-expenses')
