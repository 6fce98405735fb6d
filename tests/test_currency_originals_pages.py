"""Issue 20, what was left of currencies on the pages (NiceGUI's simulated user): the expense form's split line
speaks in the expense's own currency, and in view=share a top expense shows my part of the whole
('12,50 € of 25,00 €'), the original beside the whole when it was in another currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from nicegui.testing import User

from app.services import rates, splits
from tests.builders import add, basics, link
from tests.conftest import api_login, make_user
from tests.page_steps import one
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


async def test_the_split_line_speaks_in_the_currency_the_expense_is_typed_in(user: User) -> None:
    alice, _bob, _things = _couple()
    splits.set_default_split(alice, 'equal')
    await api_login(user, 'alice')
    await user.open('/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-amount').type('50')
    await until(lambda: one(user, 'split-summary').text == 'Split equally with bob, 25,00\u00a0€ each')
    one(user, 'expense-currency').value = 'USD'
    await until(lambda: one(user, 'split-summary').text == 'Split equally with bob, 25,00\u00a0$US each')
    one(user, 'expense-currency').value = 'JPY'
    one(user, 'expense-amount').value = '3000'
    await until(lambda: one(user, 'split-summary').text == 'Split equally with bob, 1\u202f500\u00a0JPY each')


async def test_in_view_share_a_top_expense_shows_my_part_of_the_whole(user: User) -> None:
    alice, bob, things = _couple()
    rates.store_rates({date(2026, 1, 12): {'USD': Decimal('1.25')}})
    add(alice, things, '25.00', date='2026-01-05', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    add(alice, things, '50.00', date='2026-01-12', currency='USD', description=HOSTILE,
        split={'mode': 'equal', 'members': [alice.id, bob.id]})  # fmt: skip
    add(alice, things, '7.00', date='2026-01-07')
    await api_login(user, 'alice')
    await user.open('/?month=2026-01&view=share')
    await user.should_see('12,50\u00a0€ of 25,00\u00a0€')
    await user.should_see('20,00\u00a0€ of 40,00\u00a0€ (50,00\u00a0US$)')  # the original beside the whole
    await user.should_see('7,00\u00a0€')  # just mine: no "of"
    await user.should_see(HOSTILE)
    await user.open('/?month=2026-01&view=household')
    await user.should_see('40,00\u00a0€ (50,00\u00a0US$)')
    await user.should_not_see('of 25,00')
    # the highest expense's figure: counted in euros, its dollars in the caption
    assert one(user, 'figure-highest-value').text == '40,00\u00a0€'
    assert one(user, 'figure-highest-caption').text.endswith(' · 50,00\u00a0US$')
    assert HOSTILE in one(user, 'figure-highest-caption').text  # the description, as text
