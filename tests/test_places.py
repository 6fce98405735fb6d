"""Places: distances, grouping and ranking on real coordinates, validation, renaming, the map's month."""

from __future__ import annotations

import math
from datetime import date

import pytest

from app.models import Expense
from app.pages import map_projection
from app.services import geometry, places, places_map
from app.services.errors import Invalid, NotFound
from app.services.months import Month
from tests.builders import link, make_user
from tests.places_data import (
    BAKERY,
    FIJI_EAST,
    FIJI_WEST,
    PHARMACY,
    SUPERMARKET,
    Household,
    east_of,
    north_of,
)

pytestmark = pytest.mark.usefixtures('database')


@pytest.fixture
def home(alice):
    return Household(alice)


# --- distances and positions -------------------------------------------------------------------------


def test_haversine_on_known_distances() -> None:
    paris, london = (48.8566, 2.3522), (51.5074, -0.1278)
    assert 343_000 < geometry.haversine_m(*paris, *london) < 344_500
    assert geometry.haversine_m(*BAKERY, *SUPERMARKET) == pytest.approx(100, abs=0.5)
    assert geometry.haversine_m(*BAKERY, *BAKERY) == 0
    # across the antimeridian: ~106 m, not 38 000 km
    assert geometry.haversine_m(*FIJI_EAST, *FIJI_WEST) == pytest.approx(106.4, abs=1)
    # pole to pole is half a circumference
    assert geometry.haversine_m(90, 0, -90, 0) == pytest.approx(math.pi * geometry.EARTH_RADIUS_M)


@pytest.mark.parametrize(
    ('lat', 'lon', 'expected'),
    [
        (48.85, 2.35, (48.85, 2.35)),
        ('48.85', '2,35', (48.85, 2.35)),
        (' -90 ', '180', (-90.0, 180.0)),
        (90, -180, (90.0, -180.0)),
        (None, None, None),
        ('', '  ', None),
    ],
)
def test_parse_position_accepts(lat, lon, expected) -> None:
    assert places.parse_position(lat, lon) == expected


@pytest.mark.parametrize(
    ('lat', 'lon', 'field', 'words'),
    [
        ('nan', 2.0, 'latitude', 'finite'),
        (48.0, float('inf'), 'longitude', 'finite'),
        ('-inf', 2.0, 'latitude', 'finite'),
        (90.0001, 2.0, 'latitude', 'between -90 and 90'),
        (-91, 2.0, 'latitude', 'between -90 and 90'),
        (48.0, 180.5, 'longitude', 'between -180 and 180'),
        (48.0, -181, 'longitude', 'between -180 and 180'),
        ('north', 2.0, 'latitude', 'not a latitude'),
        (48.0, '2°21′', 'longitude', 'not a longitude'),
        (True, 2.0, 'latitude', 'number of degrees'),
        (48.0, None, 'longitude', 'half a position'),
        ('', 2.0, 'latitude', 'half a position'),
    ],
)
def test_parse_position_refuses(lat, lon, field, words) -> None:
    with pytest.raises(Invalid) as error:
        places.parse_position(lat, lon)
    assert error.value.field == field
    assert words in error.value.message


def test_place_names_are_cleaned_and_bounded() -> None:
    assert places.clean_place_name('  Carrefour\t Market ') == 'Carrefour Market'
    assert places.clean_place_name(None) == ''
    with pytest.raises(Invalid, match='at most 120'):
        places.clean_place_name('x' * 121)


def test_longitudes_wrap_back_into_range() -> None:
    assert geometry.normalize_longitude(362.5) == pytest.approx(2.5)
    assert geometry.normalize_longitude(-190) == pytest.approx(170)
    assert geometry.normalize_longitude(180) == 180
    assert geometry.normalize_longitude(-180) == -180


# --- grouping ----------------------------------------------------------------------------------------


