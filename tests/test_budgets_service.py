"""Budgets: what they count (a category with its subcategories, a payment method, everything; the household
or only me), rollover on and off, days left and projections, visibility for linked users, bad input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import time_machine

from app.services import budgets
from app.services.errors import Conflict, Invalid, NotFound
from app.services.months import Month
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


@dataclass(frozen=True)
class Coming:
    date: date
    amount_cents: int
    category_id: int | None
    payment_method_id: int | None
    subcategory_id: int | None = None


def test_a_category_budget_counts_its_subcategories_and_nothing_else(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budget = budgets.create_budget(alice, '200', things['food'].id)
        add(alice, things, '30.00', '2026-03-02')  # Food
        add(alice, things, '20.00', '2026-03-03', subcategory_id=things['groceries'].id)
        add(alice, things, '99.00', '2026-03-04', category_id=things['transport'].id)
        add(alice, things, '77.00', '2026-02-28')  # last month
        (view,) = budgets.list_budgets(alice)
    assert view.id == budget.id and view.kind == 'category' and view.name == 'Food'
    assert (view.spent_cents, view.left_cents, view.percent) == (5000, 15000, 25)
    assert view.available_cents == 20000 and view.carried_cents == 0
    assert view.days_left == 22  # 10 to 31 March, today included


def test_a_subcategory_budget_and_a_payment_method_budget_and_everything(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['groceries'].id)
        budgets.create_budget(alice, '100', payment_method_id=things['cash'].id)
        budgets.create_budget(alice, '1000')
        add(alice, things, '20.00', '2026-03-03', subcategory_id=things['groceries'].id)
        add(alice, things, '15.00', '2026-03-04', payment_method_id=things['cash'].id)
        add(alice, things, '5.00', '2026-03-05', category_id=things['transport'].id)
        views = {v.kind + ':' + v.name: v.spent_cents for v in budgets.list_budgets(alice)}
    assert views == {'everything:': 4000, 'category:Groceries': 2000, 'payment_method:Cash': 1500}


def test_without_rollover_each_month_starts_afresh(alice, things) -> None:
    with time_machine.travel('2026-01-05 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
    add(alice, things, '30.00', '2026-01-10')
    with time_machine.travel('2026-02-05 12:00Z', tick=False):
        (view,) = budgets.list_budgets(alice)
    assert (view.carried_cents, view.available_cents, view.left_cents) == (0, 10000, 10000)


def test_rollover_carries_what_was_left_and_what_was_overspent(alice, things) -> None:
    with time_machine.travel('2026-01-05 12:00Z', tick=False):
        budget = budgets.create_budget(alice, '100', things['food'].id, rollover=True)
    add(alice, things, '30.00', '2026-01-10')  # 70 left in January
    add(alice, things, '150.00', '2026-02-10')  # 50 overspent in February (170 available)
    add(alice, things, '10.00', '2026-03-02')
    with time_machine.travel('2026-02-05 12:00Z', tick=False):
        (february,) = budgets.list_budgets(alice)
    assert (february.carried_cents, february.available_cents) == (7000, 17000)
    with time_machine.travel('2026-03-05 12:00Z', tick=False):
        (march,) = budgets.list_budgets(alice)
        (past,) = budgets.list_budgets(alice, Month(2026, 2))
    assert (march.carried_cents, march.available_cents, march.spent_cents, march.left_cents) == (
        2000,
        12000,
        1000,
        11000,
    )
    assert past.left_cents == 17000 - 15000 and past.days_left == 0 and past.projected_cents == 15000
    # rollover switched off: only the month's amount
    with time_machine.travel('2026-03-05 12:00Z', tick=False):
        budgets.update_budget(alice, budget.id, rollover=False)
        (plain,) = budgets.list_budgets(alice)
    assert plain.available_cents == 10000 and plain.carried_cents == 0


def test_the_projection_carries_the_pace_and_adds_the_recurring_still_to_come(alice, things) -> None:
    with time_machine.travel('2026-04-10 09:00Z', tick=False):
        budgets.create_budget(alice, '300', things['food'].id)
        add(alice, things, '100.00', '2026-04-02')
        coming = [
            Coming(date(2026, 4, 20), 4000, things['food'].id, things['card'].id),  # counts
            Coming(date(2026, 4, 21), 1000, things['food'].id, None, things['groceries'].id),  # counts (sub)
            Coming(date(2026, 4, 22), 9900, things['transport'].id, None),  # another category
            Coming(date(2026, 5, 1), 5000, things['food'].id, None),  # next month
            Coming(date(2026, 4, 10), 7000, things['food'].id, None),  # today: already made
        ]
        (view,) = budgets.list_budgets(alice, upcoming=coming)
    # 100 in 10 days: 10 a day, 20 days to come: 200; plus 50 of recurring
    assert view.recurring_cents == 5000
    assert view.projected_cents == 10000 + 20000 + 5000


def test_project_for_past_present_and_future_months() -> None:
    today = date(2026, 2, 14)
    assert budgets.project(5000, Month(2026, 1), today, 999).projected_cents == 5000
    assert budgets.project(0, Month(2026, 3), today, 999).projected_cents == 999
    now = budgets.project(1400, Month(2026, 2), today, 0)
    assert (now.pace_cents, now.projected_cents) == (1400, 2800)  # 28 days, 14 gone
    assert budgets.project(0, Month(2026, 2), date(2026, 2, 28), 0).projected_cents == 0
    # early in the month the pace is taken over a week at least: 70 on the 2nd is 10 a day, not 35
    assert budgets.project(7000, Month(2026, 3), date(2026, 3, 2), 0).pace_cents == 29 * 1000
    # recurring expenses already made do not set the pace
    assert budgets.project(3000, Month(2026, 2), today, 0, recurring_so_far=3000).pace_cents == 0


def test_the_hint_gives_last_month_and_the_three_month_average(alice, things) -> None:
    add(alice, things, '90.00', '2026-01-10')
    add(alice, things, '30.00', '2026-02-10')
    add(alice, things, '60.00', '2026-03-10')
    add(alice, things, '999.00', '2026-04-02')  # this month: not in the hint
    with time_machine.travel('2026-04-10 09:00Z', tick=False):
        hint = budgets.budget_hint(alice, things['food'].id)
    assert (hint.last_month_cents, hint.average_cents) == (6000, 6000)


def test_household_or_only_me_and_linked_users_see_the_budget(alice, things) -> None:
    bob, carol = make_user('bob'), make_user('carol')
    link(alice, bob)
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        household = budgets.create_budget(alice, '100', things['food'].id)
        mine = budgets.create_budget(alice, '100', things['food'].id, scope='mine')
        add(alice, things, '10.00', '2026-03-02')
        add(bob, things, '25.00', '2026-03-03')  # bob files under alice's Food
        seen = {v.id: v.spent_cents for v in budgets.list_budgets(bob)}
        assert budgets.list_budgets(carol) == ()
    assert seen == {household.id: 3500, mine.id: 1000}
    with pytest.raises(NotFound):
        budgets.update_budget(carol, household.id, amount='5')
    with pytest.raises(NotFound):
        budgets.delete_budget(carol, household.id)
    budgets.update_budget(bob, household.id, amount='120')  # bob shares with alice: he may change it
    assert budgets.delete_budget(bob, mine.id) == mine.id


def test_in_a_chain_the_middle_users_budget_is_read_only_for_the_ends(alice, things) -> None:
    bob, carol = make_user('bob'), make_user('carol')
    link(alice, bob)
    link(bob, carol)
    budget = budgets.create_budget(bob, '100')
    with pytest.raises(Conflict):
        budgets.update_budget(alice, budget.id, amount='1')
    assert [v.id for v in budgets.list_budgets(carol)] == [budget.id]


@pytest.mark.parametrize(
    ('arguments', 'field'),
    [
        ({'amount': '-5'}, 'amount'),
        ({'amount': '0'}, 'amount'),
        ({'amount': 'lots'}, 'amount'),
        ({'amount': '10', 'thresholds': '80,abc'}, 'thresholds'),
        ({'amount': '10', 'thresholds': '0'}, 'thresholds'),
        ({'amount': '10', 'thresholds': '10,20,30,40,50,60'}, 'thresholds'),
        ({'amount': '10', 'scope': 'world'}, 'scope'),
        ({'amount': '10', 'rollover': 'maybe'}, 'rollover'),
        ({'amount': '10', 'category_id': 'x'}, 'category_id'),
    ],
)
def test_bad_input_names_the_field(alice, arguments, field) -> None:
    arguments = dict(arguments)
    amount = arguments.pop('amount')
    with pytest.raises(Invalid) as refused:
        budgets.create_budget(alice, amount, **arguments)
    assert refused.value.field == field


def test_both_subjects_another_users_category_and_a_twin_are_refused(alice, things) -> None:
    with pytest.raises(Invalid) as both:
        budgets.create_budget(alice, '10', things['food'].id, things['card'].id)
    assert both.value.field == 'payment_method_id'
    stranger = basics(make_user('mallory'))
    with pytest.raises(NotFound) as hidden:
        budgets.create_budget(alice, '10', stranger['food'].id)
    assert hidden.value.field == 'category_id'
    budgets.create_budget(alice, '10', things['food'].id)
    with pytest.raises(Conflict):
        budgets.create_budget(alice, '20', things['food'].id)


def test_thresholds_are_parsed_sorted_and_defaulted() -> None:
    assert budgets.parse_thresholds(None) == (80, 100)
    assert budgets.parse_thresholds('100, 50;75') == (50, 75, 100)
    assert budgets.parse_thresholds([90, '100%', 90]) == (90, 100)


def test_deleting_the_category_or_payment_method_of_a_budget_deletes_the_budget(alice, things) -> None:
    from app.models import Budget
    from app.services import categories, payment_methods

    budgets.create_budget(alice, '10', things['transport'].id)
    budgets.create_budget(alice, '10', payment_method_id=things['cash'].id)
    kept = budgets.create_budget(alice, '10')
    categories.delete_category(alice, things['transport'].id)
    payment_methods.delete_payment_method(alice, things['cash'].id)
    assert [b.id for b in Budget.select()] == [kept.id]
    assert [v.id for v in budgets.list_budgets(alice)] == [kept.id]
