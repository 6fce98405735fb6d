"""Recurring rules through the service: bad input named by field, visibility as for expenses, edits that
apply to the future only, pause and resume, delete keeping what was made, "make recurring", the amount
change, request ids, and `upcoming` (what the dashboard and the budgets read)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from app.models import Expense, RecurringOccurrence, RecurringRule, User
from app.services import recurring
from app.services.errors import Conflict, Invalid, NotFound
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')

NOW = '2026-03-10 12:00:00+00:00'


def rent(things: dict, **schedule) -> dict:
    return {
        'amount': '750.00',
        'category_id': things['food'].id,
        'payment_method_id': things['card'].id,
        'description': 'Rent',
        'unit': 'month',
        **schedule,
    }


def in_utc(*users: User) -> None:
    for user in users:
        user.timezone = 'UTC'
        User.update(timezone='UTC').where(User.id == user.id).execute()


def made(rule_id: int) -> list[tuple[date, int]]:
    rows = (
        Expense.select(Expense.date, Expense.amount_cents)
        .join(RecurringOccurrence, on=(RecurringOccurrence.expense == Expense.id))
        .where(RecurringOccurrence.rule == rule_id)
        .order_by(Expense.date)
    )
    return [(date.fromisoformat(str(r.date)), r.amount_cents) for r in rows]


@pytest.mark.parametrize(
    ('fields', 'field'),
    [
        ({'start': '2026-03-01', 'end': '2026-02-01'}, 'end'),
        ({'every': 0}, 'every'),
        ({'every': '-1'}, 'every'),
        ({'every': 'two'}, 'every'),
        ({'day_of_month': 32}, 'day_of_month'),
        ({'day_of_month': 0}, 'day_of_month'),
        ({'unit': 'fortnight'}, 'unit'),
        ({'unit': 'week', 'day_of_month': 5}, 'day_of_month'),
        ({'count': 0}, 'count'),
        ({'start': '2026-02-30'}, 'start'),
        ({'new_amount': '9.99'}, 'new_amount_from'),
        ({'new_amount': '-5', 'new_amount_from': '2026-04-01'}, 'new_amount'),
        ({'amount': '0'}, 'amount'),
        ({'category_id': ''}, 'category_id'),
        ({'unit': 'day', 'start': '2020-01-01'}, 'start'),  # thousands of past expenses at once
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_input_is_refused_naming_the_field(alice, things, fields: dict, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        recurring.create_rule(alice, rent(things, **fields))
    assert refused.value.field == field
    assert RecurringRule.select().count() == 0 and Expense.select().count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_rule_started_in_the_past_creates_its_past_occurrences_once(alice, things) -> None:
    in_utc(alice)
    rule = recurring.create_rule(alice, rent(things, start='2025-12-31'))
    assert made(rule.id) == [(date(2025, 12, 31), 75000), (date(2026, 1, 31), 75000), (date(2026, 2, 28), 75000)]
    assert rule.next_date == date(2026, 3, 31) and rule.created_count == 3
    assert rule.monthly_cost_cents == 75000 and rule.created_by == 'alice'
    from app.services.recurring_runner import run_due

    assert run_due().created == 0
    assert Expense.select().count() == 3


@time_machine.travel(NOW, tick=False)
def test_a_request_id_makes_one_rule(alice, things) -> None:
    first = recurring.create_rule(alice, rent(things, start='2026-03-01'), request_id='rule-1')
    again = recurring.create_rule(alice, rent(things, start='2026-03-01'), request_id='rule-1')
    assert first.id == again.id and RecurringRule.select().count() == 1 and Expense.select().count() == 1
    with pytest.raises(Invalid) as refused:
        recurring.create_rule(alice, rent(things), request_id='not valid!')
    assert refused.value.field == 'request_id'


@time_machine.travel(NOW, tick=False)
def test_the_amount_changes_from_its_date(alice, things) -> None:
    in_utc(alice)
    rule = recurring.create_rule(
        alice, rent(things, start='2026-01-05', amount='12.99', new_amount='15.99', new_amount_from='2026-03-01')
    )
    assert made(rule.id) == [(date(2026, 1, 5), 1299), (date(2026, 2, 5), 1299), (date(2026, 3, 5), 1599)]
    assert rule.monthly_cost_cents == 1599


@time_machine.travel(NOW, tick=False)
def test_an_edit_applies_to_later_dates_only(alice, things) -> None:
    in_utc(alice)
    rule = recurring.create_rule(alice, rent(things, start='2026-01-10'))
    recurring.update_rule(alice, rule.id, {'amount': '800', 'day_of_month': '15', 'start': '2025-01-01'})
    assert made(rule.id) == [(date(2026, 1, 10), 75000), (date(2026, 2, 10), 75000), (date(2026, 3, 10), 75000)]
    edited = recurring.get_rule(alice, rule.id)
    assert edited.next_date == date(2026, 3, 15) and edited.amount_cents == 80000  # the past is not re-created
    with pytest.raises(Invalid) as refused:
        recurring.update_rule(alice, rule.id, {'end': '2024-12-31'})
    assert refused.value.field == 'end'


def test_pause_skips_and_resume_starts_again_from_today(alice, things) -> None:
    in_utc(alice)
    with time_machine.travel('2026-03-01 08:00:00+00:00', tick=False):
        rule = recurring.create_rule(alice, rent(things, unit='week', start='2026-03-01'))
        paused = recurring.pause_rule(alice, rule.id)
        assert paused.paused and paused.next_date is None
        assert recurring.upcoming(alice, date(2026, 3, 1), date(2026, 4, 30)) == []
    with time_machine.travel('2026-03-22 08:00:00+00:00', tick=False):
        from app.services.recurring_runner import run_due

        assert run_due().created == 0
        resumed = recurring.resume_rule(alice, rule.id)
    assert not resumed.paused
    # the Sundays 8 and 15 March passed while paused: skipped; today's (22 March) is made at once
    assert [day for day, _ in made(rule.id)] == [date(2026, 3, 1), date(2026, 3, 22)]
    assert resumed.next_date == date(2026, 3, 29)


@time_machine.travel(NOW, tick=False)
def test_delete_keeps_the_expenses_it_created(alice, things) -> None:
    rule = recurring.create_rule(alice, rent(things, start='2026-01-10'))
    assert recurring.delete_rule(alice, rule.id) == rule.id
    assert Expense.select().count() == 3 and RecurringOccurrence.select().count() == 0
    with pytest.raises(NotFound):
        recurring.get_rule(alice, rule.id)


@time_machine.travel(NOW, tick=False)
def test_make_recurring_takes_the_expense_as_its_first_occurrence(alice, things) -> None:
    in_utc(alice)
    netflix = add(alice, things, amount='13.49', date='2026-02-03', description='Netflix', place='online')
    rule = recurring.make_recurring(alice, netflix.id, {'unit': 'month'})
    assert (rule.description, rule.amount_cents, rule.start, rule.place) == (
        'Netflix',
        1349,
        date(2026, 2, 3),
        'online',
    )
    assert made(rule.id) == [(date(2026, 2, 3), 1349), (date(2026, 3, 3), 1349)]
    assert Expense.select().count() == 2  # the expense itself is the February one
    assert recurring.occurrence_rules(alice, [netflix.id]) == {netflix.id: rule.id}


@time_machine.travel(NOW, tick=False)
def test_rules_follow_the_expenses_visibility(alice, things) -> None:
    bob, carol, mallory = make_user('bob'), make_user('carol'), make_user('mallory')
    link(alice, bob)
    link(bob, carol)  # a chain: alice - bob - carol
    rule = recurring.create_rule(alice, rent(things, start='2026-04-01'))
    assert [r.id for r in recurring.list_rules(bob)] == [rule.id]
    assert recurring.list_rules(bob, scope='mine') == []
    assert recurring.update_rule(bob, rule.id, {'description': 'Loyer'}).description == 'Loyer'
    for action in (recurring.get_rule, recurring.pause_rule, recurring.delete_rule):
        with pytest.raises(NotFound):
            action(mallory, rule.id)
        with pytest.raises(NotFound):
            action(carol, rule.id)
    with pytest.raises(NotFound):
        recurring.make_recurring(mallory, add(alice, things).id, {'unit': 'month'})
    bobs = recurring.create_rule(bob, rent(basics(bob), start='2026-04-01'))
    with pytest.raises(Conflict):  # carol sees bob's rule, and alice does not share with her
        recurring.pause_rule(alice, bobs.id)
    upcoming = recurring.upcoming(alice, date(2026, 3, 10), date(2026, 4, 9))
    assert [(u.rule_id, u.date, u.amount_cents, u.created_by) for u in upcoming] == [
        (rule.id, date(2026, 4, 1), 75000, alice.id),
        (bobs.id, date(2026, 4, 1), 75000, bob.id),
    ]
    assert [u.rule_id for u in recurring.upcoming(alice, date(2026, 3, 10), date(2026, 4, 9), household=False)] == [
        rule.id
    ]
    assert recurring.upcoming(mallory, date(2026, 3, 10), date(2026, 4, 9)) == []


@time_machine.travel(NOW, tick=False)
def test_upcoming_leaves_out_what_was_created(alice, things) -> None:
    in_utc(alice)
    rule = recurring.create_rule(alice, rent(things, unit='week', start='2026-03-03', amount='20'))
    ahead = recurring.upcoming(alice, date(2026, 3, 1), date(2026, 3, 31))
    assert [u.date for u in ahead] == [date(2026, 3, 17), date(2026, 3, 24), date(2026, 3, 31)]
    assert {(u.rule_id, u.amount_cents, u.description, u.category_id) for u in ahead} == {
        (rule.id, 2000, 'Rent', things['food'].id)
    }
    assert recurring.upcoming(alice, date(2026, 4, 1), date(2026, 3, 1)) == []


@time_machine.travel(NOW, tick=False)
def test_make_recurring_from_a_partners_expense_records_its_date_once(alice, things) -> None:
    in_utc(alice)
    bob = make_user('bob')
    link(alice, bob)
    theirs = add(bob, basics(bob), amount='40', date='2026-03-01', description='Internet')
    rule = recurring.make_recurring(alice, theirs.id, {'unit': 'month'})
    assert rule.owner_id == alice.id and made(rule.id) == [(date(2026, 3, 1), 4000)]
    assert Expense.select().count() == 1
