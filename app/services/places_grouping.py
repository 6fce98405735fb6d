"""How visits become places, without a database: the three grouping rules of `places` and the figures of
each place (visits, total, last visit, the category and payment method used most often there).

Everything here is a pure function of the visits it is given, so a household's places can be computed for
one neighbourhood at a time (`places_state`) and give the same result as for the whole household.

A group keeps its visits in the order of their ids and the running sums of its centre and figures, so a visit
with a larger id than every other (a save) can be appended to a `Grouping` (`Grouping.append`) and give, to
the bit, the groups a grouping from nothing would give; when it could change anything else (a new name, two
groups of a name merging, a named centre moving near unnamed visits that may change sides, the unnamed spots
grouped differently), `append` says so and the caller groups the neighbourhood again.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.services.geometry import (
    EARTH_RADIUS_M,
    SNAP_DECIMALS,
    Grid,
    cluster,
    haversine_m,
    unit_vector,
)
from app.services.places_figures import Found, Tally

PLACE_RADIUS_M = 150.0

Spot = tuple[float, float]
Unit = tuple[float, float, float]


def name_key(name: str) -> str:
    return ' '.join(name.split()).casefold()


def spot_of(latitude: float, longitude: float) -> Spot:
    """The ~10 m square `geometry.group_positions` counts a position in."""
    return (round(latitude, SNAP_DECIMALS), round(longitude, SNAP_DECIMALS))


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
    unit: Unit | None = None  # the position on the unit sphere, when the caller keeps it

    def on_sphere(self) -> Unit:
        return self.unit if self.unit is not None else unit_vector(self.latitude, self.longitude)


# a group further than this (as a chord of unit vectors: no trigonometry) is not within PLACE_RADIUS_M; the 1%
# margin leaves the exact decision to haversine_m, as before
_NEAR_CHORD2 = (2 * math.sin(PLACE_RADIUS_M * 1.01 / (2 * EARTH_RADIUS_M))) ** 2
_FEW_GROUPS = 8  # fewer named groups than this in a neighbourhood: compared directly, without the grid
# a visit lies within ~8 m of its spot; a spot this much inside (outside) a radius has all its visits inside (out)
_SPOT_SLACK_M = 20.0
_ORIGIN: Unit = (0.0, 0.0, 0.0)


def _chord2(metres: float) -> float:
    return (2 * math.sin(metres / (2 * EARTH_RADIUS_M))) ** 2


def _add(sums: Unit, visits: Iterable[Visit]) -> Unit:
    """Unit vectors summed one after the other, in the visits' order: the same bits however often resumed."""
    x, y, z = sums
    for visit in visits:
        ux, uy, uz = visit.on_sphere()
        x, y, z = x + ux, y + uy, z + uz
    return (x, y, z)


def _centre(sums: Unit) -> tuple[float, float]:
    x, y, z = sums
    norm = math.sqrt(x * x + y * y + z * z)
    if norm == 0:
        raise ValueError('no centre: the positions cancel out')
    return math.degrees(math.asin(max(-1.0, min(1.0, z / norm)))), math.degrees(math.atan2(y, x))


def centre_of(visits: Iterable[Visit]) -> tuple[float, float]:
    """The centre of the visits, averaged on the sphere: the computation of geometry.mean_position with weights
    of 1, from the unit vectors the visits may carry (the same numbers, computed once per visit)."""
    return _centre(_add(_ORIGIN, visits))


def _by_id(visit: Visit) -> int:
    return visit.expense_id


@dataclass(slots=True, eq=False)
class Group:
    """Visits being grouped, in the order of their ids: the centre moves as visits join."""

    visits: list[Visit]
    latitude: float = 0.0
    longitude: float = 0.0
    named: bool = False
    key: str = ''  # a named group: its name as grouped (name_key)
    sums: Unit = _ORIGIN  # of the unit vectors of `visits`, in their order
    # a named group: the centre of its named visits only (what rule 2 measures unnamed visits against) and its sums
    anchor: tuple[float, float] = (0.0, 0.0)
    anchor_sums: Unit = _ORIGIN
    tally: Tally | None = field(default=None)

    def recentre(self) -> None:
        self.sums = _add(_ORIGIN, self.visits)
        self.latitude, self.longitude = _centre(self.sums)

    def append(self, visit: Visit) -> None:
        """A visit with a larger id than every other joins: the centre and figures resume from their sums."""
        self.visits.append(visit)
        self.sums = _add(self.sums, (visit,))
        self.latitude, self.longitude = _centre(self.sums)
        if self.tally is not None:
            self.tally.add(visit)

    def figures(self) -> Found:
        if self.tally is None:
            self.tally = Tally(self.visits)
        return self.tally.found(self.visits, self.latitude, self.longitude)


