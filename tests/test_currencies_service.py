"""Issue 20, item 4, in the services: an expense in its own currency counted in the household's at the rate
of its date (the rule: that day's rate, else the latest in the 7 days before); a missing rate marks it and
leaves it out of every total until the rate arrives; the household currency changed; 0 and 3 decimals;
bad codes and rates refused; conversions and splits add up to the cent (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Expense, ExpenseShare, MissingRate, Settlement, User
from app.services import balances, budgets, conversion, expenses, household_currency, preferences, rates, stats
from app.services.errors import Forbidden, Invalid
from app.services.months import Month
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


@pytest.fixture
def admin():
    return make_user('root', admin=True)


def total(user, month='2026-01') -> int:
    return stats.dashboard(user, Month.of(date.fromisoformat(month + '-01'))).stats.total_cents


def test_an_expense_in_dollars_counts_in_euros_at_the_rate_of_its_date(admin, alice, things) -> None:
    rates.set_rate(admin, 'USD', '1.25', '2026-01-14')
    rates.set_rate(admin, 'USD', '1.1111', '2026-01-15')
    row = add(alice, things, '50.00', date='2026-01-15', currency='usd')
    assert (row.currency, row.amount_cents, row.counted_currency) == ('USD', 5000, 'EUR')
    assert row.counted_cents == 4500  # 50 / 1.1111 = 45.0004... -> 45.00
    assert not row.rate_missing
    assert total(alice) == 4500
    # a Saturday takes the rate of the latest day before it, within a week
    saturday = add(alice, things, '10.00', date='2026-01-17', currency='USD')
    assert saturday.counted_cents == 900
    assert total(alice) == 5400


def test_the_rate_of_a_date_is_the_latest_within_seven_days_before_it(admin, alice, things) -> None:
    rates.set_rate(admin, 'USD', '2', '2026-01-01')
    assert add(alice, things, '10.00', date='2026-01-08', currency='USD').counted_cents == 500  # 7 days after
    late = add(alice, things, '10.00', date='2026-01-09', currency='USD')  # 8 days after: too stale
    assert late.rate_missing and late.counted_cents is None
    early = add(alice, things, '10.00', date='2025-12-31', currency='USD')  # before any rate
    assert early.rate_missing


def test_a_missing_rate_marks_the_expense_and_it_counts_once_the_rate_arrives(admin, alice, things) -> None:
    add(alice, things, '20.00', date='2026-01-10')
    row = add(alice, things, '100.00', date='2026-01-12', currency='CHF', description='ski pass')
    assert row.rate_missing and row.amount_cents == 10000 and row.counted_cents is None
    assert total(alice) == 2000
    page = expenses.list_expenses(alice, Month(2026, 1))
    assert page.count == 2 and page.total_cents == 2000  # listed, not added
    found = rates.list_rates(alice)
    assert [(m.currency, m.date, m.expenses) for m in found.missing] == [('CHF', date(2026, 1, 12), 1)]

    rates.store_rates({date(2026, 1, 12): {'CHF': Decimal('0.8')}})  # as a fetch would
    row = expenses.get_expense(alice, row.id)
    assert not row.rate_missing and row.counted_cents == 12500
    assert total(alice) == 14500
    assert not MissingRate.select().exists()
    assert rates.list_rates(alice).missing == ()


def test_cross_rates_go_through_the_euro(admin, alice, things) -> None:
    preferences.update_preferences(alice, currency='GBP')
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.2'), 'GBP': Decimal('0.8')}})
    row = add(alice, things, '30.00', date='2026-01-15', currency='USD')
    assert row.counted_cents == 2000  # 30 USD = 25 EUR = 20 GBP
    assert row.counted_currency == 'GBP'


def test_zero_and_three_decimal_currencies(admin, alice, things) -> None:
    rates.store_rates({date(2026, 1, 15): {'JPY': Decimal('161.23'), 'TND': Decimal('3.3333')}})
    yen = add(alice, things, '1000', date='2026-01-15', currency='JPY')
    assert yen.amount_cents == 100000 and yen.counted_cents == 620  # 6.2023 EUR -> 6.20
    with pytest.raises(Invalid) as refused:
        add(alice, things, '1000.50', date='2026-01-15', currency='JPY')
    assert refused.value.field == 'amount'
    dinar = add(alice, things, '10.00', date='2026-01-15', currency='TND')
    assert dinar.counted_cents == 300  # 3.00003 -> 3.00
    # into yen: rounded to the whole yen
    preferences.update_preferences(alice, currency='JPY')
    assert expenses.get_expense(alice, yen.id).counted_cents == 100000
    euros = add(alice, things, '10.00', date='2026-01-15', currency='EUR')
    assert euros.counted_cents == 161200  # 1612.3 JPY -> 1612 JPY (half-up)


def test_rounding_is_half_up_to_the_unit() -> None:
    assert conversion.round_to(Fraction(2501, 2), 'EUR') == 1251  # 1250.5 cents -> 1251
    assert conversion.round_to(Fraction(24999, 2), 'EUR') == 12500  # 12499.5 -> 12500
    assert conversion.round_to(Fraction(15049), 'JPY') == 15000  # 150.49 yen -> 150
    assert conversion.round_to(Fraction(15050), 'JPY') == 15100  # 150.50 yen -> 151
    assert conversion.round_to(Fraction(1, 3), 'EUR') == 1  # never 0 for a positive amount


def test_bad_codes_and_rates_are_refused(admin, alice, things) -> None:
    for code in ('XYZ', 'US', 'dollars', '€', '', '<img src=x onerror=alert(1)>'):
        with pytest.raises(Invalid) as refused:
            rates.set_rate(admin, code, '1.2', '2026-01-15')
        assert refused.value.field == 'currency'
    with pytest.raises(Invalid) as refused:
        add(alice, things, '5', currency='XYZ')
    assert refused.value.field == 'currency'
    for value in ('0', '-1.2', 'abc', 'NaN', 'inf', '1e30', ''):
        with pytest.raises(Invalid) as refused:
            rates.set_rate(admin, 'USD', value, '2026-01-15')
        assert refused.value.field == 'rate', value
    with pytest.raises(Invalid):
        rates.set_rate(admin, 'EUR', '1.1', '2026-01-15')
    with pytest.raises(Forbidden):
        rates.set_rate(alice, 'USD', '1.1', '2026-01-15')
    assert not Expense.select().exists()


def test_a_fetched_rate_never_overwrites_one_entered_by_hand(admin) -> None:
    rates.set_rate(admin, 'USD', '1.5', '2026-01-15')
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.1'), 'GBP': Decimal('0.8')}})
    listed = {(r.currency, r.rate, r.source) for r in rates.list_rates(admin).rates}
    assert listed == {('USD', '1.5', 'manual'), ('GBP', '0.8', 'fetched')}


def test_editing_an_expense_converts_it_again_and_keeps_the_split_exact(admin) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.5')}, date(2026, 1, 20): {'USD': Decimal('1.2')}})
    split = {'mode': 'amounts', 'members': [alice.id, bob.id], 'parts': ['40.00', '20.00']}
    row = add(alice, things, '60.00', date='2026-01-15', currency='USD', split=split)
    assert row.counted_cents == 4000
    assert [s.amount_cents for s in row.split.shares] == [2667, 1333]  # 40 and 20 of 60, in euros
    assert {m.username: m.balance_cents for m in balances.balances(alice).members} == {'alice': 1333, 'bob': -1333}
    row = expenses.update_expense(alice, row.id, {'date': '2026-01-20', 'description': 'moved'})
    assert row.counted_cents == 5000 and [s.amount_cents for s in row.split.shares] == [3333, 1667]
    row = expenses.update_expense(alice, row.id, {'currency': 'EUR'})
    assert row.counted_cents == 6000 and [s.amount_cents for s in row.split.shares] == [4000, 2000]
    equal = {'mode': 'equal', 'members': [alice.id, bob.id]}
    row = expenses.update_expense(alice, row.id, {'amount': '12', 'currency': 'USD', 'split': equal})
    assert row.amount_cents == 1200 and row.counted_cents == 1000
    assert [s.amount_cents for s in row.split.shares] == [500, 500]
    assert sum(s.share_cents for s in ExpenseShare.select()) == 1000


def test_delete_and_undo_keep_the_currency(admin, alice, things) -> None:
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    row = add(alice, things, '50.00', date='2026-01-15', currency='USD')
    snapshot = expenses.delete_expense(alice, row.id)
    back = expenses.restore_expense(alice, snapshot)
    assert (back.currency, back.amount_cents, back.counted_cents) == ('USD', 5000, 4000)


def test_the_household_currency_changed_counts_everything_again(admin) -> None:
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    link(alice, bob)
    link(bob, carol)  # a chain: alice and carol are not linked, but count in one currency
    things = basics(alice)
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    euros = add(alice, things, '50.00', date='2026-01-15', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    dollars = add(alice, things, '25.00', date='2026-01-15', currency='USD')
    old = add(alice, things, '10.00', date='2026-01-16')
    Expense.update(currency=None, original_cents=None).where(Expense.id == old.id).execute()  # before v15
    balances.create_settlement(bob, bob.id, alice.id, '10.00', '2026-01-15')
    assert total(alice) == 5000 + 2000 + 1000

    change = household_currency.set_household_currency(bob, 'USD')
    assert change.currency == 'USD' and set(change.members) == {'alice', 'bob', 'carol'}
    assert {u.username: u.currency for u in User.select()} == {'root': 'EUR', 'alice': 'USD', 'bob': 'USD',
                                                                'carol': 'USD'}  # fmt: skip
    alice = User.get_by_id(alice.id)
    assert expenses.get_expense(alice, euros.id).counted_cents == 6250
    assert expenses.get_expense(alice, dollars.id).counted_cents == 2500
    # the row from before currencies was in euros: it is now in euros, counted in dollars (the 16th takes the 15th's)
    kept = expenses.get_expense(alice, old.id)
    assert (kept.currency, kept.amount_cents, kept.counted_cents) == ('EUR', 1000, 1250)
    assert total(alice) == 6250 + 2500 + 1250
    assert Settlement.get().amount_cents == 1250
    assert {m.username: m.balance_cents for m in balances.balances(alice).members} == {'alice': 3125 - 1250,
                                                                                      'bob': -3125 + 1250}  # fmt: skip
    # and back: the amounts come from the originals, not from a conversion of a conversion
    household_currency.set_household_currency(alice, 'EUR')
    assert expenses.get_expense(alice, euros.id).counted_cents == 5000
    assert Settlement.get().amount_cents == 1000


def test_a_household_change_needing_a_missing_settlement_rate_writes_nothing(admin) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    add(alice, things, '50.00', date='2026-01-15')
    balances.create_settlement(bob, bob.id, alice.id, '10.00', '2026-01-15')
    with pytest.raises(Invalid) as refused:
        household_currency.set_household_currency(alice, 'USD')
    assert '2026-01-15' in refused.value.message
    assert {u.currency for u in User.select()} == {'EUR'}
    assert Expense.get().amount_cents == 5000 and Expense.get().currency == 'EUR'
    with pytest.raises(Invalid):
        household_currency.set_household_currency(alice, 'XYZ')


def test_budgets_count_converted_amounts_and_not_the_ones_waiting(admin, alice, things) -> None:
    budget = budgets.create_budget(alice, '100')
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('2')}})
    add(alice, things, '50.00', date='2026-01-15', currency='USD')
    add(alice, things, '50.00', date='2026-01-15', currency='GBP')  # no rate
    found = budgets.list_budgets(alice, Month(2026, 1), today=date(2026, 1, 20))
    assert [b.spent_cents for b in found if b.id == budget.id] == [2500]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cents=st.integers(min_value=1, max_value=10**11),
    source=st.sampled_from([Fraction(1), Fraction(Decimal('1.0845')), Fraction(Decimal('161.23')), Fraction(3)]),
    target=st.sampled_from([Fraction(1), Fraction(Decimal('0.8573')), Fraction(Decimal('9.87654321'))]),
    currency=st.sampled_from(['EUR', 'JPY', 'TND']),
)
def test_a_conversion_is_the_exact_value_rounded_once(cents, source, target, currency) -> None:
    exact = Fraction(cents) * target / source
    got = conversion.round_to(exact, currency)
    step = 100 if currency == 'JPY' else 1
    assert got % step == 0 and got >= step
    assert abs(Fraction(got) - exact) <= Fraction(step, 2) or got == step
