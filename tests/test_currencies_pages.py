"""Issue 20, item 4, on the pages through NiceGUI's simulated user: the expense form's currency select
saves the expense in dollars and the table shows it converted with the dollars beside it; an edit keeps its
currency; the dashboard counts it converted, shows the original beside a top expense and says when
expenses wait for a rate; Settings › Sharing sets the household's currency for everyone linked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from nicegui.testing import User

from app.models import Expense
from app.models import User as Account
from app.services import rates
from tests.builders import add, basics, link
from tests.conftest import api_login, make_user
from tests.page_steps import open_page
from tests.polling import until
from tests.settings_pages import see, toasted

HOSTILE = '<img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


def _table_rows(user: User) -> list[dict]:
    return user.find(marker='expenses-table').elements.pop().rows


async def test_the_form_saves_an_expense_in_dollars_shown_converted(user: User) -> None:
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    t = await open_page(user, '/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    select = user.find(marker='expense-currency').elements.pop()
    assert select.value == 'EUR' and list(select.options)[0] == 'EUR'  # the household's first
    user.find(marker='expense-amount').type('50')
    user.find(marker='expense-date').elements.pop().value = '2026-01-15'
    user.find(marker='expense-category').elements.pop().value = t['food'].id
    user.find(marker='expense-payment-method').elements.pop().value = t['card'].id
    select.value = 'USD'
    user.find(marker='save-expense').click()
    await until(lambda: Expense.select().count() == 1)
    saved = Expense.get()
    assert (saved.currency, saved.original_cents, saved.amount_cents) == ('USD', 5000, 4000)
    await until(lambda: [r['amount_text'] for r in _table_rows(user)] == ['40,00\u00a0€ (50,00\u00a0US$)'])

    # editing keeps the currency: the form opens on it, with the amount as typed
    from app.pages import expenses as page

    _choices, initial = page.load_edit_form(t['alice'], saved.id)
    assert initial['currency'] == 'USD' and initial['amount'] == '50,00'


async def test_a_missing_rate_is_marked_in_the_table_and_on_the_dashboard(user: User) -> None:
    alice = make_user('alice')
    things = basics(alice)
    add(alice, things, '20.00', date='2026-01-10')
    add(alice, things, '100.00', date='2026-01-12', currency='CHF', description=HOSTILE)
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    await until(lambda: len(_table_rows(user)) == 2)
    texts = sorted(r['amount_text'] for r in _table_rows(user))
    assert texts == ['100,00\u00a0CHF (rate missing)', '20,00\u00a0€']
    assert any(r['description'] == HOSTILE for r in _table_rows(user))  # text in a cell, never HTML

    await user.open('/?month=2026-01')
    await see(user, marker='rate-missing')
    await see(user, '1 expense in another currency waits for the exchange rate of its date')
    rates.store_rates({date(2026, 1, 12): {'CHF': Decimal('0.8')}})
    await user.open('/?month=2026-01')
    await see(user, '125,00\u00a0€ (100,00\u00a0CHF)')  # the top expense, converted, the original beside it
    await user.should_not_see(marker='rate-missing')


async def test_the_household_currency_is_chosen_in_settings_sharing(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    add(alice, things, '40.00', date='2026-01-15')
    await api_login(user)
    await user.open('/settings?tab=sharing')
    await see(user, marker='household-currency')
    await see(user, marker='latest-rates')
    choice = user.find(marker='household-currency-select').elements.pop()
    assert choice.value == 'EUR'
    choice.value = 'USD'
    user.find(marker='apply-household-currency').click()
    await toasted(user, 'The household now counts in USD.')
    assert {a.username: a.currency for a in Account.select()} == {'alice': 'USD', 'bob': 'USD'}
    assert Expense.get().amount_cents == 5000
    await user.open('/?month=2026-01')
    await see(user, '50,00\u00a0US$ (40,00\u00a0€)')  # counted in dollars now, the euros it was in beside