Grouped = tuple[list[Group], dict[Spot, int], dict[Spot, Group]]


def _groups_of(visits: Sequence[Visit], spots: Sequence[Spot], radius_m: float) -> Grouped:
    """The visits grouped as `geometry.group_positions` groups them (counted per spot, the densest spot first),
    each group in the order of ids; with the count of visits per spot and the group each spot is in."""
    at: dict[Spot, list[Visit]] = defaultdict(list)
    for visit, spot in zip(visits, spots, strict=True):
        at[spot].append(visit)
    keys = list(at)
    weights = {spot: len(members) for spot, members in at.items()}
    where: dict[Spot, Group] = {}
    groups = []
    for indexes in cluster([(lat, lon, float(weights[(lat, lon)])) for lat, lon in keys], radius_m):
        group = Group(sorted((v for i in indexes for v in at[keys[i]]), key=_by_id))
        group.recentre()
        groups.append(group)
        for i in indexes:
            where[keys[i]] = group
    return groups, weights, where


def _partition(weights: dict[Spot, int], radius_m: float) -> set[frozenset[Spot]]:
    """The spots as `group_positions` groups visits counted in them (`cluster` of weighted spots)."""
    spots = list(weights)
    points = [(lat, lon, float(weights[(lat, lon)])) for lat, lon in spots]
    return {frozenset(spots[i] for i in indexes) for indexes in cluster(points, radius_m)}


def _partition_of(where: dict[Spot, Group]) -> set[frozenset[Spot]]:
    old: dict[int, set[Spot]] = defaultdict(set)
    for spot, group in where.items():
        old[id(group)].add(spot)
    return {frozenset(spots) for spots in old.values()}


def _placed(
    weights: dict[Spot, int], where: dict[Spot, Group], spot: Spot, radius_m: float
) -> tuple[bool, Group | None]:
    """With one more visit counted at `spot` (already in `weights`): (True, the group the visit joins) when
    every other group keeps its spots, (True, None) when it starts a group of its own beside unchanged ones,
    (False, None) when the spots are grouped otherwise."""
    before = _partition_of(where)
    after = _partition(weights, radius_m)
    if spot in where:
        return (True, where[spot]) if after == before else (False, None)
    mine = next(spots for spots in after if spot in spots)
    rest = mine - {spot}
    if rest and rest not in before:
        return False, None
    if after != (before - {rest}) | {mine}:
        return False, None
    return True, (where[next(iter(rest))] if rest else None)