def test_two_named_shops_100_m_apart_stay_two_places(home) -> None:
    for _ in range(3):
        home.spend(BAKERY, place='Bakery', subcategory='Bakery', method='Cash')
    for _ in range(2):
        home.spend(SUPERMARKET, place='Carrefour Market', subcategory='Groceries')
    found = places.household_places(home.owner)
    assert [(p.name, p.visits) for p in found] == [('Bakery', 3), ('Carrefour Market', 2)]
    bakery, market = found
    assert geometry.haversine_m(bakery.latitude, bakery.longitude, *BAKERY) < 0.5
    assert geometry.haversine_m(market.latitude, market.longitude, *SUPERMARKET) < 0.5

    # at the supermarket's door the supermarket comes first, the bakery 100 m away second
    at_market = places.suggest_places(home.owner, *east_of(SUPERMARKET, 5))
    assert [p.name for p in at_market] == ['Carrefour Market', 'Bakery']
    assert at_market[0].distance_m == pytest.approx(5, abs=1)
    assert at_market[1].distance_m == pytest.approx(105, abs=1)
    # and at the bakery's door, the other way round
    assert [p.name for p in places.suggest_places(home.owner, *BAKERY)] == ['Bakery', 'Carrefour Market']


def test_unnamed_positions_group_within_150_m_only(home) -> None:
    home.spend(BAKERY)
    home.spend(SUPERMARKET)  # 100 m: same place
    home.spend(north_of(BAKERY, 30))  # GPS jitter
    home.spend(east_of(BAKERY, 400))  # 400 m: another place
    found = places.household_places(home.owner)
    assert sorted(p.visits for p in found) == [1, 3]
    assert all(p.name == '' for p in found)
    assert found[0].label == f'{found[0].latitude:.4f}, {found[0].longitude:.4f}'


def test_an_unnamed_position_joins_the_nearest_named_place(home) -> None:
    home.spend(BAKERY, place='Bakery')
    home.spend(SUPERMARKET, place='Carrefour Market')
    home.spend(east_of(BAKERY, 30))  # nearer to the bakery
    home.spend(east_of(BAKERY, 80))  # nearer to the supermarket (20 m)
    visits = {p.name: p.visits for p in places.household_places(home.owner)}
    assert visits == {'Bakery': 2, 'Carrefour Market': 2}


def test_the_same_name_in_two_towns_is_two_places(home) -> None:
    home.spend(BAKERY, place='Bakery')
    home.spend(north_of(BAKERY, 5_000), place='bakery ')
    found = places.household_places(home.owner)
    assert len(found) == 2 and {p.name for p in found} == {'Bakery', 'bakery'}


def test_names_ignore_case_and_spacing_and_show_the_usual_spelling(home) -> None:
    home.spend(BAKERY, place='Carrefour Market')
    home.spend(BAKERY, place='carrefour  market')
    home.spend(BAKERY, place='Carrefour Market')
    [place] = places.household_places(home.owner)
    assert (place.name, place.visits) == ('Carrefour Market', 3)


def test_twenty_visits_rank_before_one_and_give_the_usual_choices(home) -> None:
    for day in range(1, 21):
        method = 'Cash' if day % 5 == 0 else 'Card'  # 16 by card, 4 in cash
        sub = 'Groceries' if day != 7 else 'Bakery'
        home.spend(SUPERMARKET, day=date(2026, 1, day), subcategory=sub, method=method, cents=1000 + day)
    home.spend(PHARMACY, day=date(2026, 1, 28), category='Health', subcategory='Pharmacy', method='Cash')

    often, once = places.frequent_places(home.owner)
    assert (often.visits, once.visits) == (20, 1)
    assert often.total_cents == sum(1000 + d for d in range(1, 21))
    assert often.last_visit == date(2026, 1, 20)
    assert (often.category, often.subcategory, often.payment_method) == ('Food', 'Groceries', 'Card')
    assert often.category_id == home.categories['Food'].id
    assert often.subcategory_id == home.categories['Groceries'].id
    assert often.payment_method_id == home.methods['Card'].id
    assert (once.category, once.subcategory, once.payment_method) == ('Health', 'Pharmacy', 'Cash')

    # no position: the most visited first; a position next to the pharmacy: the pharmacy first
    assert [p.visits for p in places.suggest_places(home.owner)] == [20, 1]
    near_pharmacy = places.suggest_places(home.owner, *north_of(PHARMACY, 20))
    assert [p.visits for p in near_pharmacy] == [1, 20]
    assert near_pharmacy[1].distance_m == pytest.approx(math.hypot(620, 100), abs=2)


