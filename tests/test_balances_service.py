"""Issue 20, items 2 and 5: balances and settling up. A couple, three roommates, a chain A-B-C (A and C
not linked); the balances of a household always sum to zero and the suggested plan, applied, settles
everyone with at most n-1 transfers (hypothesis); settlements move balances and are never spending;
unlinking keeps what the two owed each other."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Settlement
from app.services import balances, expenses, exports, links, stats
from app.services.errors import Invalid, NotFound
from app.services.months import Month
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


def figures(user) -> dict[str, int]:
    return {m.username: m.balance_cents for m in balances.balances(user).members}


def plan(user) -> list[tuple[str, str, int]]:
    return [(t.from_username, t.to_username, t.amount_cents) for t in balances.balances(user).suggestions]


@pytest.fixture
def couple():
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    return alice, bob, basics(alice)


def test_a_couple_splits_equally_and_settles_up(couple) -> None:
    alice, bob, things = couple
    add(alice, things, '50.00', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    add(alice, things, '20.00', paid_by=bob.id, split={'mode': 'equal', 'members': [alice.id, bob.id]})
    add(alice, things, '7.00')  # just alice's: no effect on the balance
    assert figures(alice) == {'alice': 1500, 'bob': -1500}
    assert figures(bob) == {'alice': 1500, 'bob': -1500}
    view = balances.balances(bob)
    assert [(m.username, m.paid_cents, m.share_cents) for m in view.members] == [
        ('bob', 2000, 3500),
        ('alice', 5000, 3500),
    ]
    assert view.household and plan(bob) == [('bob', 'alice', 1500)]
    partial = balances.create_settlement(bob, bob.id, alice.id, '10.00', '2026-01-20')
    assert figures(alice) == {'alice': 500, 'bob': -500}
    balances.create_settlement(alice, bob.id, alice.id, '5')
    assert figures(alice) == {'alice': 0, 'bob': 0} and plan(alice) == []
    undone = balances.delete_settlement(alice, partial.id)
    assert figures(alice) == {'alice': 1000, 'bob': -1000}
    balances.restore_settlement(alice, undone)
    assert figures(alice) == {'alice': 0, 'bob': 0}


def test_three_roommates_settle_with_at_most_two_transfers() -> None:
    a, b, c = make_user('ann'), make_user('ben'), make_user('cat')
    link(a, b)
    link(b, c)
    link(a, c)
    things = basics(a)
    everyone = [a.id, b.id, c.id]
    add(a, things, '90.00', split={'mode': 'equal', 'members': everyone})
    add(a, things, '30.00', paid_by=b.id, split={'mode': 'equal', 'members': everyone})
    add(a, things, '60.00', paid_by=c.id, split={'mode': 'shares', 'members': everyone, 'parts': [1, 1, 4]})
    # ann paid 90, owes 30+10+10=50: +40; ben paid 30, owes 30+10+10: -20; cat paid 60, owes 30+10+40: -20
    assert figures(b) == {'ann': 4000, 'ben': -2000, 'cat': -2000}
    assert sorted(plan(b)) == [('ben', 'ann', 2000), ('cat', 'ann', 2000)]


def test_a_chain_settles_pair_by_pair_and_the_ends_see_only_their_link() -> None:
    a, b, c = make_user('a'), make_user('b'), make_user('c')
    link(a, b)
    link(b, c)
    things_b = basics(b)
    add(b, things_b, '30.00', split={'mode': 'equal', 'members': [a.id, b.id, c.id]})
    add(b, things_b, '10.00', paid_by=c.id, split={'mode': 'equal', 'members': [b.id, c.id]})
    # a owes b 10; c owes b 10 and b owes c 5: c owes b 5
    view = balances.balances(b)
    assert not view.household
    assert plan(b) == [('a', 'b', 1000), ('c', 'b', 500)]
    assert figures(b) == {'b': 1500, 'a': -1000, 'c': -500}
    assert figures(a) == {'a': -1000, 'b': 1000}  # a sees only b; c's part is none of a's business
    assert plan(a) == [('a', 'b', 1000)]
    assert figures(c) == {'c': -500, 'b': 500}
    with pytest.raises(NotFound):  # a and c are not linked: c is nobody to a
        balances.create_settlement(a, a.id, c.id, '5')
    with pytest.raises(NotFound):  # nor may b record a payment between them
        balances.create_settlement(b, a.id, c.id, '5')


def test_bad_settlements_are_refused() -> None:
    alice, bob, eve = make_user('alice'), make_user('bob'), make_user('eve')
    link(alice, bob)
    for args, field in (
        ((alice.id, alice.id, '5'), 'to_user_id'),
        ((alice.id, bob.id, '0'), 'amount'),
        ((alice.id, bob.id, '-3'), 'amount'),
        ((alice.id, bob.id, 'lots'), 'amount'),
        ((alice.id, '', '5'), 'to_user_id'),
    ):
        with pytest.raises(Invalid) as refused:
            balances.create_settlement(alice, *args)
        assert refused.value.field == field
    with pytest.raises(NotFound):
        balances.create_settlement(alice, alice.id, eve.id, '5')
    with pytest.raises(Invalid):
        balances.create_settlement(alice, alice.id, bob.id, '5', currency='XYZ')
    mine = balances.create_settlement(alice, alice.id, bob.id, '5')
    with pytest.raises(NotFound):  # eve is not in it
        balances.delete_settlement(eve, mine.id)
    assert Settlement.select().count() == 1


def test_settlements_are_never_spending(couple) -> None:
    alice, bob, things = couple
    add(alice, things, '40.00', date='2026-01-10', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    balances.create_settlement(bob, bob.id, alice.id, '20', '2026-01-12')
    month = Month(2026, 1)
    assert expenses.list_expenses(alice, month).total_cents == 4000
    assert expenses.list_expenses(bob, month).count == 1
    assert stats.summary(alice, month).total_cents == 4000
    csv = ''.join(exports.csv_chunks(alice, month))
    assert len(csv.strip().splitlines()) == 2  # the header and the one expense: no settlement


def test_unlinking_keeps_the_balance_for_both(couple) -> None:
    alice, bob, things = couple
    add(alice, things, '30.00', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    links.unlink(alice, 'bob')
    assert figures(alice) == {'alice': 0}
    assert [(p.username, p.balance_cents) for p in balances.balances(alice).former] == [('bob', 1500)]
    assert [(p.username, p.balance_cents) for p in balances.balances(bob).former] == [('alice', -1500)]
    assert expenses.get_expense(alice, expenses.list_expenses(alice, None).expenses[0].id).amount_cents == 3000
    balances.create_settlement(bob, bob.id, alice.id, '15')  # a former link may still be settled
    assert balances.balances(alice).former == () and balances.balances(bob).former == ()


def test_a_month_counts_only_its_own_expenses_and_settlements(couple) -> None:
    alice, bob, things = couple
    add(alice, things, '10.00', date='2026-01-10', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    add(alice, things, '30.00', date='2026-02-10', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    balances.create_settlement(bob, bob.id, alice.id, '5', date(2026, 2, 11))
    january = balances.balances(alice, Month(2026, 1))
    assert january.month == '2026-01' and {m.username: m.balance_cents for m in january.members} == {
        'alice': 500,
        'bob': -500,
    }
    assert january.settlements == ()
    assert figures(alice) == {'alice': 1500, 'bob': -1500}


PEOPLE = 4


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 500_000),  # cents
            st.integers(0, PEOPLE - 1),  # payer
            st.lists(st.integers(0, PEOPLE - 1), min_size=1, max_size=PEOPLE, unique=True),  # members
            st.lists(st.integers(1, 9), min_size=PEOPLE, max_size=PEOPLE),  # weights
        ),
        min_size=1,
        max_size=8,
    )
)
def test_balances_sum_to_zero_and_the_plan_settles_everyone(roommates, spending) -> None:
    people, things = roommates
    Settlement.delete().execute()
    for cents, payer, members, weights in spending:
        split = {'mode': 'shares', 'members': [people[m].id for m in members], 'parts': weights[: len(members)]}
        add(people[0], things, f'{cents // 100}.{cents % 100:02d}', paid_by=people[payer].id, split=split)
    view = balances.balances(people[0])
    assert sum(m.balance_cents for m in view.members) == 0
    assert len(view.suggestions) <= PEOPLE - 1
    for transfer in view.suggestions:
        balances.create_settlement(people[0], transfer.from_user_id, transfer.to_user_id,
                                   f'{transfer.amount_cents / 100:.2f}')  # fmt: skip
    assert all(m.balance_cents == 0 for m in balances.balances(people[0]).members)


@pytest.fixture
def roommates():
    people = [make_user(f'p{i}') for i in range(PEOPLE)]
    for i in range(PEOPLE):
        for j in range(i + 1, PEOPLE):
            link(people[i], people[j])
    return people, basics(people[0])


def test_fewest_transfers_on_its_own() -> None:
    assert balances.fewest_transfers({1: 300, 2: -100, 3: -200}) == [(3, 1, 200), (2, 1, 100)]
    assert balances.fewest_transfers({1: 0, 2: 0}) == []
