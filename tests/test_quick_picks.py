"""Quick picks ranked as specified: frequency, then weighted by time of day, day of week, recency and, when the
position is known, nearby places; the household's expenses count, an unlinked user's do not. Seeded history,
time frozen on Tuesday 10 March 2026, 08:00 UTC, for a user in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from app.models import Expense, User, UserLink
from app.services import quick_picks as qp
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # a Tuesday
MARKET = (48.8530, 2.3499)
STATION = (48.8443, 2.3744)  # about 2 km from the market


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alice() -> User:
    user = make_user('alice')
    User.update(timezone='UTC').where(User.id == user.id).execute()
    return User.get_by_id(user.id)


def spend(
    user: User,
    things: dict,
    *,
    when: str,
    sub: str | None = None,
    method: str = 'card',
    place: str = '',
    position: tuple[float, float] | None = None,
    category: str = 'food',
    times: int = 1,
) -> None:
    """`times` expenses dated and recorded at `when` (ISO, UTC)."""
    moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
    for _ in range(times):
        fields: dict = {'category_id': things[category].id, 'payment_method_id': things[method].id}
        if sub:
            fields['subcategory_id'] = things[sub].id
        if place:
            fields['place'] = place
        if position:
            fields['latitude'], fields['longitude'] = position
        row = add(user, things, date=moment.date().isoformat(), **fields)
        Expense.update(created_at=moment.replace(tzinfo=None)).where(Expense.id == row.id).execute()


def labels(picks: list[qp.QuickPick]) -> list[str]:
    return [
        ' · '.join(
            filter(
                None, (p.place, f'{p.category} › {p.subcategory}' if p.subcategory else p.category, p.payment_method)
            )
        )
        for p in picks
    ]


def test_the_most_frequent_combination_comes_first(alice: User) -> None:
    t = basics(alice)
    spend(alice, t, when='2026-02-20T12:00', sub='groceries', times=5)
    spend(alice, t, when='2026-02-20T12:00', sub='restaurants', method='cash', times=2)
    spend(alice, t, when='2026-02-20T12:00', category='transport', times=1)
    picks = qp.quick_picks(alice, NOW)
    assert labels(picks) == ['Food › Groceries · Card', 'Food › Restaurants · Cash', 'Transport · Card']
    assert [p.uses for p in picks] == [5, 2, 1]
    assert picks[0].category_id == t['food'].id and picks[0].subcategory_id == t['groceries'].id


def test_the_time_of_day_decides_between_habits(alice: User) -> None:
    t = basics(alice)
    # the same Tuesday a week ago: the bakery in the morning, the restaurant at night, three times each
    spend(alice, t, when='2026-03-03T08:10', sub='groceries', method='cash', place='Bakery', times=3)
    spend(alice, t, when='2026-03-03T20:30', sub='restaurants', place='Bistro', times=3)
    assert labels(qp.quick_picks(alice, NOW))[0] == 'Bakery · Food › Groceries · Cash'
    evening = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    assert labels(qp.quick_picks(alice, evening))[0] == 'Bistro · Food › Restaurants · Card'
    # hours wrap around midnight: 23:30 is near 00:30
    assert qp.hour_factor(0.5, 23.5) > qp.hour_factor(12, 23.5) == 1.0


def test_the_day_of_the_week_decides_between_habits(alice: User) -> None:
    t = basics(alice)
    spend(alice, t, when='2026-03-07T12:00', sub='groceries', place='Market', times=3)  # Saturdays
    spend(alice, t, when='2026-03-05T12:00', category='transport', times=3)  # a Thursday
    saturday = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
    assert labels(qp.quick_picks(alice, saturday))[0] == 'Market · Food › Groceries · Card'
    thursday = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
    assert labels(qp.quick_picks(alice, thursday))[0] == 'Transport · Card'


def test_a_nearby_place_comes_first_when_the_position_is_known(alice: User) -> None:
    t = basics(alice)
    spend(alice, t, when='2026-03-03T08:00', category='transport', position=STATION, times=4)
    spend(alice, t, when='2026-03-03T08:00', sub='groceries', place='Market', position=MARKET, times=2)
    assert labels(qp.quick_picks(alice, NOW))[0] == 'Transport · Card'  # without a position: frequency
    near_market = (MARKET[0] + 0.0005, MARKET[1])  # about 55 m away
    assert labels(qp.quick_picks(alice, NOW, *near_market))[0] == 'Market · Food › Groceries · Card'
    # not a position: ignored, not an error
    assert labels(qp.quick_picks(alice, NOW, 'north', 2.0))[0] == 'Transport · Card'
    assert labels(qp.quick_picks(alice, NOW, 95.0, 2.0))[0] == 'Transport · Card'


def test_recent_habits_weigh_more_than_old_ones_and_the_year_bounds_them(alice: User) -> None:
    t = basics(alice)
    spend(alice, t, when='2025-06-09T08:00', sub='restaurants', times=4)  # nine months ago
    spend(alice, t, when='2026-03-03T08:00', sub='groceries', times=2)
    spend(alice, t, when='2025-01-06T08:00', category='transport', times=9)  # more than a year ago
    assert labels(qp.quick_picks(alice, NOW)) == ['Food › Groceries · Card', 'Food › Restaurants · Card']


def test_the_household_counts_and_an_unlinked_user_does_not(alice: User) -> None:
    t = basics(alice)
    bob, carol = make_user('bob'), make_user('carol')
    tb, tc = basics(bob), basics(carol)
    link(alice, bob)
    spend(bob, tb, when='2026-03-03T08:00', category='transport', method='cash', times=3)
    spend(carol, tc, when='2026-03-03T08:00', sub='restaurants', times=9)
    spend(alice, t, when='2026-03-03T08:00', sub='groceries', times=1)
    picks = qp.quick_picks(alice, NOW)
    assert labels(picks) == ['Transport · Cash', 'Food › Groceries · Card']
    assert picks[0].category_id == tb['transport'].id  # bob's category, which alice may choose
    UserLink.delete().execute()  # unlinked: bob's categories are no longer alice's to choose
    assert labels(qp.quick_picks(alice, NOW)) == ['Food › Groceries · Card']


def test_the_limit_and_an_empty_history(alice: User) -> None:
    t = basics(alice)
    assert qp.quick_picks(alice, NOW) == []
    for index, sub in enumerate(('groceries', 'restaurants')):
        for method in ('card', 'cash'):
            spend(alice, t, when=f'2026-03-0{index + 1}T08:00', sub=sub, method=method)
    spend(alice, t, when='2026-03-03T08:00', category='transport')
    assert len(qp.quick_picks(alice, NOW)) == qp.DEFAULT_LIMIT
    assert len(qp.quick_picks(alice, NOW, limit=2)) == 2
    assert len(qp.quick_picks(alice, NOW, limit=0)) == 1
    assert len(qp.quick_picks(alice, NOW, limit=1000)) == 5


def test_linked_users_same_names_are_one_habit(alice: User) -> None:
    t = basics(alice)
    bob = make_user('bob')
    tb = basics(bob)  # bob has a Food › Groceries and a Card too
    link(alice, bob)
    spend(bob, tb, when='2026-03-03T08:00', sub='groceries', times=2)
    spend(alice, t, when='2026-03-02T08:00', sub='groceries', times=1)
    spend(alice, t, when='2026-03-03T08:00', category='transport', times=2)
    picks = qp.quick_picks(alice, NOW)
    assert labels(picks) == ['Food › Groceries · Card', 'Transport · Card']
    assert picks[0].uses == 3