def test_a_tie_goes_to_the_most_recent_choice(home) -> None:
    home.spend(BAKERY, day=date(2026, 1, 1), method='Cash')
    home.spend(BAKERY, day=date(2026, 1, 9), method='Card')
    [place] = places.household_places(home.owner)
    assert place.payment_method == 'Card'


def test_suggestions_skip_far_places_and_respect_the_limit(home) -> None:
    home.spend(BAKERY, place='Bakery')
    home.spend(PHARMACY, place='Pharmacy')
    assert [p.name for p in places.suggest_places(home.owner, *BAKERY, within_m=500)] == ['Bakery']
    assert places.suggest_places(home.owner, 0.0, 0.0) == []
    assert len(places.suggest_places(home.owner, limit=1)) == 1
    for bad in (0, 51, 'many'):
        with pytest.raises(Invalid) as error:
            places.suggest_places(home.owner, limit=bad)
        assert error.value.field == 'limit'
    with pytest.raises(Invalid) as error:
        places.suggest_places(home.owner, 48.85, None)
    assert error.value.field == 'lon'


def test_across_the_antimeridian_two_sides_are_one_place(home) -> None:
    home.spend(FIJI_EAST)
    home.spend(FIJI_WEST)
    home.spend(FIJI_WEST)
    [place] = places.household_places(home.owner)
    assert place.visits == 3
    assert abs(place.longitude) > 179.999  # the centre is on the meridian, not near Greenwich
    assert geometry.haversine_m(place.latitude, place.longitude, *FIJI_WEST) < 100
    [suggested] = places.suggest_places(home.owner, FIJI_EAST[0], 179.9999)
    assert suggested.distance_m < 100


def test_places_cover_the_household_and_nobody_else(home) -> None:
    bob, eve = make_user('bob'), make_user('eve')
    link(home.owner, bob)
    home.spend(BAKERY, place='Bakery')
    home.spend(BAKERY, place='Bakery', owner=bob)
    Household(eve).spend(BAKERY, place='Eve secret shop')
    assert [(p.name, p.visits) for p in places.household_places(home.owner)] == [('Bakery', 2)]
    assert [(p.name, p.visits) for p in places.household_places(bob)] == [('Bakery', 2)]
    assert [(p.name, p.visits) for p in places.household_places(eve)] == [('Eve secret shop', 1)]


def test_expenses_without_a_position_or_with_a_broken_one_are_ignored(home) -> None:
    home.spend(None, place='Somewhere')
    broken = home.spend(BAKERY)
    Expense.update(latitude=123.0).where(Expense.id == broken.id).execute()
    assert places.household_places(home.owner) == []
    assert places.suggest_places(home.owner) == []


def test_a_place_is_renamed_through_its_expenses(home) -> None:
    first = home.spend(BAKERY)
    second = home.spend(north_of(BAKERY, 20))
    elsewhere = home.spend(PHARMACY)
    renamed = places.rename_place(home.owner, *north_of(BAKERY, 60), '  Boulangerie   Saint-Jacques ')
    assert (renamed.name, renamed.visits) == ('Boulangerie Saint-Jacques', 2)
    assert Expense.get_by_id(first.id).place == Expense.get_by_id(second.id).place == 'Boulangerie Saint-Jacques'
    assert Expense.get_by_id(elsewhere.id).place == ''
    # renaming again keeps one place
    again = places.rename_place(home.owner, renamed.latitude, renamed.longitude, 'Bakery')
    assert (again.name, again.visits) == ('Bakery', 2)
    assert places.place_names(home.owner) == ['Bakery']


def test_renaming_refuses_bad_input_and_changes_nothing(home) -> None:
    expense = home.spend(BAKERY, place='Bakery')
    with pytest.raises(NotFound, match='No known place within 150 m'):
        places.rename_place(home.owner, *north_of(BAKERY, 400), 'Elsewhere')
    with pytest.raises(Invalid) as error:
        places.rename_place(home.owner, *BAKERY, '   ')
    assert error.value.field == 'name'
    with pytest.raises(Invalid):
        places.rename_place(home.owner, *BAKERY, 'y' * 121)
    with pytest.raises(Invalid):
        places.rename_place(home.owner, 'nan', BAKERY[1], 'Bakery 2')
    with pytest.raises(Invalid):
        places.rename_place(home.owner, None, None, 'Bakery 2')
    # someone outside the household cannot reach the place
    stranger = make_user('mallory')
    with pytest.raises(NotFound):
        places.rename_place(stranger, *BAKERY, 'Mine now')
    assert Expense.get_by_id(expense.id).place == 'Bakery'


