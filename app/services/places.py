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

Distances are great-circle (haversine) metres; grouping indexes points on the unit sphere, so the poles
and the antimeridian (179.99° E beside 179.99° W) need no special case.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from peewee import JOIN, fn

from app.db import db, write_transaction
from app.models import Category, Expense, PaymentMethod, User, utcnow
from app.services.access import visible_owner_ids
from app.services.errors import Invalid, NotFound
from app.services.months import Month
from app.services.validation import parse_coordinate, strip_invisible

EARTH_RADIUS_M = 6_371_008.8
PLACE_RADIUS_M = 150.0
NAME_MAX = 120
SUGGESTIONS = 5
SUGGEST_WITHIN_M = 1_000.0


# --- positions ---------------------------------------------------------------------------------------


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two positions given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def parse_position(
    latitude: object, longitude: object, *, lat_field: str = 'latitude', lon_field: str = 'longitude'
) -> tuple[float, float] | None:
    """Both coordinates or neither: (lat, lon), or None when both are empty. One without the other is refused."""
    lat = parse_coordinate(latitude, field=lat_field, limit=90)
    lon = parse_coordinate(longitude, field=lon_field, limit=180)
    if lat is None and lon is None:
        return None
    if lat is None:
        raise Invalid('A longitude without a latitude is half a position; give both or neither.', field=lat_field)
    if lon is None:
        raise Invalid('A latitude without a longitude is half a position; give both or neither.', field=lon_field)
    return lat, lon


def clean_place_name(name: object, *, field: str = 'place') -> str:
    """A place name as stored: spaces collapsed, at most 120 characters; '' for none."""
    text = strip_invisible(' '.join(str(name or '').split()))  # zero-width characters only: no name
    if len(text) > NAME_MAX:
        raise Invalid(f'A place name has at most {NAME_MAX} characters; shorten it.', field=field)
    return text


def name_key(name: str) -> str:
    return ' '.join(name.split()).casefold()


def normalize_longitude(lon: float) -> float:
    """Any longitude (a map wrapped around the world gives 540°) back into [-180, 180]."""
    wrapped = (lon + 180.0) % 360.0 - 180.0
    return 180.0 if wrapped == -180.0 and lon > 0 else wrapped


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def mean_position(points: Iterable[tuple[float, float, float]]) -> tuple[float, float]:
    """The weighted centre of (lat, lon, weight) positions, averaged on the sphere (right across 180°)."""
    x = y = z = 0.0
    for lat, lon, weight in points:
        ux, uy, uz = _unit(lat, lon)
        x, y, z = x + ux * weight, y + uy * weight, z + uz * weight
    norm = math.sqrt(x * x + y * y + z * z)
    if norm == 0:
        raise ValueError('no centre: the positions cancel out')
    return math.degrees(math.asin(max(-1.0, min(1.0, z / norm)))), math.degrees(math.atan2(y, x))


