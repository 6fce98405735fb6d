"""Issue 20, item 3: a budget can count its owner's share (`scope=share`): their own expenses not split, and
their part of those split with them, never a settlement; alerts go to the owner alone. Service, API, page."""

from __future__ import annotations

import pytest
import time_machine
from nicegui.testing import User

from app.models import Budget
from app.services import alerts, balances, budgets
from app.services.errors import Invalid
from tests.builders import add, basics, link, make_user
from tests.conftest import API_KEY, api_login
from tests.page_steps import one
from tests.polling import until


def couple():
    """alice and bob linked; in March 2026: alice's 100.00 Food split equally, bob's 30.00 Food paid for both
    by shares 2:1 (alice 10), alice's 7.00 Transport just hers, bob's 40.00 Food just his; a settlement."""
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    both = [alice.id, bob.id]
    add(alice, things, '100.00', '2026-03-02', split={'mode': 'equal', 'members': both})
    add(bob, things, '30.00', '2026-03-03', split={'mode': 'shares', 'members': [bob.id, alice.id], 'parts': [2, 1]})
    add(alice, things, '7.00', '2026-03-04', category_id=things['transport'].id)
    add(bob, things, '40.00', '2026-03-05')
    balances.create_settlement(bob, bob.id, alice.id, '55', '2026-03-06')
    return alice, bob, things


@pytest.mark.usefixtures('database')
def test_a_share_budget_counts_the_owners_share_only() -> None:
    alice, bob, things = couple()
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        share = budgets.create_budget(alice, '100', scope='share')
        food_share = budgets.create_budget(alice, '100', things['food'].id, scope='share')
        household = budgets.create_budget(alice, '500')
        mine = budgets.create_budget(alice, '500', scope='mine')
        views = {v.id: v for v in budgets.list_budgets(alice)}
        bobs = budgets.create_budget(bob, '100', scope='share')
    assert views[share.id].scope == 'share'
    assert views[share.id].spent_cents == 5000 + 1000 + 700
    assert views[food_share.id].spent_cents == 5000 + 1000
    assert views[household.id].spent_cents == 17700
    assert views[mine.id].spent_cents == 10700
    assert bobs.spent_cents == 5000 + 2000 + 4000
    assert views[share.id].percent == 67


@pytest.mark.usefixtures('database')
def test_a_share_budget_alerts_its_owner_alone_and_hints_from_the_share() -> None:
    alice, bob, things = couple()
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budget = budgets.create_budget(alice, '60', scope='share')
        assert alerts.recipients(Budget.get_by_id(budget.id)) == [alice.id]
        household = budgets.create_budget(alice, '60')
        assert sorted(alerts.recipients(Budget.get_by_id(household.id))) == sorted([alice.id, bob.id])
    with time_machine.travel('2026-04-10 12:00Z', tick=False):
        hint = budgets.budget_hint(alice, scope='share')
    assert hint.last_month_cents == 6700


@pytest.mark.usefixtures('database')
def test_a_wrong_scope_names_the_field() -> None:
    alice = make_user('alice')
    for scope in ('world', 'shares', 'view'):
        with pytest.raises(Invalid) as refused:
            budgets.create_budget(alice, '10', scope=scope)
        assert refused.value.field == 'scope'
    with pytest.raises(Invalid):
        budgets.update_budget(alice, budgets.create_budget(alice, '10').id, scope='paid')


async def test_a_share_budget_over_http(user: User) -> None:
    couple()
    await api_login(user)
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        made = await user.http_client.post(
            f'/sysapi/budget_create?key={API_KEY}', data={'amount': '80', 'scope': 'share'}
        )
        assert made.status_code == 200, made.text
        assert (made.json()['budget']['scope'], made.json()['budget']['spent_cents']) == ('share', 6700)
        bad = await user.http_client.post(
            f'/sysapi/budget_create?key={API_KEY}', data={'amount': '80', 'scope': 'ours'}
        )
    assert bad.status_code == 422 and bad.json()['field'] == 'scope'


async def test_the_budgets_page_offers_my_share_and_marks_the_card(user: User) -> None:
    alice, _, _ = couple()
    await api_login(user)
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        await user.open('/budgets')
        user.find(marker='add-budget').click()
        await user.should_see(marker='budget-dialog')
        one(user, 'budget-scope').value = 'share'
        await until(lambda: 'Last month' in one(user, 'budget-hint').text)
        user.find(marker='budget-amount').type('80')
        user.find(marker='save-budget').click()
        await until(lambda: Budget.select().count() == 1)
        budget = Budget.get()
        assert budget.scope == 'share'
        await user.should_see(marker=f'budget-share-{budget.id}')
        await user.should_see('my share')
        await until(lambda: '67,00' in one(user, f'budget-spent-{budget.id}').text)
