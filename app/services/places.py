"""Places: where a household spends, found from the positions of its past expenses.

A place is not a table. It is a group of expense positions within ~150 m of one another, computed from
the expenses that `visible_owner_ids(user)` allows (own and linked users'). Naming a place writes the
name onto the `place` column of the expenses in it, so the expense list, the exports and the API all
show it, and the next expense at that spot joins it when the form fills the name in.

Grouping rules, in order:
1. Positions that carry a name are grouped per name (case and spacing ignored): "Bakery" and
   "Carrefour Market" 100 m apart stay two places; two shops both called "Bakery" in two towns too.
2. A position without a name joins the nearest named place whose centre is within 150 m.
3. The remaining unnamed positions are grouped among themselves: the densest spot starts a place and
   takes every unnamed position within 150 m of it, then the next densest spot, and so on.

The geometry (distances, centres, grouping within a radius) is in `geometry`; this module holds the
rules above, the household's cache of places and the queries behind them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import Field, PlainSerializer

from app.db import db, write_transaction
from app.i18n import Message
from app.models import Category, Expense, PaymentMethod, User, utcnow
from app.services.access import visible_owner_ids
from app.services.errors import Invalid, NotFound
from app.services.geometry import haversine_m
from app.services.places_grouping import PLACE_RADIUS_M, Found
from app.services.places_grouping import name_key as name_key  # quick_picks reads it from here
from app.services.places_state import HouseholdPlaces
from app.services.validation import parse_coordinate, strip_invisible

NAME_MAX = 120
SUGGESTIONS = 5
SUGGEST_WITHIN_M = 1_000.0


# --- positions and names -----------------------------------------------------------------------------


def parse_position(
    latitude: object, longitude: object, *, lat_field: str = 'latitude', lon_field: str = 'longitude'
) -> tuple[float, float] | None:
    """Both coordinates or neither: (lat, lon), or None when both are empty. One without the other is refused."""
    lat = parse_coordinate(latitude, field=lat_field, limit=90)
    lon = parse_coordinate(longitude, field=lon_field, limit=180)
    if lat is None and lon is None:
        return None
    if lat is None:
        raise Invalid(
            Message('A longitude without a latitude is half a position; give both or neither.'), field=lat_field
        )
    if lon is None:
        raise Invalid(
            Message('A latitude without a longitude is half a position; give both or neither.'), field=lon_field
        )
    return lat, lon


def clean_place_name(name: object, *, field: str = 'place') -> str:
    """A place name as stored: spaces collapsed, at most 120 characters; '' for none."""
    text = strip_invisible(' '.join(str(name or '').split()))  # zero-width characters only: no name
    if len(text) > NAME_MAX:
        raise Invalid(
            Message('A place name has at most {name_max} characters; shorten it.', name_max=NAME_MAX), field=field
        )
    return text


# --- places of a household ---------------------------------------------------------------------------


def _whole_metres(metres: float | None) -> int | None:
    return None if metres is None else round(metres)


def _micro_degrees(degrees: float) -> float:
    return round(degrees, 6)


# The API sends positions to 6 decimals (~10 cm) and distances in whole metres; pages keep the exact values.
Degrees = Annotated[float, PlainSerializer(_micro_degrees, return_type=float, when_used='json')]
Metres = Annotated[
    float | None,
    PlainSerializer(_whole_metres, return_type=int | None, when_used='json'),
    Field(description='Metres from the given position (suggestions only)'),
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """A place of the household, with the category and payment method used most often there."""

    name: Annotated[str, Field(description='The name given to the place; empty until someone names it')]
    label: Annotated[str, Field(description='The name, or the position when the place has no name yet')]
    latitude: Degrees
    longitude: Degrees
    visits: Annotated[int, Field(description='Expenses recorded at the place')]
    last_visit: Annotated[date | None, Field(description='Date of the latest expense there (YYYY-MM-DD)')]
    total_cents: int
    category_id: Annotated[int | None, Field(description='The category used most often there')]
    category: str
    subcategory_id: int | None
    subcategory: str
    payment_method_id: Annotated[int | None, Field(description='The payment method used most often there')]
    payment_method: str
    distance_m: Metres


@dataclass(frozen=True, slots=True)
class _Names:
    categories: dict[int, str]
    payment_methods: dict[int, str]


def _place(found: Found, names: _Names, distance_m: float | None = None) -> Place:
    def name_of(table: dict[int, str], key: int | None) -> str:
        return table.get(key, '') if key else ''

    return Place(
        name=found.name,
        label=found.label,
        latitude=found.latitude,
        longitude=found.longitude,
        visits=found.visits,
        last_visit=found.last_visit,
        total_cents=found.total_cents,
        category_id=found.category_id,
        category=name_of(names.categories, found.category_id),
        subcategory_id=found.subcategory_id,
        subcategory=name_of(names.categories, found.subcategory_id),
        payment_method_id=found.payment_method_id,
        payment_method=name_of(names.payment_methods, found.payment_method_id),
        distance_m=distance_m,
    )


def _names(owner_ids: list[int]) -> _Names:
    categories = Category.select(Category.id, Category.name).where(Category.owner.in_(owner_ids))
    methods = PaymentMethod.select(PaymentMethod.id, PaymentMethod.name).where(PaymentMethod.owner.in_(owner_ids))
    return _Names(dict(categories.tuples().execute()), dict(methods.tuples().execute()))


_CACHE_SIZE = 16  # households kept; one of 100,000 located expenses takes some tens of MB
_cache: OrderedDict[tuple[object, ...], tuple[threading.Lock, HouseholdPlaces]] = OrderedDict()
_cache_lock = threading.Lock()


def _household_places(owner_ids: list[int]) -> list[Found]:
    """The places of these owners, most visited first, brought up to date change by change (places_state)."""
    key = (str(getattr(db.obj, 'database', '')), id(db.obj), *sorted(owner_ids))
    with _cache_lock:
        entry = _cache.get(key)
        if entry is None:
            entry = _cache[key] = (threading.Lock(), HouseholdPlaces(owner_ids))
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    lock, state = entry
    with lock:
        return state.sync()


def _household(user: User | int) -> tuple[list[Found], _Names]:
    owner_ids = visible_owner_ids(user)
    with db.atomic():  # a read snapshot (deferred: a read must not take the write lock and stall every writer)
        found = _household_places(owner_ids)
        names = _names(owner_ids) if found else _Names({}, {})
    return found, names


def household_places(user: User | int) -> list[Place]:
    """Every place of the user's household, most visited first (ties: most recent, then name)."""
    found, names = _household(user)
    return [_place(place, names) for place in found]