def fit_bounds(positions: Sequence[tuple[float, float]]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the positions, for Leaflet's fitBounds.

    Positions on both sides of the antimeridian (Fiji, the Bering strait) get a box that crosses it, with
    east > 180, instead of one that spans the whole world.
    """
    if not positions:
        return None
    lats = [lat for lat, _ in positions]
    lons = sorted(lon for _, lon in positions)
    # the widest gap between consecutive longitudes (wrapping) is the part of the world the box leaves out
    gaps = [(lons[i + 1] - lons[i], i + 1) for i in range(len(lons) - 1)]
    gaps.append((lons[0] + 360 - lons[-1], 0))
    _, start = max(gaps)
    west = lons[start]
    east = lons[start - 1] if start > 0 else lons[-1]
    if east < west:
        east += 360
    return [[min(lats), west], [max(lats), east]]


def leaflet_longitude(lon: float, bounds: list[list[float]] | None) -> float:
    """The longitude to draw at so that a marker lies inside bounds that cross the antimeridian."""
    if bounds is not None and bounds[1][1] > 180 and lon < bounds[0][1]:
        return lon + 360
    return lon


# --- grouping ----------------------------------------------------------------------------------------


@dataclass
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


@dataclass
class Group:
    visits: list[Visit]
    latitude: float = 0.0
    longitude: float = 0.0
    named: bool = False

    def recentre(self) -> None:
        self.latitude, self.longitude = mean_position((v.latitude, v.longitude, 1.0) for v in self.visits)


class _Grid:
    """Points on the unit sphere bucketed in cubes whose side is the radius: neighbours are in 27 cubes."""

    def __init__(self, radius_m: float) -> None:
        self.cell = radius_m / EARTH_RADIUS_M
        self.cells: dict[tuple[int, int, int], list[int]] = defaultdict(list)

    def key(self, lat: float, lon: float) -> tuple[int, int, int]:
        x, y, z = _unit(lat, lon)
        return (math.floor(x / self.cell), math.floor(y / self.cell), math.floor(z / self.cell))

    def add(self, index: int, lat: float, lon: float) -> None:
        self.cells[self.key(lat, lon)].append(index)

    def near(self, lat: float, lon: float) -> Iterable[int]:
        kx, ky, kz = self.key(lat, lon)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for dz in (-1, 0, 1):
                    yield from self.cells.get((kx + dx, ky + dy, kz + dz), ())


def _chord(radius_m: float) -> float:
    """Straight-line distance through the unit sphere matching a great-circle distance: comparing squared
    chords of unit vectors is exact for "within the radius" and needs no trigonometry per pair."""
    return 2 * math.sin(radius_m / (2 * EARTH_RADIUS_M))


def cluster(points: Sequence[tuple[float, float, float]], radius_m: float) -> list[list[int]]:
    """Indexes of (lat, lon, weight) points grouped within `radius_m`: the densest point first starts a
    group and takes every free point within the radius of it. Deterministic for the same input."""
    grid = _Grid(radius_m)
    units = [_unit(lat, lon) for lat, lon, _ in points]
    for i, (lat, lon, _) in enumerate(points):
        grid.add(i, lat, lon)
    limit = _chord(radius_m) ** 2

    def within(i: int) -> list[int]:
        x, y, z = units[i]
        lat, lon, _ = points[i]
        found = []
        for j in grid.near(lat, lon):
            ux, uy, uz = units[j]
            if (x - ux) ** 2 + (y - uy) ** 2 + (z - uz) ** 2 <= limit:
                found.append(j)
        return found

    neighbours = [within(i) for i in range(len(points))]
    density = [sum(points[j][2] for j in near) for near in neighbours]
    order = sorted(range(len(points)), key=lambda i: (-density[i], -points[i][2], points[i][0], points[i][1]))
    taken = [False] * len(points)
    groups = []
    for seed in order:
        if taken[seed]:
            continue
        members = [j for j in neighbours[seed] if not taken[j]]
        for j in members:
            taken[j] = True
        groups.append(sorted(members))
    return groups


SNAP_DEGREES = 1e-4  # ~11 m of latitude: far below the 150 m of a place, far above GPS rounding


def _snap(visits: Sequence[Visit]) -> tuple[list[tuple[float, float, float]], list[list[Visit]]]:
    """Visits within the same ~10 m square become one weighted point, so a shop visited 5 000 times with
    GPS jitter costs a few dozen points to group, not 5 000. Centres are computed from the exact visits."""
    spots: dict[tuple[float, float], list[Visit]] = defaultdict(list)
    for visit in visits:
        spots[(round(visit.latitude, 4), round(visit.longitude, 4))].append(visit)
    points = [(lat, lon, float(len(members))) for (lat, lon), members in spots.items()]
    return points, list(spots.values())


def _groups_of(visits: Sequence[Visit], radius_m: float) -> list[Group]:
    points, members = _snap(visits)
    groups = []
    for indexes in cluster(points, radius_m):
        group = Group([visit for i in indexes for visit in members[i]])
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

    grid = _Grid(radius_m)
    for index, group in enumerate(groups):
        grid.add(index, group.latitude, group.longitude)
    alone: list[Visit] = []
    joined: set[int] = set()
    for visit in unnamed:
        best, best_distance = None, radius_m
        for index in grid.near(visit.latitude, visit.longitude):
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


# --- places of a household ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    visits: int
    last_visit: date | None
    total_cents: int
    category_id: int | None = None
    category: str = ''
    subcategory_id: int | None = None
    subcategory: str = ''
    payment_method_id: int | None = None
    payment_method: str = ''
    distance_m: float | None = None
    expense_ids: tuple[int, ...] = field(default=(), repr=False)

    @property
    def label(self) -> str:
        """What a person reads: the name, or the position when nobody named the place yet."""
        return self.name or f'{self.latitude:.4f}, {self.longitude:.4f}'

    def as_dict(self) -> dict:
        return {
            'name': self.name,
            'label': self.label,
            'latitude': round(self.latitude, 6),
            'longitude': round(self.longitude, 6),
            'visits': self.visits,
            'last_visit': self.last_visit.isoformat() if self.last_visit else None,
            'total_cents': self.total_cents,
            'category_id': self.category_id,
            'category': self.category,
            'subcategory_id': self.subcategory_id,
            'subcategory': self.subcategory,
            'payment_method_id': self.payment_method_id,
            'payment_method': self.payment_method,
            'distance_m': None if self.distance_m is None else round(self.distance_m),
        }


def _most_used(values: Iterable[tuple[object, date | None]]) -> object | None:
    """The value used most often; a tie goes to the one used most recently. None values are skipped."""
    counts: Counter = Counter()
    latest: dict[object, date] = {}
    for value, day in values:
        if value is None:
            continue
        counts[value] += 1
        if day is not None and (value not in latest or day > latest[value]):
            latest[value] = day
    if not counts:
        return None
    return max(counts, key=lambda v: (counts[v], latest.get(v, date.min)))


def _place_of(group: Group) -> Place:
    """The figures of a group of visits; names of categories and payment methods are added later."""
    visits = group.visits
    spelling = _most_used((v.place, v.day) for v in visits if v.place)
    pair = _most_used(((v.category_id, v.subcategory_id), v.day) for v in visits if v.category_id is not None)
    method = _most_used((v.payment_method_id, v.day) for v in visits)
    days = [v.day for v in visits if v.day is not None]
    category_id, subcategory_id = pair if pair else (None, None)
    return Place(
        name=str(spelling or ''),
        latitude=group.latitude,
        longitude=group.longitude,
        visits=len(visits),
        last_visit=max(days) if days else None,
        total_cents=sum(v.amount_cents for v in visits),
        category_id=category_id,
        subcategory_id=subcategory_id,
        payment_method_id=method,
        expense_ids=tuple(sorted(v.expense_id for v in visits)),
    )


def _with_names(place: Place, names: dict[str, dict[int, str]]) -> Place:
    return replace(
        place,
        category=names['category'].get(place.category_id, '') if place.category_id else '',
        subcategory=names['category'].get(place.subcategory_id, '') if place.subcategory_id else '',
        payment_method=names['payment_method'].get(place.payment_method_id, '') if place.payment_method_id else '',
    )


def _visits(owner_ids: list[int]) -> list[Visit]:
    query = Expense.select(
        Expense.id,
        Expense.latitude,
        Expense.longitude,
        Expense.place,
        Expense.date,
        Expense.amount_cents,
        Expense.category,
        Expense.subcategory,
        Expense.payment_method,
    ).where(Expense.owner.in_(owner_ids) & Expense.latitude.is_null(False) & Expense.longitude.is_null(False))
    visits = []
    # the raw cursor: tens of thousands of rows without building a model or a tuple converter per row
    for expense_id, lat, lon, place, day, cents, category, subcategory, method in db.execute(query):
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            continue  # written by hand into the database: never let one bad row hide every place
        if isinstance(day, str):
            day = date.fromisoformat(day[:10])
        name = ' '.join(place.split()) if place else ''
        visits.append(Visit(expense_id, lat, lon, name, day, cents, category, subcategory, method))
    return visits


def _names(owner_ids: list[int]) -> dict[str, dict[int, str]]:
    return {
        'category': dict(Category.select(Category.id, Category.name).where(Category.owner.in_(owner_ids)).tuples()),
        'payment_method': dict(
            PaymentMethod.select(PaymentMethod.id, PaymentMethod.name)
            .where(PaymentMethod.owner.in_(owner_ids))
            .tuples()
        ),
    }


_CACHE_SIZE = 64
_cache: OrderedDict[tuple, tuple[tuple, list[Place]]] = OrderedDict()
_cache_lock = threading.Lock()


def _version(owner_ids: list[int]) -> tuple:
    """Changes whenever an expense of these owners is added, deleted or edited (edits move updated_at)."""
    row = (
        Expense.select(
            fn.COUNT(Expense.id),
            fn.MAX(Expense.id),
            fn.MAX(Expense.updated_at),
            fn.SUM(Expense.latitude),
            fn.SUM(Expense.longitude),
            fn.SUM(Expense.category),
            fn.SUM(Expense.subcategory),
            fn.SUM(Expense.payment_method),
            fn.SUM(fn.LENGTH(Expense.place)),
        )
        .where(Expense.owner.in_(owner_ids))
        .tuples()
        .get()
    )
    return tuple(str(value) for value in row)


def _household_places(owner_ids: list[int]) -> list[Place]:
    """The places of these owners, most visited first, recomputed only when their expenses changed."""
    key = (str(getattr(db.obj, 'database', '')), id(db.obj), *sorted(owner_ids))
    version = _version(owner_ids)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == version:
            _cache.move_to_end(key)
            return cached[1]
    found = [_place_of(group) for group in group_visits(_visits(owner_ids))]
    found.sort(key=lambda p: (-p.visits, -(p.last_visit or date.min).toordinal(), p.label.casefold()))
    with _cache_lock:
        _cache[key] = (version, found)
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def household_places(user: User | int) -> list[Place]:
    """Every place of the user's household, most visited first (ties: most recent, then name)."""
    owner_ids = visible_owner_ids(user)
    with db.atomic():  # a read snapshot (deferred: a read must not take the write lock and stall every writer)
        found = _household_places(owner_ids)
        if not found:
            return []
        names = _names(owner_ids)
    return [_with_names(place, names) for place in found]


def frequent_places(user: User | int, limit: int = 50) -> list[Place]:
    """The most visited places."""
    return household_places(user)[: _limit(limit, 500)]


def _limit(limit: object, maximum: int) -> int:
    try:
        value = int(limit)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Invalid(f'limit must be a whole number from 1 to {maximum}.', field='limit') from None
    if not 1 <= value <= maximum:
        raise Invalid(f'limit must be a whole number from 1 to {maximum}.', field='limit')
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
    places = household_places(user)
    if position is None:
        return places[:count]
    lat, lon = position
    near = [replace(p, distance_m=haversine_m(lat, lon, p.latitude, p.longitude)) for p in places]
    near = [p for p in near if p.distance_m is not None and p.distance_m <= within_m]
    near.sort(key=lambda p: (p.distance_m, -p.visits))
    return near[:count]


def place_at(user: User | int, latitude: object, longitude: object) -> Place:
    """The place whose centre is nearest to the position, within 150 m."""
    lat, lon = parse_position(latitude, longitude) or (None, None)
    if lat is None or lon is None:
        raise Invalid('Give the latitude and longitude of the place.', field='latitude')
    best = None
    for place in household_places(user):
        distance = haversine_m(lat, lon, place.latitude, place.longitude)
        if distance <= PLACE_RADIUS_M and (best is None or distance < best[0]):
            best = (distance, place)
    if best is None:
        raise NotFound(
            f'No known place within {PLACE_RADIUS_M:.0f} m of {lat:.5f}, {lon:.5f}; GET /sysapi/places lists them.'
        )
    return best[1]


def rename_place(user: User | int, latitude: object, longitude: object, name: object) -> Place:
    """Name the place at (or within 150 m of) the position: its expenses take the name. Returns the place."""
    new_name = clean_place_name(name, field='name')
    if not new_name:
        raise Invalid('Give the place a name, such as "Bakery".', field='name')
    place = place_at(user, latitude, longitude)
    owner_ids = visible_owner_ids(user)
    with write_transaction():
        (
            Expense.update(place=new_name, updated_at=utcnow())
            .where(Expense.id.in_(list(place.expense_ids)) & Expense.owner.in_(owner_ids))
            .execute()
        )
    renamed = [p for p in household_places(user) if set(place.expense_ids) <= set(p.expense_ids)]
    return renamed[0] if renamed else place_at(user, place.latitude, place.longitude)


def place_names(user: User | int, limit: int = 200) -> list[str]:
    """Names of the household's places, most visited first: the place field's autocompletion."""
    return [p.name for p in household_places(user) if p.name][:limit]


# --- the map -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapExpense:
    id: int
    latitude: float
    longitude: float
    amount_cents: int
    day: date
    category_id: int
    category: str
    color: str
    icon: str
    subcategory: str
    payment_method: str
    description: str
    place: str
    owner: str


@dataclass(frozen=True)
class MapCategory:
    id: int
    name: str
    color: str
    count: int


@dataclass(frozen=True)
class MapMonth:
    month: Month
    expenses: list[MapExpense]
    categories: list[MapCategory]
    located: int
    unlocated: int

    @property
    def total_cents(self) -> int:
        return sum(e.amount_cents for e in self.expenses)

    @property
    def bounds(self) -> list[list[float]] | None:
        return fit_bounds([(e.latitude, e.longitude) for e in self.expenses])


def month_map(user: User | int, month: Month, category_id: object = None) -> MapMonth:
    """The month's expenses that have a position, for the map; `category_id` keeps one category."""
    owner_ids = visible_owner_ids(user)
    wanted = None
    if category_id not in (None, '', 0, '0'):
        try:
            wanted = int(category_id)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise Invalid('The category filter must be a category id.', field='category_id') from None
    sub = Category.alias('sub')
    with db.atomic():  # a read snapshot, deferred like the one above
        in_month = Expense.owner.in_(owner_ids) & (Expense.date >= month.first_day) & (Expense.date <= month.last_day)
        located = Expense.latitude.is_null(False) & Expense.longitude.is_null(False)
        unlocated = Expense.select().where(in_month & ~located).count()
        rows = (
            Expense.select(
                Expense.id,
                Expense.latitude,
                Expense.longitude,
                Expense.amount_cents,
                Expense.date,
                Category.id,
                Category.name,
                Category.color,
                Category.icon,
                sub.name,
                PaymentMethod.name,
                Expense.description,
                Expense.place,
                User.username,
            )
            .join(Category, on=Expense.category == Category.id)
            .switch(Expense)
            .join(sub, JOIN.LEFT_OUTER, on=Expense.subcategory == sub.id)
            .switch(Expense)
            .join(PaymentMethod, JOIN.LEFT_OUTER, on=Expense.payment_method == PaymentMethod.id)
            .switch(Expense)
            .join(User, on=Expense.owner == User.id)
            .where(in_month & located)
            .order_by(Expense.date.desc(), Expense.id.desc())
            .tuples()
        )
        everything = [
            MapExpense(
                id=r[0],
                latitude=r[1],
                longitude=r[2],
                amount_cents=r[3],
                day=r[4],
                category_id=r[5],
                category=r[6],
                color=r[7] or '#6366f1',
                icon=r[8] or 'label',
                subcategory=r[9] or '',
                payment_method=r[10] or '',
                description=r[11] or '',
                place=r[12] or '',
                owner=r[13],
            )
            for r in rows
            if math.isfinite(r[1]) and math.isfinite(r[2]) and -90 <= r[1] <= 90 and -180 <= r[2] <= 180
        ]
    counts: Counter = Counter(e.category_id for e in everything)
    first = {}
    for e in everything:
        first.setdefault(e.category_id, e)
    categories = sorted(
        (MapCategory(cid, first[cid].category, first[cid].color, n) for cid, n in counts.items()),
        key=lambda c: c.name.casefold(),
    )
    shown = [e for e in everything if wanted is None or e.category_id == wanted]
    return MapMonth(month, shown, categories, located=len(everything), unlocated=unlocated)


def metres_per_pixel(zoom: float, latitude: float) -> float:
    """Ground size of one screen pixel on a Web Mercator map at this zoom level and latitude."""
    return 2 * math.pi * EARTH_RADIUS_M * max(math.cos(math.radians(latitude)), 0.01) / (256 * 2**zoom)


def group_markers(expenses: Sequence[MapExpense], radius_m: float) -> list[list[MapExpense]]:
    """Expenses drawn as one marker when they are within `radius_m`; each group newest first."""
    if not expenses:
        return []
    points, members = _snap(
        [Visit(i, e.latitude, e.longitude, day=e.day) for i, e in enumerate(expenses)]  # expense_id = index
    )
    groups = []
    for indexes in cluster(points, max(radius_m, 1.0)):
        items = [expenses[v.expense_id] for i in indexes for v in members[i]]
        items.sort(key=lambda e: (e.day, e.id), reverse=True)
        groups.append(items)
    groups.sort(key=lambda g: (g[0].day, g[0].id), reverse=True)
    return groups
