"""How visits become places, without a database: the three grouping rules of `places` and the figures of
each place (visits, total, last visit, the category and payment method used most often there).

Everything here is a pure function of the visits it is given, so a household's places can be computed for
one neighbourhood at a time (`places_state`) and give the same result as for the whole household.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from app.services.geometry import EARTH_RADIUS_M, Grid, group_positions, haversine_m, unit_vector

PLACE_RADIUS_M = 150.0


def name_key(name: str) -> str:
    return ' '.join(name.split()).casefold()


# --- grouping ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Visit:
    """One expense with a position, as grouping needs it."""

    expense_id: int
    latitude: float
    longitude: float
    place: str = ''
    day: date | None = None
    amount_cents: int = 0
    category_id: int | None = None
    subcategory_id: int | None = None
    payment_method_id: int | None = None
    unit: tuple[float, float, float] | None = None  # the position on the unit sphere, when the caller keeps it

    def on_sphere(self) -> tuple[float, float, float]:
        return self.unit if self.unit is not None else unit_vector(self.latitude, self.longitude)


# a group further than this (as a chord of unit vectors: no trigonometry) is not within PLACE_RADIUS_M; the 1%
# margin leaves the exact decision to haversine_m, as before
_NEAR_CHORD2 = (2 * math.sin(PLACE_RADIUS_M * 1.01 / (2 * EARTH_RADIUS_M))) ** 2
_FEW_GROUPS = 8  # fewer named groups than this in a neighbourhood: compared directly, without the grid


def centre_of(visits: Iterable[Visit]) -> tuple[float, float]:
    """The centre of the visits, averaged on the sphere: the computation of geometry.mean_position with weights
    of 1, from the unit vectors the visits may carry (the same numbers, computed once per visit)."""
    x = y = z = 0.0
    for visit in visits:
        ux, uy, uz = visit.on_sphere()
        x, y, z = x + ux, y + uy, z + uz
    norm = math.sqrt(x * x + y * y + z * z)
    if norm == 0:
        raise ValueError('no centre: the positions cancel out')
    return math.degrees(math.asin(max(-1.0, min(1.0, z / norm)))), math.degrees(math.atan2(y, x))


@dataclass(slots=True)
class Group:
    """Visits being grouped: the centre moves as visits join."""

    visits: list[Visit]
    latitude: float = 0.0
    longitude: float = 0.0
    named: bool = False

    def recentre(self) -> None:
        self.latitude, self.longitude = centre_of(self.visits)


def _groups_of(visits: Sequence[Visit], radius_m: float) -> list[Group]:
    groups = []
    for indexes in group_positions([(v.latitude, v.longitude) for v in visits], radius_m):
        group = Group([visits[i] for i in indexes])
        group.recentre()
        groups.append(group)
    return groups


def group_visits(visits: Sequence[Visit], radius_m: float = PLACE_RADIUS_M) -> list[Group]:
    """Places from visits, by the three rules of this module's docstring."""
    by_name: dict[str, list[Visit]] = defaultdict(list)
    unnamed: list[Visit] = []
    for visit in visits:
        key = name_key(visit.place or '')
        (by_name[key] if key else unnamed).append(visit)
    groups: list[Group] = []
    for key in sorted(by_name):
        for group in _groups_of(by_name[key], radius_m):
            group.named = True
            groups.append(group)

    grid = Grid(radius_m)
    for index, group in enumerate(groups):
        grid.add(index, group.latitude, group.longitude)
    # a neighbourhood with few named groups (the usual case, and a popular shop's thousands of visits around
    # one or two of them): each visit is compared with every group, far ones rejected without trigonometry
    few = len(groups) < _FEW_GROUPS and radius_m == PLACE_RADIUS_M
    centres = [(index, unit_vector(g.latitude, g.longitude)) for index, g in enumerate(groups)] if few else []
    alone: list[Visit] = []
    joined: set[int] = set()
    for visit in unnamed:
        best, best_distance = None, radius_m
        if few:
            vx, vy, vz = visit.on_sphere()
            candidates = [
                index
                for index, (gx, gy, gz) in centres
                if (vx - gx) ** 2 + (vy - gy) ** 2 + (vz - gz) ** 2 <= _NEAR_CHORD2
            ]
        else:
            candidates = list(grid.near(visit.latitude, visit.longitude))
        for index in candidates:
            group = groups[index]
            distance = haversine_m(visit.latitude, visit.longitude, group.latitude, group.longitude)
            if distance <= best_distance:
                best, best_distance = index, distance
        if best is None:
            alone.append(visit)
        else:
            groups[best].visits.append(visit)
            joined.add(best)
    for index in joined:
        groups[index].recentre()
    groups.extend(_groups_of(alone, radius_m))
    return groups


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """A place as the cache keeps it: its figures and expenses, before names are looked up."""

    name: str
    latitude: float
    longitude: float
    visits: int
    last_visit: date | None
    total_cents: int
    category_id: int | None
    subcategory_id: int | None
    payment_method_id: int | None
    expense_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        """What a person reads: the name, or the position when nobody named the place yet."""
        return self.name or f'{self.latitude:.4f}, {self.longitude:.4f}'


Value = TypeVar('Value', bound=Hashable)


def most_used(values: Iterable[tuple[Value, date | None]]) -> Value | None:
    """The value used most often; a tie goes to the one used most recently (then to the one met first). None
    values are skipped. Counted by Counter in one C pass; the days are looked at only for the tied values."""
    pairs = values if isinstance(values, list) else list(values)
    counts: Counter[Value | None] = Counter([value for value, _ in pairs])
    counts.pop(None, None)
    if not counts:
        return None
    top = max(counts.values())
    tied = [value for value, count in counts.items() if count == top]  # in the order first met
    if len(tied) == 1:
        return tied[0]
    wanted = set(tied)
    latest: dict[Value | None, date] = {}
    for value, day in pairs:
        if value in wanted and day is not None and (value not in latest or day > latest[value]):
            latest[value] = day
    return max(tied, key=lambda v: latest.get(v, date.min))


def figures_of(group: Group) -> Found:
    """The figures of a group of visits; names of categories and payment methods are added later."""
    visits = group.visits
    spelling = most_used([(v.place, v.day) for v in visits if v.place])
    pair = most_used([((v.category_id, v.subcategory_id), v.day) for v in visits if v.category_id is not None])
    category_id, subcategory_id = pair if pair else (None, None)
    days = [v.day for v in visits if v.day is not None]
    return Found(
        name=spelling or '',
        latitude=group.latitude,
        longitude=group.longitude,
        visits=len(visits),
        last_visit=max(days) if days else None,
        total_cents=sum(v.amount_cents for v in visits),
        category_id=category_id,
        subcategory_id=subcategory_id,
        payment_method_id=most_used([(v.payment_method_id, v.day) for v in visits]),
        expense_ids=tuple(sorted(v.expense_id for v in visits)),
    )