class Grouping:
    """The places of a neighbourhood's visits by the three rules of `places`, and what appending needs."""

    def __init__(self, visits: Sequence[Visit], radius_m: float = PLACE_RADIUS_M) -> None:
        self.radius_m = radius_m
        self.last_id = max((v.expense_id for v in visits), default=0)
        by_name: dict[str, tuple[list[Visit], list[Spot]]] = defaultdict(lambda: ([], []))
        unnamed: list[tuple[Visit, Spot]] = []
        for visit in visits:
            key = name_key(visit.place or '')
            spot = (round(visit.latitude, SNAP_DECIMALS), round(visit.longitude, SNAP_DECIMALS))
            if key:
                of_name = by_name[key]
                of_name[0].append(visit)
                of_name[1].append(spot)
            else:
                unnamed.append((visit, spot))
        self.named: list[Group] = []
        self.name_spots: dict[str, dict[Spot, int]] = {}  # the visits of each name counted per spot
        self.name_group: dict[str, dict[Spot, Group]] = {}  # and the group each of those spots is in
        for key in sorted(by_name):
            groups, self.name_spots[key], self.name_group[key] = _groups_of(*by_name[key], radius_m)
            for group in groups:
                group.named, group.key = True, key
                group.anchor, group.anchor_sums = (group.latitude, group.longitude), group.sums
            self.named.extend(groups)
        self._index()
        self.unnamed_at: dict[Spot, list[Visit]] = defaultdict(list)  # the unnamed visits, per spot
        alone: list[Visit] = []
        alone_at: list[Spot] = []
        joined: dict[int, Group] = {}
        for visit, spot in unnamed:
            self.unnamed_at[spot].append(visit)
            best = self._choose(visit)
            if best is None:
                alone.append(visit)
                alone_at.append(spot)
            else:
                joined[best] = group = self.named[best]
                group.visits.append(visit)
        for group in joined.values():
            group.visits.sort(key=_by_id)
            group.recentre()
        self.alone, self.alone_spots, self.alone_group = _groups_of(alone, alone_at, radius_m)
        self._units: dict[Spot, Unit] = {}
        self.dropped: list[Group] = []  # the groups the last append's group took whole (a new named place)
        self.changed: list[Group] = []  # and the groups it took visits from

    @property
    def groups(self) -> list[Group]:
        return [*self.named, *self.alone]

    def _index(self) -> None:
        """How rule 2 finds the named groups near a visit: directly when they are few, else by a grid."""
        self.few = len(self.named) < _FEW_GROUPS and self.radius_m == PLACE_RADIUS_M
        self.centres = [(i, unit_vector(*g.anchor)) for i, g in enumerate(self.named)] if self.few else []
        self.grid = Grid(self.radius_m)
        if not self.few:
            for index, group in enumerate(self.named):
                self.grid.add(index, *group.anchor)

    def _choose(self, visit: Visit) -> int | None:
        """Rule 2: the named group whose centre is nearest the unnamed visit, within the radius (a tie to the
        later group)."""
        best, best_distance = None, self.radius_m
        if self.few:
            vx, vy, vz = visit.on_sphere()
            candidates = [
                index
                for index, (gx, gy, gz) in self.centres
                if (vx - gx) ** 2 + (vy - gy) ** 2 + (vz - gz) ** 2 <= _NEAR_CHORD2
            ]
        else:
            candidates = list(self.grid.near(visit.latitude, visit.longitude))
        for index in candidates:
            lat, lon = self.named[index].anchor
            distance = haversine_m(visit.latitude, visit.longitude, lat, lon)
            if distance <= best_distance:
                best, best_distance = index, distance
        return best

    # --- appending -----------------------------------------------------------------------------------

    def append(self, visit: Visit) -> Group | None:
        """Add a visit whose id is larger than every other: the group it joined, exactly as a grouping from
        nothing would give it; None when more than that group could change (the caller groups again).
        The grouping is left half-changed after None: only grouping again may follow."""
        self.dropped, self.changed = [], []
        if visit.expense_id <= self.last_id:
            return None
        key = name_key(visit.place or '')
        spot = spot_of(visit.latitude, visit.longitude)
        group = self._append_named(key, spot, visit) if key else self._append_unnamed(spot, visit)
        if group is not None:
            self.last_id = visit.expense_id
        return group

    def _append_unnamed(self, spot: Spot, visit: Visit) -> Group | None:
        self.unnamed_at[spot].append(visit)
        best = self._choose(visit)  # the named groups do not change: only this visit's choice is new
        if best is not None:
            group = self.named[best]
            group.append(visit)
            return group
        self.alone_spots[spot] = self.alone_spots.get(spot, 0) + 1
        same, joined = _placed(self.alone_spots, self.alone_group, spot, self.radius_m)
        if not same:
            return None
        if joined is None:
            joined = Group([])
            self.alone.append(joined)
        self.alone_group[spot] = joined
        joined.append(visit)
        return joined

    def _append_named(self, key: str, spot: Spot, visit: Visit) -> Group | None:
        weights = self.name_spots.get(key)
        if weights is None:
            return self._new_name(key, spot, visit)
        weights[spot] = weights.get(spot, 0) + 1
        _, group = _placed(weights, self.name_group[key], spot, self.radius_m)
        if group is None:  # grouped otherwise, or a new named group (the grid of rule 2 changes)
            return None
        sums = _add(group.anchor_sums, (visit,))
        anchor = _centre(sums)
        _, doubtful = self._near(group, unit_vector(*group.anchor), unit_vector(*anchor))
        unnamed = [v for spot in doubtful for v in self.unnamed_at[spot]]
        before = [self._choose(v) for v in unnamed]
        group.anchor, group.anchor_sums = anchor, sums
        self._index()
        if [self._choose(v) for v in unnamed] != before:  # an unnamed visit changes place: not only this group
            return None
        self.name_group[key][spot] = group
        group.append(visit)
        return group

    def _new_name(self, key: str, spot: Spot, visit: Visit) -> Group | None:
        """A name met for the first time: a new named group, which takes (rule 2) the unnamed visits nearer to
        it than to any other named place. Exact when it takes whole unnamed groups (the first name given to a
        place) and visits of named places (each then counted again), the other unnamed spots still group the
        same, and rule 2 keeps its way of finding groups."""
        group = Group([visit], named=True, key=key)
        group.recentre()
        group.anchor, group.anchor_sums = (group.latitude, group.longitude), group.sums
        if (len(self.named) + 1 < _FEW_GROUPS and self.radius_m == PLACE_RADIUS_M) != self.few:
            return None  # the candidates of rule 2 would come in another order: ties could go elsewhere
        # unnamed spots deep inside its reach, with no other named place in reach: all their visits are taken
        at = unit_vector(*group.anchor)
        sure, edge = self._near(group, at, at)
        unnamed = [v for near in edge for v in self.unnamed_at[near]]
        before = [self._choose(v) for v in unnamed]
        index = next((i for i, other in enumerate(self.named) if other.key > key), len(self.named))
        self.named.insert(index, group)
        self._index()
        taken = Counter({near: len(self.unnamed_at[near]) for near in sure})
        losers: dict[int, Group] = {}  # named places that lose visits to the new one
        moved: list[Visit] = []
        for unnamed_visit, was in zip(unnamed, before, strict=True):
            now = self._choose(unnamed_visit)
            if now == index and was is None:
                taken[spot_of(unnamed_visit.latitude, unnamed_visit.longitude)] += 1
            elif now == index:
                assert was is not None
                loser = self.named[was if was < index else was + 1]
                losers[id(loser)] = loser
                moved.append(unnamed_visit)
            elif now != (was if was is None or was < index else was + 1):
                return None
        groups = {id(alone): alone for near in taken if (alone := self.alone_group.get(near)) is not None}
        spots = {near for near, alone in self.alone_group.items() if id(alone) in groups}
        if spots != set(taken) or any(taken[near] != len(self.unnamed_at[near]) for near in spots):
            return None  # an unnamed group, or the unnamed visits of a spot, taken in part only
        rest = {near: count for near, count in self.alone_spots.items() if near not in spots}
        if _partition(rest, self.radius_m) != _partition_of({near: self.alone_group[near] for near in rest}):
            return None  # the other unnamed spots group otherwise without those
        for near in spots:
            del self.alone_spots[near], self.alone_group[near]
        self.alone = [alone for alone in self.alone if id(alone) not in groups]
        self.dropped = list(groups.values())
        gone = {v.expense_id for v in moved}
        for loser in losers.values():  # its named visits stay: its named centre does not move
            loser.visits = [v for v in loser.visits if v.expense_id not in gone]
            loser.tally = None
            loser.recentre()
        self.changed = list(losers.values())
        if (
            len(self.dropped) == 1 and not moved
        ):  # the usual case: one unnamed group, whose sums and counts the new one resumes
            (alone,) = self.dropped
            group.visits, group.tally = [*alone.visits, visit], alone.tally
            group.sums = _add(alone.sums, (visit,))
            group.latitude, group.longitude = _centre(group.sums)
            if group.tally is not None:
                group.tally.add(visit)
        else:
            group.visits = sorted([visit, *moved, *(v for alone in self.dropped for v in alone.visits)], key=_by_id)
            group.recentre()
        self.name_spots[key], self.name_group[key] = {spot: 1}, {spot: group}
        return group

    def _near(self, group: Group, before: Unit, after: Unit) -> tuple[list[Spot], list[Spot]]:
        """The unnamed spots that rule 2 sends to `group` before and after its named centre moves from `before` to
        `after` (deep inside both, no other named group in reach: a visit lies within ~8 m of its spot), and those
        whose visits may choose otherwise (near an edge, or between places). Spots out of reach of both: neither."""
        reach, inside = _chord2(self.radius_m + _SPOT_SLACK_M), _chord2(self.radius_m - _SPOT_SLACK_M)
        others: list[Unit] | None = None
        sure, doubtful = [], []
        for spot in self.unnamed_at:
            sx, sy, sz = self._unit(spot)
            d0 = (sx - before[0]) ** 2 + (sy - before[1]) ** 2 + (sz - before[2]) ** 2
            d1 = (sx - after[0]) ** 2 + (sy - after[1]) ** 2 + (sz - after[2]) ** 2
            if d0 > reach and d1 > reach:
                continue
            if others is None:
                others = [unit_vector(*g.anchor) for g in self.named if g is not group]
            if (
                d0 > inside
                or d1 > inside
                or any((sx - ox) ** 2 + (sy - oy) ** 2 + (sz - oz) ** 2 <= reach for ox, oy, oz in others)
            ):
                doubtful.append(spot)
            else:
                sure.append(spot)
        return sure, doubtful

    def _unit(self, spot: Spot) -> Unit:
        unit = self._units.get(spot)
        if unit is None:
            unit = self._units[spot] = unit_vector(*spot)
        return unit


def group_visits(visits: Sequence[Visit], radius_m: float = PLACE_RADIUS_M) -> list[Group]:
    """Places from visits, by the three rules of `places`; each group's visits in the order of their ids."""
    return Grouping(visits, radius_m).groups


def figures_of(group: Group) -> Found:
    """The figures of a group of visits; names of categories and payment methods are added later."""
    return group.figures()
