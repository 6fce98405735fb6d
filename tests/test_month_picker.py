"""The month picker of the expenses page: its label, the address and the table always show one month."""

from __future__ import annotations

import threading

import pytest
import time_machine
from nicegui.testing import User

from app.services import expense_search
from app.services.months import Month
from tests.builders import add, basics
from tests.conftest import api_login, make_user
from tests.polling import until
from tests.test_expenses_pages import _labels, _table


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


async def _open(user: User, path: str = '/expenses?month=2026-01') -> tuple[dict, list[str]]:
    """Open the page as alice; returns her things and the addresses the page writes into the URL bar."""
    alice = make_user('alice')
    things = basics(alice)
    for day, text in (('2025-11-03', 'november'), ('2026-01-05', 'january'), ('2026-04-02', 'april')):
        add(alice, things, date=day, description=text)
    addresses: list[str] = []
    user.navigate.history.replace = addresses.append  # what the browser's address bar is set to
    await api_login(user)
    await user.open(path)
    return {'alice': alice, **things}, addresses


def _shown(user: User) -> list[str]:
    return [row['description'] for row in _table(user).rows]


async def _sees_month(user: User, addresses: list[str], label: str, month: str, rows: list[str]) -> None:
    """The label, the last address and the table agree on `month`."""
    await until(lambda: _labels(user, 'month-label') == label)
    await until(lambda: bool(addresses) and addresses[-1] == f'/expenses?month={month}')
    await until(lambda: _shown(user) == rows)


async def test_an_expense_dated_in_another_month_moves_label_address_and_table(user: User) -> None:
    t, addresses = await _open(user)
    assert _labels(user, 'month-label') == 'January 2026' and _shown(user) == ['january']
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-amount').type('8')
    user.find(marker='expense-date').elements.pop().value = '2026-03-14'
    user.find(marker='expense-category').elements.pop().value = t['food'].id
    user.find(marker='expense-payment-method').elements.pop().value = t['card'].id
    user.find(marker='expense-description').type('march')
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    await user.should_see('It is dated in March 2026: showing that month.')
    await _sees_month(user, addresses, 'March 2026', '2026-03', ['march'])
    assert _labels(user, 'month-count') == '1'

    # › counts from the month shown: April, not May
    user.find(marker='month-next').click()
    await _sees_month(user, addresses, 'April 2026', '2026-04', ['april'])
    user.find(marker='month-previous').click()
    user.find(marker='month-previous').click()
    await _sees_month(user, addresses, 'February 2026', '2026-02', [])


async def test_the_menu_changes_the_year_and_the_month(user: User) -> None:
    _, addresses = await _open(user)
    assert _labels(user, 'month-menu-year') == '2026'
    user.find(marker='month-menu-previous-year').click()
    await until(lambda: _labels(user, 'month-menu-year') == '2025')
    assert _labels(user, 'month-label') == 'January 2026'  # browsing years changes nothing yet
    user.find(marker='month-menu-11').click()
    await _sees_month(user, addresses, 'November 2025', '2025-11', ['november'])
    current = user.find(marker='month-menu-11').elements.pop()
    assert current.props.get('aria-current') == 'date' and current.props.get('aria-label') == 'November 2025'

    user.find(marker='month-next').click()  # December 2025, then over the year's end
    user.find(marker='month-next').click()
    await _sees_month(user, addresses, 'January 2026', '2026-01', ['january'])
    assert _labels(user, 'month-menu-year') == '2026'

    user.find(marker='month-menu-next-year').click()
    user.find(marker='month-menu-next-year').click()
    await until(lambda: _labels(user, 'month-menu-year') == '2028')
    user.find(marker='month-menu-today').click()
    await _sees_month(user, addresses, 'January 2026', '2026-01', ['january'])


async def test_the_latest_move_wins_when_loads_finish_out_of_order(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """› › quickly: if February's rows arrive after March's, the table still shows March, like the label."""
    t, addresses = await _open(user)
    add(t['alice'], t, date='2026-02-10', description='february')
    add(t['alice'], t, date='2026-03-10', description='march')
    march_shown = threading.Event()
    real_list = expense_search.list_expenses  # what the page's listing calls

    calls = {'february': 'not asked'}

    def list_in_any_order(account, month, **kwargs):
        if month == Month(2026, 2):
            march_shown.wait(5)  # February answers last
        result = real_list(account, month, **kwargs)
        if month == Month(2026, 2):
            calls['february'] = 'answered'
        if month == Month(2026, 3):
            march_shown.set()
        return result

    monkeypatch.setattr(expense_search, 'list_expenses', list_in_any_order)
    user.find(marker='month-next').click()
    user.find(marker='month-next').click()
    await _sees_month(user, addresses, 'March 2026', '2026-03', ['march'])
    await until(lambda: calls['february'] == 'answered')
    assert _labels(user, 'month-label') == 'March 2026' and _shown(user) == ['march']


async def test_a_bad_month_in_the_address_says_so_and_shows_this_month(user: User) -> None:
    await _open(user, '/expenses?month=2026-13')
    await user.should_see('not a month between')
    assert _labels(user, 'month-label') == 'January 2026' and _shown(user) == ['january']
