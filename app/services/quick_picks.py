"""Quick picks: the household's most frequent ways of spending ("Bakery · Food › Bread · Cash"), offered as
one-tap chips in the add form so that only the amount remains to type.

Every expense of the household (the user and the users linked to them) over the last year counts for its
combination of place, category, subcategory and payment method, weighted by how much it resembles the moment
of the new one:

- recency: an expense counts half as much every `HALF_LIFE_DAYS` (habits change);
- time of day: its recording time (in the user's time zone) within `HOUR_SPAN` hours of now counts up to
  `HOUR_BOOST` times more, the closer the more (the bakery in the morning, the bar at night);
- day of week: the same weekday counts `WEEKDAY_BOOST` times, the same kind of day (weekend or not)
  `DAY_KIND_BOOST` times (the market on Saturdays);
- place, when the position is known: an expense recorded within `NEAR_M` metres counts `NEAR_BOOST` times,
  within `AROUND_M` metres `AROUND_BOOST` times (the shop you are standing in).

The combinations are ranked by their summed weight (then by how often they were used, then by the most
recent); a combination whose category or payment method the user can no longer choose is left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.config import get_settings
from app.models import Expense, User
from app.services import access, categories, payment_methods
from app.services.geometry import haversine_m
from app.services.places import name_key

WINDOW_DAYS = 365
HALF_LIFE_DAYS = 90
HOUR_SPAN = 3.0
HOUR_BOOST = 3.0
WEEKDAY_BOOST = 2.0
DAY_KIND_BOOST = 1.25
NEAR_M, NEAR_BOOST = 150.0, 4.0
AROUND_M, AROUND_BOOST = 600.0, 2.0
DEFAULT_LIMIT = 4
MAX_LIMIT = 12


@dataclass(frozen=True, slots=True)
class QuickPick:
    """One combination, with the names to show and the weight that ranked it."""

    category_id: int
    subcategory_id: int | None
    payment_method_id: int
    place: str
    category: str
    subcategory: str
    payment_method: str
    uses: int
    score: float


def _zone(user: User) -> ZoneInfo | None:
    name = user.timezone or get_settings().timezone
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _local(moment: datetime, zone: ZoneInfo | None) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone) if zone is not None else aware.astimezone()


def hour_factor(hour: float, now_hour: float) -> float:
    """1 far from now, up to HOUR_BOOST at the same time of day (hours on a circle: 23:00 is near 01:00)."""
    gap = abs(hour - now_hour) % 24
    gap = min(gap, 24 - gap)
    return 1 + (HOUR_BOOST - 1) * max(0.0, 1 - gap / HOUR_SPAN)


def day_factor(day: date, today: date) -> float:
    if day.weekday() == today.weekday():
        return WEEKDAY_BOOST
    return DAY_KIND_BOOST if (day.weekday() >= 5) == (today.weekday() >= 5) else 1.0


def place_factor(position: tuple[float, float] | None, latitude: float | None, longitude: float | None) -> float:
    if position is None or latitude is None or longitude is None:
        return 1.0
    metres = haversine_m(position[0], position[1], latitude, longitude)
    if metres <= NEAR_M:
        return NEAR_BOOST
    return AROUND_BOOST if metres <= AROUND_M else 1.0


def _position(latitude: object, longitude: object) -> tuple[float, float] | None:
    try:
        lat, lon = float(latitude), float(longitude)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def quick_picks(
    user: User,
    now: datetime | None = None,
    latitude: object = None,
    longitude: object = None,
    limit: int = DEFAULT_LIMIT,
) -> list[QuickPick]:
    """The best `limit` combinations for a new expense of `user` at `now` (UTC; default: the clock), near
    (`latitude`, `longitude`) when given. A position that is not one (out of range, not a number) is ignored."""
    zone = _zone(user)
    moment = _local(now or datetime.now(UTC), zone)
    today = moment.date()
    now_hour = moment.hour + moment.minute / 60
    position = _position(latitude, longitude)
    owners = access.visible_owner_ids(user)
    tree = categories.category_tree(user)
    names = {node.id: node.name for node in tree}
    subnames = {child.id: child.name for node in tree for child in node.children}
    methods = {method.id: method.name for method in payment_methods.list_payment_methods(user)}
    rows = (
        Expense.select(
            Expense.category,
            Expense.subcategory,
            Expense.payment_method,
            Expense.place,
            Expense.date,
            Expense.created_at,
            Expense.latitude,
            Expense.longitude,
        )
        .where(Expense.owner.in_(owners) & (Expense.date >= today - timedelta(days=WINDOW_DAYS)))
        .tuples()
    )
    scores: dict[tuple, float] = defaultdict(float)
    uses: dict[tuple, int] = defaultdict(int)
    latest: dict[tuple, date] = {}
    shown: dict[tuple, tuple[int, int | None, int, str]] = {}  # the ids and the place of its latest expense
    found = cast(list[tuple[Any, ...]], list(rows))
    for category_id, subcategory_id, method_id, place, day, created_at, lat, lon in found:
        if category_id not in names or method_id not in methods:
            continue
        if subcategory_id is not None and subcategory_id not in subnames:
            subcategory_id = None
        place = ' '.join((place or '').split())
        # by name: linked users' "Food" and "Card" are one habit (the form shows a shared name once)
        key = (
            name_key(names[category_id]),
            name_key(subnames[subcategory_id]) if subcategory_id is not None else '',
            name_key(methods[method_id]),
            name_key(place),
        )
        age = max(0, (today - day).days)
        weight = 0.5 ** (age / HALF_LIFE_DAYS)
        if created_at is not None:
            recorded = _local(created_at, zone)
            weight *= hour_factor(recorded.hour + recorded.minute / 60, now_hour)
        weight *= day_factor(day, today) * place_factor(position, lat, lon)
        scores[key] += weight
        uses[key] += 1
        if key not in latest or day >= latest[key]:
            latest[key] = day
            shown[key] = (category_id, subcategory_id, method_id, place)
    size = max(1, min(int(limit), MAX_LIMIT))
    ranked = sorted(scores, key=lambda key: (-scores[key], -uses[key], -latest[key].toordinal()))[:size]
    picks = []
    for key in ranked:
        category_id, subcategory_id, method_id, place = shown[key]
        picks.append(
            QuickPick(
                category_id=category_id,
                subcategory_id=subcategory_id,
                payment_method_id=method_id,
                place=place,
                category=names[category_id],
                subcategory=subnames[subcategory_id] if subcategory_id is not None else '',
                payment_method=methods[method_id],
                uses=uses[key],
                score=round(scores[key], 4),
            )
        )
    return picks