def frequent_places(user: User | int, limit: object = 50) -> list[Place]:
    """The most visited places."""
    count = _limit(limit, 500)
    found, names = _household(user)
    return [_place(place, names) for place in found[:count]]


def _limit(limit: object, maximum: int) -> int:
    try:
        value = int(limit)  # type: ignore[call-overload]  # anything a caller passes; refused below
    except (TypeError, ValueError):
        raise Invalid(
            Message('limit must be a whole number from 1 to {maximum}.', maximum=maximum), field='limit'
        ) from None
    if not 1 <= value <= maximum:
        raise Invalid(Message('limit must be a whole number from 1 to {maximum}.', maximum=maximum), field='limit')
    return value


def suggest_places(
    user: User | int,
    latitude: object = None,
    longitude: object = None,
    *,
    limit: object = SUGGESTIONS,
    within_m: float = SUGGEST_WITHIN_M,
) -> list[Place]:
    """With a position: the known places nearest to it (within `within_m`), nearest first, each with its
    distance. Without one: the most visited places."""
    count = _limit(limit, 50)
    position = parse_position(latitude, longitude, lat_field='lat', lon_field='lon')
    found, names = _household(user)
    if position is None:
        return [_place(place, names) for place in found[:count]]
    lat, lon = position
    near = [(haversine_m(lat, lon, p.latitude, p.longitude), p) for p in found]
    near = [(distance, p) for distance, p in near if distance <= within_m]
    near.sort(key=lambda pair: (pair[0], -pair[1].visits))
    return [_place(place, names, distance) for distance, place in near[:count]]


def _nearest(found: Iterable[Found], lat: float, lon: float) -> Found:
    """The place whose centre is nearest to the position, within 150 m."""
    best: tuple[float, Found] | None = None
    for place in found:
        distance = haversine_m(lat, lon, place.latitude, place.longitude)
        if distance <= PLACE_RADIUS_M and (best is None or distance < best[0]):
            best = (distance, place)
    if best is None:
        raise NotFound(
            Message(
                'No known place within {place_radius_m} m of {lat}, {lon}; GET /sysapi/places lists them.',
                place_radius_m=format(PLACE_RADIUS_M, '.0f'),
                lat=format(lat, '.5f'),
                lon=format(lon, '.5f'),
            )
        )
    return best[1]


def rename_place(user: User | int, latitude: object, longitude: object, name: object) -> Place:
    """Name the place at (or within 150 m of) the position: its expenses take the name. Returns the place."""
    new_name = clean_place_name(name, field='name')
    if not new_name:
        raise Invalid(Message('Give the place a name, such as "Bakery".'), field='name')
    lat, lon = parse_position(latitude, longitude) or (None, None)
    if lat is None or lon is None:
        raise Invalid(Message('Give the latitude and longitude of the place.'), field='latitude')
    place = _nearest(_household(user)[0], lat, lon)
    owner_ids = visible_owner_ids(user)
    with write_transaction():
        (
            Expense.update(place=new_name, updated_at=utcnow())
            .where(Expense.id.in_(list(place.expense_ids)) & Expense.owner.in_(owner_ids))
            .execute()
        )
    found, names = _household(user)
    renamed = [p for p in found if set(place.expense_ids) <= set(p.expense_ids)]
    return _place(renamed[0] if renamed else _nearest(found, place.latitude, place.longitude), names)


def place_names(user: User | int, limit: int = 200) -> list[str]:
    """Names of the household's places, most visited first: the place field's autocompletion."""
    return [p.name for p in _household(user)[0] if p.name][:limit]
