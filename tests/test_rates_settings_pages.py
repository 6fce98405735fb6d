"""Settings › Exchange rates (issue 20, item 4) through NiceGUI's simulated user: an administrator enters a
rate for a date and currency, corrects it, deletes it (the expense it converted waits again), and fetches
today's rates with "Update now" from a loopback server serving an ECB file; a rate of 0 or less, an unknown
code and a bad date are refused under their field and write nothing; someone else reads the rates only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from nicegui.testing import User

from app.models import ExchangeRate
from app.pages import settings_rates
from app.services import expenses, rates
from tests.builders import add, basics
from tests.conftest import api_login, make_user
from tests.page_steps import one
from tests.polling import until
from tests.settings_pages import see, toasted
from tests.test_rates_api import ECB, serving

HOSTILE = '<img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


def _row_count() -> int:
    return ExchangeRate.select().count()


async def test_an_administrator_enters_corrects_and_deletes_a_rate(user: User) -> None:
    admin = make_user('alice', admin=True)
    waiting = add(admin, basics(admin), '50.00', date='2026-01-15', currency='USD')
    await api_login(user)
    await user.open('/settings?tab=rates')
    await see(user, 'Exchange rates')
    await see(user, marker='rate-waiting-USD')  # 1 expense waits for the dollar's rate of that day
    await see(user, marker='no-rates')
    one(user, 'rate-currency').value = 'USD'
    one(user, 'rate-value').value = '1,25'
    one(user, 'rate-date').value = '2026-01-15'
    user.find(marker='save-rate').click()
    await toasted(user, '1 EUR = 1,25 USD on 2026-01-15; the expenses it converts are counted again.')
    await see(user, marker='rate-USD-2026-01-15')
    await see(user, '1 EUR = 1,25 USD')
    await user.should_not_see(marker='rate-waiting-USD')
    assert expenses.get_expense(admin, waiting.id).counted_cents == 4000

    user.find(marker='edit-rate-USD-2026-01-15').click()  # the form takes the rate; saving replaces it
    assert (one(user, 'rate-currency').value, one(user, 'rate-date').value) == ('USD', '2026-01-15')
    one(user, 'rate-value').value = '1.6'
    user.find(marker='save-rate').click()
    await see(user, '1 EUR = 1,6 USD')
    assert _row_count() == 1 and expenses.get_expense(admin, waiting.id).counted_cents == 3125

    user.find(marker='delete-rate-USD-2026-01-15').click()
    await see(user, marker='delete-rate-dialog')
    user.find(marker='confirm-delete-rate').click()
    await toasted(user, 'Rate deleted.')
    await see(user, marker='rate-waiting-USD')  # the expense waits again; nothing else lost
    assert _row_count() == 0 and expenses.get_expense(admin, waiting.id).rate_missing


@pytest.mark.parametrize(
    ('currency', 'rate', 'day', 'field', 'said'),
    [
        ('USD', '0', '2026-01-15', 'rate-value', 'A rate must be more than zero.'),
        ('USD', '-3', '2026-01-15', 'rate-value', 'A rate must be more than zero.'),
        ('USD', HOSTILE, '2026-01-15', 'rate-value', 'is not a rate'),
        ('XXY', '1.2', '2026-01-15', 'rate-currency', "'XXY' is not a currency code"),
        (HOSTILE, '1.2', '2026-01-15', 'rate-currency', 'is not a currency code'),
        ('USD', '1.2', '2026-02-30', 'rate-date', '2026-02-30'),
        ('USD', '1.2', 'tomorrow', 'rate-date', "'tomorrow' is not a date"),
    ],
    ids=['zero', 'negative', 'hostile rate', 'unknown code', 'hostile code', 'no such day', 'not a date'],
)
async def test_bad_rates_are_refused_under_their_field(user: User, currency, rate, day, field, said) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    await user.open('/settings?tab=rates')
    await see(user, marker='save-rate')
    select = one(user, 'rate-currency')
    if currency not in select.options:
        select.set_options({**select.options, currency: currency})  # what typing a new code into it does
    select.value = currency
    one(user, 'rate-value').value = rate
    one(user, 'rate-date').value = day
    user.find(marker='save-rate').click()
    await until(lambda: one(user, field).error)
    assert said in one(user, field).error  # a hostile text is in the field's message, as text
    assert _row_count() == 0


async def test_update_now_fetches_from_rates_url(user: User, monkeypatch) -> None:
    admin = make_user('alice', admin=True)
    waiting = add(admin, basics(admin), '50.00', date='2026-01-15', currency='USD')
    with serving((200, ECB), (503, b'down')) as (url, asked):
        monkeypatch.setattr(settings_rates, 'get_settings', lambda: SimpleNamespace(rates_url=url))
        await api_login(user)
        await user.open('/settings?tab=rates')
        await see(user, marker='update-rates')
        user.find(marker='update-rates').click()
        await toasted(user, '4 rates written, up to 2026-01-15.')
        await see(user, marker='rate-GBP-2026-01-15')
        assert expenses.get_expense(admin, waiting.id).counted_cents == 4000
        user.find(marker='update-rates').click()  # the source is down now: said, nothing written
        await toasted(user, 'answered HTTP 503')
    assert len(asked) == 2 and _row_count() == 4


async def test_without_rates_url_there_is_no_update_button(user: User) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    await user.open('/settings?tab=rates')
    await see(user, marker='save-rate')
    await user.should_not_see(marker='update-rates')  # RATES_URL is empty in tests


async def test_someone_else_reads_the_rates_only(user: User) -> None:
    make_user('alice', admin=True)
    make_user('bob')
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    await api_login(user, 'bob')
    await user.open('/settings?tab=rates')
    await see(user, '1 EUR = 1,25 USD')
    await see(user, 'An administrator enters the rates here; they are also fetched every day.')
    for marker in ('save-rate', 'rate-value', 'edit-rate-USD-2026-01-15', 'delete-rate-USD-2026-01-15'):
        await user.should_not_see(marker=marker)
    with pytest.raises(Exception, match='administrator'):
        rates.delete_rate(make_user('carol'), 'USD', '2026-01-15')
    assert _row_count() == 1