def test_the_month_map_keeps_located_expenses_of_the_month(home) -> None:
    home.spend(BAKERY, day=date(2026, 1, 3), subcategory='Bakery', description='Croissants', place='Bakery')
    home.spend(PHARMACY, day=date(2026, 1, 20), category='Health', method=None)
    home.spend(None, day=date(2026, 1, 21))
    home.spend(BAKERY, day=date(2026, 2, 1))
    january = places_map.month_map(home.owner, Month(2026, 1))
    assert (january.located, january.unlocated) == (2, 1)
    assert [e.category for e in january.expenses] == ['Health', 'Food']  # newest first
    croissants = january.expenses[1]
    assert (croissants.subcategory, croissants.description, croissants.place, croissants.owner) == (
        'Bakery',
        'Croissants',
        'Bakery',
        'alice',
    )
    assert january.expenses[0].payment_method == ''
    assert [(c.name, c.count) for c in january.categories] == [('Food', 1), ('Health', 1)]
    assert january.total_cents == 500
    assert map_projection.fit_bounds([(e.latitude, e.longitude) for e in january.expenses]) == [
        [BAKERY[0], BAKERY[1]],
        [PHARMACY[0], PHARMACY[1]],
    ]

    health_only = places_map.month_map(home.owner, Month(2026, 1), home.categories['Health'].id)
    assert [e.category for e in health_only.expenses] == ['Health']
    assert len(health_only.categories) == 2  # the filter's choices stay
    with pytest.raises(Invalid):
        places_map.month_map(home.owner, Month(2026, 1), 'food')
    assert places_map.month_map(make_user('eve'), Month(2026, 1)).expenses == ()


def test_markers_group_by_screen_distance(home) -> None:
    for position in (BAKERY, SUPERMARKET, PHARMACY):
        home.spend(position)
    expenses = places_map.month_map(home.owner, Month(2026, 1)).expenses
    assert sorted(len(g) for g in places_map.group_markers(expenses, 50)) == [1, 1, 1]
    assert sorted(len(g) for g in places_map.group_markers(expenses, 150)) == [1, 2]
    assert sorted(len(g) for g in places_map.group_markers(expenses, 1000)) == [3]
    assert places_map.group_markers([], 100) == []
    # 40 pixels at zoom 16 in Paris are ~63 m
    assert 40 * map_projection.metres_per_pixel(16, BAKERY[0]) == pytest.approx(62.9, abs=0.5)


def test_the_cached_places_follow_every_change(home) -> None:
    first = home.spend(BAKERY, place='Bakery')
    assert [(p.name, p.visits) for p in places.household_places(home.owner)] == [('Bakery', 1)]
    second = home.spend(BAKERY)  # added
    assert [p.visits for p in places.household_places(home.owner)] == [2]
    # moved without touching updated_at (a hand edit, or two edits within one clock tick)
    Expense.update(latitude=PHARMACY[0], longitude=PHARMACY[1]).where(Expense.id == second.id).execute()
    assert sorted(p.visits for p in places.household_places(home.owner)) == [1, 1]
    Expense.update(place='Boulangerie').where(Expense.id == first.id).execute()  # renamed
    assert 'Boulangerie' in {p.name for p in places.household_places(home.owner)}
    Expense.update(payment_method=home.methods['Cash']).where(Expense.id == first.id).execute()
    assert {p.payment_method for p in places.household_places(home.owner) if p.name} == {'Cash'}
    Expense.delete().where(Expense.id == second.id).execute()  # deleted
    assert [p.name for p in places.household_places(home.owner)] == ['Boulangerie']
    # a new link brings the other's places in at once
    bob = make_user('bob')
    Household(bob).spend(SUPERMARKET, place='Carrefour Market')
    link(home.owner, bob)
    assert {p.name for p in places.household_places(home.owner)} == {'Boulangerie', 'Carrefour Market'}
    # category names are read fresh
    home.categories['Food'].name = 'Food & drinks'
    home.categories['Food'].save()
    [bakery] = [p for p in places.household_places(home.owner) if p.name == 'Boulangerie']
    assert bakery.category == 'Food & drinks'
