"""Places kept up to date change by change (places_state) are exactly the places computed from nothing, and
the same groups as one grouping of the whole household; a save regroups one neighbourhood, not all."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.models import Expense, utcnow
from app.services import places, places_state
from app.services.access import visible_owner_ids
from app.services.places_grouping import Visit, figures_of, group_visits
from tests.builders import add

pytestmark = pytest.mark.usefixtures('database')

SHOPS = [(48.8566 + 0.0012 * i, 2.3522 + 0.0009 * (i % 4)) for i in range(12)]  # ~130 m apart: chains
FAR = (45.7640, 4.8357)  # Lyon: a neighbourhood of its own
# names of different lengths: a rename by hand that keeps updated_at is seen through the sum of the lengths
# (one that keeps the length too is seen at the next change, as before; every write of the app moves updated_at)
NAMES = ['', '', 'Bakery', 'bakery ', 'Market hall', 'Pharmacy']


def _row(rng: random.Random, owner_id: int, things: dict) -> dict:
    lat, lon = rng.choice([*SHOPS, FAR])
    return {
        'owner': owner_id,
        'amount_cents': rng.randint(100, 9_000),
        'date': date(2026, 1, 1) + timedelta(days=rng.randint(0, 90)),
        'category': rng.choice([things['food'], things['transport']]).id,
        'payment_method': rng.choice([things['card'], things['cash']]).id,
        'latitude': lat + rng.uniform(-0.0006, 0.0006),
        'longitude': lon + rng.uniform(-0.0006, 0.0006),
        'place': rng.choice(NAMES),
    }


def _change(rng: random.Random, owner_id: int, things: dict) -> None:
    """One change as the app or a hand edit makes it, sometimes without touching updated_at."""
    ids = [e.id for e in Expense.select(Expense.id).where(Expense.owner == owner_id)]
    target = Expense.id == rng.choice(ids)
    stamp = {'updated_at': utcnow()} if rng.random() < 0.7 else {}
    kind = rng.choice(['add', 'add', 'move', 'rename', 'category', 'date', 'delete', 'unlocate'])
    if kind == 'add':
        Expense.insert_many([_row(rng, owner_id, things) for _ in range(rng.randint(1, 3))]).execute()
    elif kind == 'move':
        lat, lon = rng.choice(SHOPS)
        Expense.update(latitude=lat + rng.uniform(-0.001, 0.001), longitude=lon, **stamp).where(target).execute()
    elif kind == 'rename':
        Expense.update(place=rng.choice(NAMES), **stamp).where(target).execute()
    elif kind == 'category':
        Expense.update(category=things['transport'].id, payment_method=things['cash'].id, **stamp).where(
            target
        ).execute()
    elif kind == 'date':
        Expense.update(date=date(2026, 6, rng.randint(1, 28)), updated_at=utcnow()).where(target).execute()
    elif kind == 'delete':
        Expense.delete().where(target).execute()
    else:
        Expense.update(latitude=None, longitude=None, **stamp).where(target).execute()


def _from_nothing(owner_ids: list[int]) -> list[places_state.Found]:
    return places_state.HouseholdPlaces(owner_ids).sync()


def _one_grouping(owner_ids: list[int]) -> set[tuple]:
    """The places as one `group_visits` over the whole household gives them (what was computed before)."""
    visits = [
        Visit(e.id, e.latitude, e.longitude, ' '.join(e.place.split()), e.date, e.amount_cents)
        for e in Expense.select().where(Expense.owner.in_(owner_ids) & Expense.latitude.is_null(False))
    ]
    return {(f.name, f.visits, f.total_cents, f.expense_ids) for f in map(figures_of, group_visits(visits))}


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_places_after_random_changes_are_those_computed_from_nothing(alice, things, seed) -> None:
    rng = random.Random(seed)
    Expense.insert_many([_row(rng, alice.id, things) for _ in range(150)]).execute()
    owners = visible_owner_ids(alice)
    places.household_places(alice)  # the state is built once...
    for _ in range(40):
        _change(rng, alice.id, things)
        kept = places._household_places(owners)  # ...then brought up to date
        assert kept == _from_nothing(owners)
        assert {(f.name, f.visits, f.total_cents, f.expense_ids) for f in kept} == _one_grouping(owners)


def test_a_save_regroups_one_neighbourhood(alice, things, monkeypatch) -> None:
    rng = random.Random(7)
    Expense.insert_many([_row(rng, alice.id, things) for _ in range(200)]).execute()
    before = places.household_places(alice)
    formed: list[int] = []
    form = places_state.HouseholdPlaces._form
    monkeypatch.setattr(
        places_state.HouseholdPlaces, '_form', lambda self, spots: formed.append(1) or form(self, spots)
    )
    add(alice, things, amount='4', date='2026-02-01', latitude=str(FAR[0]), longitude=str(FAR[1]), place='Lyon')
    after = places.suggest_places(alice, *FAR)
    assert formed == [1]  # Lyon's neighbourhood only; Paris's places were not grouped again
    assert after[0].name == 'Lyon' or any(p.name == 'Lyon' for p in after)
    assert sum(p.visits for p in places.household_places(alice)) == sum(p.visits for p in before) + 1


def test_neighbourhoods_join_and_split(alice, things) -> None:
    """A visit between two neighbourhoods joins them; removing it splits them again."""
    west, east = (48.85, 2.30), (48.85, 2.30 + 0.0085)  # ~620 m apart: two neighbourhoods
    for lat, lon in (west, east):
        add(alice, things, latitude=str(lat), longitude=str(lon), place='Shop')
    owners = visible_owner_ids(alice)
    assert len(places.household_places(alice)) == 2
    state = places._cache[next(reversed(places._cache))][1]  # this test's household
    assert len(state.areas) == 2
    bridge = add(alice, things, latitude='48.85', longitude=str(2.30 + 0.00425))
    assert places._household_places(owners) == _from_nothing(owners)
    assert len(state.areas) == 1
    Expense.delete().where(Expense.id == bridge.id).execute()
    assert places._household_places(owners) == _from_nothing(owners)
    assert len(state.areas) == 2


def kept_then_checked(owners: list[int], reads: list[int]) -> int:
    """The kept places brought up to date, compared with those computed from nothing; how many times bringing
    them up to date read the aggregate (the computation from nothing reads it too: not counted)."""
    before = len(reads)
    kept = places._household_places(owners)
    counted = len(reads) - before
    assert kept == _from_nothing(owners)
    return counted


def test_a_save_is_found_by_the_write_counters_without_reading_the_household(alice, things, monkeypatch) -> None:
    """Migration 19's triggers count the writes: after a save, the new expense is fetched by id and the aggregate
    over the household is not read; an edit (even behind updated_at's back) still reads it; counters that stop
    moving (a trigger dropped by hand) are not trusted."""
    if places_state.is_postgres():
        pytest.skip('PostgreSQL keeps no write counters: the aggregate is read (tested above)')
    rng = random.Random(11)
    Expense.insert_many([_row(rng, alice.id, things) for _ in range(60)]).execute()
    owners = visible_owner_ids(alice)
    places.household_places(alice)
    reads: list[int] = []
    sums = places_state._database_sums
    monkeypatch.setattr(places_state, '_database_sums', lambda ids: reads.append(1) or sums(ids))

    add(alice, things, amount='4', date='2026-02-01', latitude=str(FAR[0]), longitude=str(FAR[1]), place='Lyon')
    add(alice, things, amount='5', date='2026-02-02')  # not located: not counted, not fetched
    assert kept_then_checked(owners, reads) == 0
    assert kept_then_checked(owners, reads) == 0  # nothing changed: nothing read

    moved = Expense.select().where(Expense.place == 'Lyon').get()
    Expense.update(latitude=SHOPS[0][0], longitude=SHOPS[0][1]).where(Expense.id == moved.id).execute()  # by hand
    assert kept_then_checked(owners, reads) == 1

    from app.db import db

    db.execute_sql('DROP TRIGGER expense_watch_after_insert')
    add(alice, things, amount='6', date='2026-02-03', latitude=str(FAR[0]), longitude=str(FAR[1]), place='Lyon')
    assert kept_then_checked(owners, reads) >= 1
