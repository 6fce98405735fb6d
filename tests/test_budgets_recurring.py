"""Budgets with recurring expenses: the projection adds the occurrences still to come this month and leaves
the ones already made out of the pace; a subcategory budget counts its rules; the day before a large
recurring expense an alert fires once, for the users who asked for it."""

from __future__ import annotations

import pytest
import time_machine

from app.models import Alert
from app.services import alerts, budgets, notify, recurring
from app.services.months import Month
from tests.builders import add, link, make_user

pytestmark = pytest.mark.usefixtures('database')


def rule(user, things, amount: str, start: str, **fields):
    data = {
        'amount': amount,
        'category_id': things['food'].id,
        'payment_method_id': things['card'].id,
        'description': 'Rent',
        'unit': 'month',
        'start': start,
        **fields,
    }
    return recurring.create_rule(user, data)


def test_the_projection_adds_what_rules_still_bring_and_keeps_made_ones_out_of_the_pace(alice, things) -> None:
    with time_machine.travel('2026-04-10 09:00Z', tick=False):
        budget = budgets.create_budget(alice, '2000', things['food'].id)
        rule(alice, things, '500', '2026-04-01')  # made on the 1st
        rule(alice, things, '300', '2026-04-20')  # still to come
        rule(alice, things, '99', '2026-04-21', category_id=things['transport'].id)  # another category
        add(alice, things, '100.00', '2026-04-05')
        (view,) = budgets.list_budgets(alice)
    assert view.id == budget.id
    assert view.spent_cents == 60000 and view.recurring_cents == 30000
    # pace: 100 one-off in 10 days, 20 days to come: 200; the 500 of rent is not a pace
    assert view.projected_cents == 60000 + 20000 + 30000


def test_a_subcategory_budget_counts_its_rules_and_a_mine_budget_only_the_owners(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    with time_machine.travel('2026-04-10 09:00Z', tick=False):
        groceries = budgets.create_budget(alice, '100', things['groceries'].id)
        mine = budgets.create_budget(alice, '100', scope='mine')
        rule(alice, things, '40', '2026-04-25', subcategory_id=things['groceries'].id)
        rule(bob, things, '70', '2026-04-26')  # bob's, filed under alice's Food
        views = {v.id: v for v in budgets.list_budgets(alice)}
        future = {v.id: v for v in budgets.list_budgets(alice, Month(2026, 5))}
    assert views[groceries.id].recurring_cents == 4000
    assert views[mine.id].recurring_cents == 4000  # bob's rule is not alice's spending
    assert future[mine.id].projected_cents == 4000 and future[mine.id].days_left == 31


def test_the_day_before_a_large_recurring_expense_an_alert_fires_once(alice, things) -> None:
    with time_machine.travel('2026-04-10 09:00Z', tick=False):
        rule(alice, things, '800', '2026-04-15', description='Rent')
        rule(alice, things, '9.99', '2026-04-15', description='Music')
        assert alerts.check_large_recurring() == 0  # nobody asked
        notify.set_large_recurring(alice, '500')
        assert notify.large_recurring(alice) == 50000
    with time_machine.travel('2026-04-13 09:00Z', tick=False):
        assert alerts.check_large_recurring() == 0  # the 15th is not tomorrow yet
    with time_machine.travel('2026-04-14 09:00Z', tick=False):
        assert alerts.check_large_recurring() == 1
        assert alerts.check_large_recurring() == 0
    (alert,) = alerts.list_alerts(alice)
    assert (alert.kind, alert.detail, alert.spent_cents, alert.month) == ('recurring', 'Rent', 80000, '2026-04')
    assert Alert.get().key.endswith(':2026-04-15')
    title, body = notify.text_of(alert, alice)
    assert title == 'Large expense tomorrow' and 'Rent' in body and '800,00' in body
    notify.set_large_recurring(alice, '')
    assert notify.large_recurring(alice) == 0


def test_a_large_recurring_amount_must_be_an_amount(alice) -> None:
    from app.services.errors import Invalid

    with pytest.raises(Invalid) as refused:
        notify.set_large_recurring(alice, '-5')
    assert refused.value.field == 'large_recurring'
