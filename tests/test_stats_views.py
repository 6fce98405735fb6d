"""Issue 20, item 3: the dashboard counted three ways (`view=share|paid|household`), the Everyone / Only mine
scope still choosing whose expenses by who created them. A couple, a chain A-B-C, a former link; in a
household where everyone is linked, the members' shares and what they paid each add up to the household's
total (hypothesis); settlements never count; the dashboard's query count does not grow with the view."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playhouse.test_utils import count_queries

from app.models import Expense, ExpenseShare, ExpenseSplit
from app.services import balances, links, stats
from app.services.errors import Invalid
from app.services.months import Month
from tests.builders import add, basics, link, make_user
from tests.test_dashboard_queries import DASHBOARD_QUERIES

pytestmark = pytest.mark.usefixtures('database')

JAN = Month(2026, 1)
EQUAL = 'equal'


@pytest.fixture
def couple():
    """alice and bob, linked, with five expenses in January 2026 and a settlement:
    - alice's 100.00 split equally (alice paid): alice 50, bob 50
    - alice's 30.00 paid by bob, split equally: alice 15, bob 15
    - alice's 7.00, just hers
    - bob's 20.00, just his
    - bob's 12.00 split 2:1 between bob and alice: bob 8, alice 4
    """
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    both = [alice.id, bob.id]
    add(alice, things, '100.00', date='2026-01-05', split={'mode': EQUAL, 'members': both}, description='Dinner')
    add(alice, things, '30.00', date='2026-01-06', paid_by=bob.id, split={'mode': EQUAL, 'members': both})
    add(alice, things, '7.00', date='2026-01-07', payment_method_id=things['cash'].id)
    add(bob, things, '20.00', date='2026-01-08', category_id=things['transport'].id)
    add(
        bob,
        things,
        '12.00',
        date='2026-01-09',
        split={'mode': 'shares', 'members': [bob.id, alice.id], 'parts': [2, 1]},
    )
    balances.create_settlement(bob, bob.id, alice.id, '25', '2026-01-10')
    return alice, bob, things


def totals(user, scope: str = 'everyone') -> dict[str, tuple[int, int]]:
    return {
        view: ((s := stats.summary(user, JAN, scope, view)).total_cents, s.count)
        for view in ('share', 'paid', 'household')
    }


def test_the_three_views_of_a_couple(couple) -> None:
    alice, bob, _ = couple
    assert totals(alice) == {'share': (7600, 4), 'paid': (10700, 2), 'household': (16900, 5)}
    assert totals(bob) == {'share': (9300, 4), 'paid': (6200, 3), 'household': (16900, 5)}
    # Only mine: the same views over the expenses each created
    assert totals(alice, 'mine') == {'share': (7200, 3), 'paid': (10700, 2), 'household': (13700, 3)}
    assert totals(bob, 'mine') == {'share': (2800, 2), 'paid': (3200, 2), 'household': (3200, 2)}


def test_every_figure_of_the_dashboard_follows_the_view(couple) -> None:
    alice, _, things = couple
    data = stats.dashboard(alice, JAN, view='share', today=date(2026, 1, 31))
    assert data.view == 'share'
    assert data.stats.total_cents == 7600 and data.stats.highest is not None
    assert (data.stats.highest.description, data.stats.highest.amount_cents) == ('Dinner', 5000)
    assert [(e.amount_cents, e.owner) for e in data.top_expenses] == [(5000, 'alice'), (1500, 'alice'),
                                                                      (700, 'alice'), (400, 'bob')]  # fmt: skip
    assert {d.day: d.total_cents for d in data.daily_evolution if d.total_cents} == {5: 5000, 6: 1500, 7: 700, 9: 400}
    assert data.daily_evolution[-1].cumulative_cents == 7600
    assert sum(w.total_cents for w in data.weekly_comparison) == 7600
    assert [(c.name, c.total_cents, c.count) for c in data.category_distribution] == [('Food', 7600, 4)]
    assert {p.name: p.total_cents for p in data.payment_method_stats} == {'Card': 6900, 'Cash': 700}
    assert data.year_overview.totals_cents[0] == 7600 and data.year_overview.total_cents == 7600
    paid = stats.dashboard(alice, JAN, view='paid', today=date(2026, 1, 31))
    assert [(c.name, c.total_cents) for c in paid.category_distribution] == [('Food', 10700)]
    household = stats.dashboard(bob_of(couple), JAN, view='household', today=date(2026, 1, 31))
    assert {c.name: c.total_cents for c in household.category_distribution} == {'Food': 14900, 'Transport': 2000}
    # each single figure answers what the dashboard says
    assert stats.category_distribution(alice, JAN, view='share') == data.category_distribution
    assert stats.top_expenses(alice, JAN, view='share') == data.top_expenses
    assert stats.year_overview(alice, 2026, view='share') == data.year_overview
    assert stats.payment_method_stats(alice, JAN, view='share') == data.payment_method_stats
    assert stats.daily_evolution(alice, JAN, today=date(2026, 1, 31), view='share') == data.daily_evolution
    assert stats.weekly_comparison(alice, JAN, today=date(2026, 1, 31), view='share') == data.weekly_comparison
    assert things['transport'].id not in [c.category_id for c in data.category_distribution]


def bob_of(couple):
    return couple[1]


def test_the_default_view_is_the_household_as_before(couple) -> None:
    alice, _, _ = couple
    assert stats.dashboard(alice, JAN).view == 'household'
    assert stats.summary(alice, JAN) == stats.summary(alice, JAN, view='household')


def test_a_wrong_view_is_refused_naming_the_field(couple) -> None:
    alice, _, _ = couple
    for view in ('mine', '', 'SHARE', None, 'share; drop table expense'):
        with pytest.raises(Invalid) as caught:
            stats.dashboard(alice, JAN, view=view)  # type: ignore[arg-type]  # what a careless caller sends
        assert caught.value.field == 'view'


def test_settlements_count_in_no_view(couple) -> None:
    alice, bob, _ = couple
    before = totals(alice), totals(bob)
    balances.create_settlement(alice, alice.id, bob.id, '60', '2026-01-20')
    assert (totals(alice), totals(bob)) == before


def test_a_chain_each_end_counts_its_own_share() -> None:
    a, b, c = make_user('a'), make_user('b'), make_user('c')
    link(a, b)
    link(b, c)
    things = basics(b)
    add(b, things, '90.00', split={'mode': EQUAL, 'members': [a.id, b.id, c.id]})
    add(b, things, '10.00')  # just b's
    assert stats.summary(a, JAN, view='share').total_cents == 3000
    assert stats.summary(c, JAN, view='share').total_cents == 3000
    assert stats.summary(b, JAN, view='share').total_cents == 4000
    assert stats.summary(a, JAN, view='paid').total_cents == 0
    assert stats.summary(b, JAN, view='paid').total_cents == 10000
    assert stats.summary(a, JAN, view='household').total_cents == 10000


def test_after_unlinking_each_still_counts_its_share_of_what_it_created(couple) -> None:
    alice, bob, _ = couple
    links.unlink(alice, 'bob')
    # alice no longer sees bob's expenses; her own keep their split (kept as they were at unlinking)
    assert totals(alice) == {'share': (7200, 3), 'paid': (10700, 2), 'household': (13700, 3)}
    assert totals(bob) == {'share': (2800, 2), 'paid': (3200, 2), 'household': (3200, 2)}


@pytest.mark.parametrize('view', ['share', 'paid'])
def test_the_query_count_does_not_grow_with_the_view(couple, view: str) -> None:
    alice, _, _ = couple
    with count_queries() as household:
        stats.dashboard(alice, JAN, view='household')
    with count_queries() as counted:
        stats.dashboard(alice, JAN, view=view)
    assert counted.count == household.count <= DASHBOARD_QUERIES


@pytest.fixture
def roommates() -> list[tuple]:
    """Three roommates all linked to each other, each with their categories and payment methods."""
    people = [make_user(name) for name in ('ann', 'ben', 'cat')]
    link(people[0], people[1])
    link(people[1], people[2])
    link(people[0], people[2])
    return [(person, basics(person)) for person in people]


def percent_parts(n: int) -> list[int]:
    return [100 - 10 * (n - 1)] + [10] * (n - 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.integers(1, 100_000),  # amount in cents
            st.integers(0, 2),  # who creates it
            st.integers(0, 2),  # who paid
            st.sets(st.integers(0, 2), min_size=1),  # who shares it
            st.sampled_from(['equal', 'shares', 'percent']),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_in_a_household_shares_and_payments_each_add_up_to_the_household(roommates, rows) -> None:
    ExpenseShare.delete().execute()  # hypothesis runs every example in the one database of the test
    ExpenseSplit.delete().execute()
    Expense.delete().execute()
    for cents, owner, payer, members, mode in rows:
        ids = [roommates[m][0].id for m in sorted(members)]
        parts = {'equal': [], 'shares': list(range(1, len(ids) + 1)), 'percent': percent_parts(len(ids))}[mode]
        split = {'mode': mode, 'members': ids, 'parts': parts}
        person, things = roommates[owner]
        add(person, things, f'{cents / 100:.2f}', paid_by=roommates[payer][0].id, split=split)
    whole = sum(cents for cents, *_ in rows)
    for view in ('share', 'paid'):
        assert sum(stats.summary(person, JAN, view=view).total_cents for person, _ in roommates) == whole
    assert {stats.summary(person, JAN).total_cents for person, _ in roommates} == {whole}
