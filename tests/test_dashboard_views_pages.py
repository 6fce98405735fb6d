"""Issue 20, item 3 on the dashboard page (NiceGUI's simulated user): a linked account chooses how the figures
count (My share, What I paid, Household) beside Everyone / Only mine; the page opens on the household, or on
the share for an account that splits equally by default; the address carries a chosen view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from nicegui.testing import User

from app.services import balances, splits
from tests.builders import add, basics, link, make_user
from tests.conftest import api_login
from tests.polling import until


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel('2026-02-10 10:00:00', tick=False):
        yield


def couple():
    """alice's 100.00 split equally with bob, bob's 30.00 paid by bob for alice alone, alice's 7.00 just hers,
    bob's 20.00 just his, and a settlement (never counted)."""
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    add(alice, things, '100.00', date='2026-01-05', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    add(bob, things, '30.00', date='2026-01-06', split={'mode': 'equal', 'members': [alice.id]}, description='Gift')
    add(alice, things, '7.00', date='2026-01-07')
    add(bob, things, '20.00', date='2026-01-08', description='<img src=x onerror=alert(1)>')
    balances.create_settlement(bob, bob.id, alice.id, '25', '2026-01-09')
    return alice, bob


def total(user: User) -> str:
    [element] = user.find(marker='figure-total-value').elements
    return element.text


def toggle(user: User, marker: str):
    [element] = user.find(marker=marker).elements
    return element


async def test_a_linked_account_switches_between_the_three_views(user: User) -> None:
    couple()
    await api_login(user)
    await user.open('/?month=2026-01')
    assert total(user) == '157,00\u00a0€'  # the household, as linked accounts always saw it
    await user.should_see('Every expense of the household, whole, whoever paid it.')
    toggle(user, 'dashboard-view').value = 'share'
    await until(lambda: total(user) == '87,00\u00a0€')  # 50 + 30 + 7
    await user.should_see('Your share: your own expenses, and your part of those split with you.')
    toggle(user, 'dashboard-view').value = 'paid'
    await until(lambda: total(user) == '107,00\u00a0€')  # 100 + 7
    toggle(user, 'dashboard-scope').value = 'mine'
    await until(lambda: total(user) == '107,00\u00a0€')
    toggle(user, 'dashboard-view').value = 'share'
    await until(lambda: total(user) == '57,00\u00a0€')  # of what alice created: 50 + 7
    toggle(user, 'dashboard-view').value = 'household'
    await until(lambda: total(user) == '107,00\u00a0€')


async def test_the_top_list_shows_the_share_and_names_as_text(user: User) -> None:
    couple()
    await api_login(user, 'bob')
    await user.open('/?month=2026-01&view=share')
    assert total(user) == '70,00\u00a0€'  # bob: 50 of alice's dinner, his own 20
    assert toggle(user, 'dashboard-view').value == 'share'
    await user.should_see('<img src=x onerror=alert(1)>')  # a description is text, never HTML
    await user.should_see('50,00\u00a0€')


async def test_an_account_that_splits_equally_by_default_opens_on_its_share(user: User) -> None:
    alice, _ = couple()
    splits.set_default_split(alice, 'equal')
    await api_login(user)
    await user.open('/?month=2026-01')
    assert toggle(user, 'dashboard-view').value == 'share'
    assert total(user) == '87,00\u00a0€'
    await user.open('/?month=2026-01&view=household')
    assert total(user) == '157,00\u00a0€'


async def test_a_wrong_view_in_the_address_is_said_and_the_page_works(user: User) -> None:
    couple()
    await api_login(user)
    await user.open('/?month=2026-01&view=everything')
    await user.should_see("'everything' is not a view; use share, paid or household.")
    assert toggle(user, 'dashboard-view').value == 'household'
    assert total(user) == '157,00\u00a0€'


async def test_an_account_without_links_has_nothing_to_choose(user: User) -> None:
    alice = make_user('alice')
    add(alice, basics(alice), '12.00', date='2026-01-05')
    await api_login(user)
    await user.open('/?month=2026-01&view=share')
    assert total(user) == '12,00\u00a0€'
    await user.should_not_see(marker='dashboard-view')
    await user.should_not_see(marker='dashboard-view-note')


async def test_the_controls_stay_while_the_figures_are_redrawn(user: User) -> None:
    """A quick second click went to a toggle that the first one's redraw had just replaced, and was lost
    (seen in CI): the picker and both toggles are built once, only the figures below them are redrawn."""
    couple()
    await api_login(user)
    await user.open('/?month=2026-01')
    view, scope = toggle(user, 'dashboard-view'), toggle(user, 'dashboard-scope')
    label = toggle(user, 'month-label')
    scope.value = 'mine'
    view.value = 'share'  # sent before the first redraw's figures are in
    await until(lambda: total(user) == '57,00\u00a0€')  # of what alice created: 50 + 7
    assert (toggle(user, 'dashboard-view'), toggle(user, 'dashboard-scope')) == (view, scope)
    user.find(marker='month-previous').click()
    await user.should_see('December 2025')
    assert toggle(user, 'month-label') is label and label.text == 'December 2025'
    assert view.value == 'share' and scope.value == 'mine'
