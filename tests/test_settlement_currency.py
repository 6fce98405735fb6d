"""Issue 20, item 6: a settlement in any currency. It keeps its own amount and moves the balance by that
amount converted at the rate of its date; while the rate is missing it is marked and moves nothing, and counts
once the rate arrives (fetched, entered, corrected or deleted); undo and redo keep its currency; the Household
page records one in dollars (the dialog's currency select) and shows the original beside the converted amount;
over HTTP `currency` is accepted, an unknown code or a whole-only currency with cents is a 422 naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from nicegui.testing import User

from app.models import Settlement
from app.services import balances, household_currency, rates
from app.services.errors import Invalid
from tests.builders import add, basics, link
from tests.conftest import API_KEY, api_login, make_user
from tests.page_steps import one
from tests.polling import until


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


def _couple():
    alice, bob = make_user('alice', admin=True), make_user('bob')
    link(alice, bob)
    add(alice, basics(alice), '100.00', date='2026-01-05', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    return alice, bob  # bob owes alice 50,00 €


def _balance(user, who) -> int:
    return next(m.balance_cents for m in balances.balances(user).members if m.user_id == who.id)


@pytest.mark.usefixtures('database')
def test_a_settlement_in_dollars_moves_the_balance_by_its_converted_amount() -> None:
    alice, bob = _couple()
    rates.store_rates({date(2026, 1, 16): {'USD': Decimal('1.25')}})
    row = balances.create_settlement(bob, bob.id, alice.id, '25', '2026-01-18', currency='usd')  # Friday's rate
    assert (row.currency, row.original_cents, row.amount_cents, row.rate_missing) == ('USD', 2500, 2000, False)
    assert _balance(alice, bob) == -3000
    stored = Settlement.get_by_id(row.id)
    assert (stored.currency, stored.original_cents, stored.amount_cents) == ('USD', 2500, 2000)
    same = balances.create_settlement(bob, bob.id, alice.id, '10', '2026-01-18')  # blank: the household's
    assert (same.currency, same.amount_cents, same.original_cents) == ('EUR', 1000, 1000)


@pytest.mark.usefixtures('database')
def test_a_missing_rate_is_marked_and_counts_once_it_arrives_is_corrected_or_deleted() -> None:
    alice, bob = _couple()
    row = balances.create_settlement(bob, bob.id, alice.id, '40', '2026-01-12', currency='CHF')
    assert row.rate_missing and _balance(alice, bob) == -5000  # moves nothing yet
    [shown] = balances.balances(alice).settlements
    assert shown.rate_missing and shown.original_cents == 4000
    rates.store_rates({date(2026, 1, 12): {'CHF': Decimal('0.8')}})  # fetched
    assert _balance(alice, bob) == 0  # 40 CHF at 0.8 per euro: 50 €
    rates.set_rate(alice, 'CHF', '1.6', '2026-01-12')  # corrected by hand
    assert _balance(alice, bob) == -2500 and Settlement.get_by_id(row.id).amount_cents == 2500
    rates.delete_rate(alice, 'CHF', '2026-01-12')  # deleted: waiting again, nothing lost
    stored = Settlement.get_by_id(row.id)
    assert stored.rate_missing and stored.original_cents == 4000 and _balance(alice, bob) == -5000


@pytest.mark.usefixtures('database')
def test_undo_and_redo_keep_the_currency_and_bad_input_writes_nothing() -> None:
    alice, bob = _couple()
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25'), 'JPY': Decimal('160')}})
    row = balances.create_settlement(alice, bob.id, alice.id, '25', '2026-01-15', currency='USD')
    gone = balances.delete_settlement(alice, row.id)
    back = balances.restore_settlement(alice, gone)
    assert (back.currency, back.original_cents, back.amount_cents) == ('USD', 2500, 2000)
    for currency, amount, field in (
        ('XYZ', '5', 'currency'),
        ('<img src=x>', '5', 'currency'),
        ('JPY', '5.5', 'amount'),
    ):
        with pytest.raises(Invalid) as refused:
            balances.create_settlement(bob, bob.id, alice.id, amount, '2026-01-15', currency=currency)
        assert refused.value.field == field
    assert balances.create_settlement(bob, bob.id, alice.id, '8000', '2026-01-15', currency='JPY').amount_cents == 5000
    assert Settlement.select().count() == 2


@pytest.mark.usefixtures('database')
def test_the_household_currency_changed_converts_a_settlement_from_its_own_amount() -> None:
    alice, bob = _couple()
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    row = balances.create_settlement(bob, bob.id, alice.id, '25', '2026-01-15', currency='USD')
    household_currency.set_household_currency(alice, 'USD')
    stored = Settlement.get_by_id(row.id)
    assert (stored.currency, stored.original_cents, stored.amount_cents, stored.rate_missing) == (
        'USD',
        2500,
        2500,
        False,
    )


async def test_the_household_page_records_a_settlement_in_dollars_and_shows_the_original(user: User) -> None:
    alice, bob = _couple()
    rates.store_rates({date(2026, 1, 20): {'USD': Decimal('1.25')}})
    await api_login(user, 'bob')
    await user.open('/household')
    user.find(marker='record-suggestion-0').click()
    await user.should_see(marker='settlement-dialog')
    select = one(user, 'settlement-currency')
    assert select.value == 'EUR'  # the household's first
    one(user, 'settlement-amount').value = '25'
    select.value = 'USD'
    user.find(marker='save-settlement').click()
    await until(lambda: Settlement.select().count() == 1)
    await until(lambda: one(user, f'balance-{bob.id}').text == '-30,00\u00a0€')
    await user.should_see('bob paid alice back 20,00\u00a0€ (25,00\u00a0US$)')
    balances.create_settlement(bob, bob.id, alice.id, '10', '2026-01-19', currency='CHF')  # no rate for it
    await user.open('/household')
    await user.should_see('bob paid alice back 10,00\u00a0CHF (rate missing)')
    assert one(user, f'balance-{bob.id}').text == '-30,00\u00a0€'


async def test_a_bad_currency_in_the_dialog_is_said_under_it(user: User) -> None:
    alice, bob = _couple()
    await api_login(user, 'bob')
    await user.open('/household')
    user.find(marker='record-settlement').click()
    await user.should_see(marker='settlement-dialog')
    one(user, 'settlement-from').value = bob.id
    one(user, 'settlement-to').value = alice.id
    one(user, 'settlement-amount').value = '1000.50'
    one(user, 'settlement-currency').value = 'JPY'
    user.find(marker='save-settlement').click()
    await until(lambda: one(user, 'settlement-amount').error)
    assert 'JPY has no decimals' in one(user, 'settlement-amount').error
    assert Settlement.select().count() == 0


def _url(path: str) -> str:
    return f'/sysapi/{path}?key={API_KEY}'


async def test_settlement_create_over_http_takes_a_currency(user: User) -> None:
    alice, bob = _couple()
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    await api_login(user, 'bob')
    body = {'from_user_id': bob.id, 'to_user_id': alice.id, 'amount': '25', 'date': '2026-01-15', 'currency': 'USD'}
    created = await user.http_client.post(_url('settlement_create'), json=body)
    assert created.status_code == 200, created.text
    got = created.json()
    assert (got['currency'], got['original_cents'], got['amount_cents'], got['rate_missing']) == (
        'USD',
        2500,
        2000,
        False,
    )
    for bad, field in (({'currency': 'XYZ'}, 'currency'), ({'currency': 'JPY', 'amount': '1.5'}, 'amount')):
        refused = await user.http_client.post(_url('settlement_create'), json={**body, **bad})
        assert refused.status_code == 422 and field in refused.text, refused.text
    listed = (await user.http_client.get(_url('balances'))).json()['settlements']
    assert [(s['currency'], s['original_cents']) for s in listed] == [('USD', 2500)]
