"""A household's places, kept up to date change by change instead of recomputed (issue 21, item 7).

Grouping 100,000 located expenses takes about 2 s, and every save changed the household's expenses, so the
first suggestion after a save waited that long. But grouping is local: a visit only ever joins a place
whose centre is within 150 m of it, and that centre lies within 150 m of the place's first spot, so two
spots more than `LINK_M` apart never influence each other's places, not even through a chain of groups.
The household's spots (positions snapped to ~10 m squares) therefore fall into independent neighbourhoods
(connected components of spots linked within `LINK_M`), and its places are the union of the places of each
neighbourhood, grouped by `places_grouping.group_visits` as before. A change regroups only the
neighbourhoods it touches (the old and the new spot of each changed expense, merging or splitting them
as needed), a few milliseconds where the whole took seconds. New expenses above every known id (a save)
are appended to their neighbourhood's kept grouping instead (`places_grouping.Grouping.append`: the visit
joins its group, whose centre and figures resume from running sums), unless that could change more than
its group; then the neighbourhood is grouped again whole. The first computation goes through the same
code, so an updated state and one computed from nothing give exactly the same places
(tests/test_places_incremental.py checks it after random edits and saves).

What changed is found in the database, never trusted to a notification (another process, an import or a
hand edit may write). On SQLite the database counts the writes itself (migration 19's triggers, per owner:
located expenses inserted, expenses updated or deleted): counters that did not move mean nothing changed, and
when only the inserts moved the new expenses are the located ones above the largest id known, as many as the
counters say, fetched by primary-key range; no pass over the household. Otherwise (an edit, a deletion, or
PostgreSQL, which keeps no counters) `sync` reads an aggregate over the household's located expenses (one
pass), and when it differs from the state's own sums it fetches the new expenses (ids above the largest one known:
a primary-key range), then if needed the ones updated since the state's latest `updated_at`, then if
needed the list of ids (deletions); if the sums still disagree (an edit that moved nothing the queries
see), the state is computed again from nothing.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from peewee import ColumnBase, fn

from app.db import db, is_postgres
from app.models import Expense
from app.services.geometry import EARTH_RADIUS_M, SNAP_DECIMALS, unit_vector
from app.services.places_grouping import PLACE_RADIUS_M, Found, Group, Grouping, Visit
from app.services.timestamps import as_date, as_utc

# two visits further apart than this never affect each other's places: 150 m to a centre, 150 m from the
# centre to its first spot, and the ~10 m of snapping on each side, with room to spare
LINK_M = 2 * PLACE_RADIUS_M + 50.0
UPDATE_MARGIN = timedelta(minutes=1)  # a transaction that stamped updated_at, then committed late

Spot = tuple[float, float]
# (latitude, longitude, place, date, amount_cents, category, subcategory, payment method, updated_at)
Row = tuple[Any, ...]
_COLUMNS = (
    Expense.id,
    Expense.latitude,
    Expense.longitude,
    Expense.place,
    Expense.date,
    Expense.amount_cents,
    Expense.category,
    Expense.subcategory,
    Expense.payment_method,
    Expense.updated_at,
)


def _located(owner_ids: list[int]) -> ColumnBase:
    return Expense.owner.in_(owner_ids) & Expense.latitude.is_null(False) & Expense.longitude.is_null(False)


def _unit(spot: Spot) -> tuple[float, float, float]:
    phi, lam = math.radians(spot[0]), math.radians(spot[1])
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


_CELL = LINK_M / EARTH_RADIUS_M
_LINK_CHORD2 = (2 * math.sin(LINK_M / (2 * EARTH_RADIUS_M))) ** 2


def _cell(unit: tuple[float, float, float]) -> tuple[int, int, int]:
    return (math.floor(unit[0] / _CELL), math.floor(unit[1] / _CELL), math.floor(unit[2] / _CELL))


def _visit(expense_id: int, row: Row) -> Visit | None:
    lat, lon, place, day, cents, category, subcategory, method = row[:8]
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None  # written by hand into the database: never let one bad row hide every place
    name = ' '.join(place.split()) if place else ''
    day = None if day is None else as_date(day)
    # its unit vector computed once, when the visit joins the state: every regroup of its neighbourhood reuses it
    return Visit(expense_id, lat, lon, name, day, cents, category, subcategory, method, unit_vector(lat, lon))


class _Sums:
    """The aggregate `sync` compares with the database: integers exactly, positions within rounding."""

    def __init__(self, values: Iterable[Any]) -> None:
        count, id_sum, max_id, cents, categories, subcategories, methods, name_lengths, lat, lon = values
        self.exact = tuple(int(v or 0) for v in (count, id_sum, max_id, cents, categories, subcategories, methods))
        self.exact += (int(name_lengths or 0),)
        self.lat, self.lon = float(lat or 0.0), float(lon or 0.0)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Sums):
            return NotImplemented
        tolerance = 1e-11 * (abs(self.lat) + abs(self.lon) + 1.0)
        return (
            self.exact == other.exact
            and math.isclose(self.lat, other.lat, rel_tol=0, abs_tol=tolerance)
            and math.isclose(self.lon, other.lon, rel_tol=0, abs_tol=tolerance)
        )

    __hash__ = None  # type: ignore[assignment]


_WATCH_TRIGGERS = ('expense_watch_after_insert', 'expense_watch_after_update', 'expense_watch_after_delete')
Watch = tuple[int, int]  # (located expenses inserted, expenses updated or deleted), summed over the owners


def _watch(owner_ids: list[int]) -> Watch | None:
    """The write counters of these owners (migration 19), or None where the database keeps none (PostgreSQL,
    or its triggers dropped by hand: counters that no longer move must never be read as "nothing changed")."""
    if is_postgres():
        return None
    marks = ', '.join('?' * len(_WATCH_TRIGGERS))
    found = db.execute_sql(
        f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'expense' AND name IN ({marks})",
        _WATCH_TRIGGERS,
    ).fetchone()
    if found[0] != len(_WATCH_TRIGGERS):
        return None
    owners = ', '.join('?' * len(owner_ids))
    row = db.execute_sql(
        f'SELECT SUM(inserts), SUM(changes) FROM expense_watch WHERE owner_id IN ({owners})', owner_ids
    ).fetchone()
    return (int(row[0] or 0), int(row[1] or 0))


def _database_sums(owner_ids: list[int]) -> tuple[_Sums, Any]:
    query = Expense.select(
        fn.COUNT(Expense.id),
        fn.SUM(Expense.id),
        fn.MAX(Expense.id),
        fn.SUM(Expense.amount_cents),
        fn.SUM(Expense.category),
        fn.SUM(Expense.subcategory),
        fn.SUM(Expense.payment_method),
        fn.SUM(fn.LENGTH(Expense.place)),
        fn.SUM(Expense.latitude),
        fn.SUM(Expense.longitude),
        fn.MAX(Expense.updated_at),
    ).where(_located(owner_ids))
    row = list(db.execute(query).fetchone())
    return _Sums(row[:10]), row[10]


class _Area:
    """A neighbourhood: its spots, their grouping (kept, so a save can be appended to it) and its places."""

    __slots__ = ('spots', 'grouping', 'found')

    def __init__(self, spots: set[Spot], grouping: Grouping) -> None:
        self.spots = spots
        self.grouping = grouping
        self.found: dict[Group, Found] = {group: group.figures() for group in grouping.groups}


class HouseholdPlaces:
    """The located expenses of some owners, their spots, neighbourhoods and places."""

    def __init__(self, owner_ids: list[int]) -> None:
        self.owner_ids = sorted(owner_ids)
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[int, Row] = {}
        self.spot_of: dict[int, Spot] = {}
        self.members: dict[Spot, dict[int, Visit]] = {}
        self.units: dict[Spot, tuple[float, float, float]] = {}
        self.cells: dict[tuple[int, int, int], set[Spot]] = {}
        self.area_of: dict[Spot, int] = {}
        self.areas: dict[int, _Area] = {}
        self.next_area = 0
        self.latest_update: Any = None
        self._ordered: list[Found] | None = None
        # sums of id, amount, category, subcategory, payment method, name length, latitude, longitude
        self.totals: list[Any] = [0, 0, 0, 0, 0, 0, 0.0, 0.0]
        self.max_id = 0
        self.watch: Watch | None = None  # the write counters the state is up to

    # --- reading the database ----------------------------------------------------------------------

    def sync(self) -> list[Found]:
        """Bring the state up to the database (the caller holds a read transaction); the places, most
        visited first."""
        watch = _watch(self.owner_ids)
        if watch is not None and self.watch is not None and self._inserts_only(watch):
            return self.places()
        target, latest = _database_sums(self.owner_ids)
        if target != self._sums() or latest != self.latest_update:
            self._catch_up(target, latest)
        self.latest_update = latest
        self.watch = watch
        return self.places()

    def _inserts_only(self, watch: Watch) -> bool:
        """Nothing changed, or only located expenses were added and all of them are found above the largest id
        known: applied, and True. False when the aggregate must tell (an update, a deletion, an id below)."""
        assert self.watch is not None
        added = watch[0] - self.watch[0]
        if watch[1] != self.watch[1] or added < 0:
            return False
        if added:
            located = _located(self.owner_ids)
            fetched = self._fetch((Expense.id > self.max_id) & located)
            new: dict[int, Row | None] = {i: row for i, row in fetched.items() if row is not None}
            if len(new) != added:
                return False
            self._apply(new)
            stamps = [row[8] for row in new.values() if row is not None and row[8] is not None]
            if stamps:  # what MAX(updated_at) over the located expenses now says
                self.latest_update = max([*stamps, *([self.latest_update] if self.latest_update is not None else [])])
        self.watch = watch
        return True

    def _catch_up(self, target: _Sums, latest: Any) -> None:
        """Apply what changed: new expenses, then edited ones, then deletions, each only when what came
        before does not explain the database's aggregate; from nothing as a last resort."""
        new = self._fetch(Expense.id > self.max_id)  # a range of the primary key
        self._apply(new)
        stamps = [row[8] for row in new.values() if row is not None and row[8] is not None]
        seen = max([*stamps, *([self.latest_update] if self.latest_update is not None else [])], default=None)
        if target == self._sums() and latest == seen:
            return
        if latest is not None and self.latest_update is not None and latest > self.latest_update:
            since = as_utc(self.latest_update) - UPDATE_MARGIN
            self._apply(self._fetch(Expense.updated_at >= since.replace(tzinfo=None)))
            if target == self._sums():
                return
        located = Expense.select(Expense.id).where(_located(self.owner_ids)).tuples()
        present = {expense_id for (expense_id,) in db.execute(located)}
        self._apply({expense_id: None for expense_id in self.rows if expense_id not in present})
        self._resum()
        if target != self._sums():  # changed behind updated_at's back: start again from nothing
            self._reset()
            self._apply(self._fetch(None))

    def _fetch(self, condition: ColumnBase | None) -> dict[int, Row | None]:
        """Expenses of the owners matching `condition` (all when None): located ones as rows, others as
        None (an expense that lost its position, or moved to another owner, leaves the state)."""
        where = Expense.owner.in_(self.owner_ids)
        query = Expense.select(*_COLUMNS).where(where if condition is None else where & condition)
        found: dict[int, Row | None] = {}
        for expense_id, *rest in db.execute(query):
            found[expense_id] = tuple(rest) if rest[0] is not None and rest[1] is not None else None
        return found

    def _sums(self) -> _Sums:
        """The state's own aggregate, kept as rows come and go (`_resum` recounts it)."""
        return _Sums((len(self.rows), *self.totals[:1], self.max_id, *self.totals[1:]))

    def _resum(self) -> None:
        """Recount the running sums from the rows (floating-point drift, or the largest id deleted)."""
        self.totals = [0, 0, 0, 0, 0, 0, 0.0, 0.0]
        for expense_id, row in self.rows.items():
            self._count(expense_id, row, 1)
        self.totals[6] = math.fsum(row[0] for row in self.rows.values())
        self.totals[7] = math.fsum(row[1] for row in self.rows.values())
        self.max_id = max(self.rows, default=0)

    def _count(self, expense_id: int, row: Row, sign: int) -> None:
        totals = self.totals
        totals[0] += sign * expense_id
        totals[1] += sign * row[4]
        totals[2] += sign * (row[5] or 0)
        totals[3] += sign * (row[6] or 0)
        totals[4] += sign * (row[7] or 0)
        totals[5] += sign * len(row[2] or '')
        totals[6] += sign * row[0]
        totals[7] += sign * row[1]

    # --- changing the state ------------------------------------------------------------------------

    def _apply(self, changes: dict[int, Row | None]) -> None:
        """Add, replace or remove expenses, then regroup the neighbourhoods they touched."""
        new = {i: row for i, row in changes.items() if row is not None or i in self.rows}
        # a few new expenses: appended; many (the first computation, a large import): grouped, neighbourhood by
        # neighbourhood, without looking for each new spot's neighbourhood first
        if new and len(new) <= len(self.rows) and min(new) > self.max_id and None not in new.values():
            self._append(new)
            return
        touched: set[Spot] = set()
        for expense_id, row in changes.items():
            if row is None and expense_id not in self.rows:
                continue
            old_spot = self.spot_of.pop(expense_id, None)
            if old_spot is not None:
                touched.add(old_spot)
                members = self.members[old_spot]
                del members[expense_id]
                if not members:
                    self._drop_spot(old_spot)
            old_row = self.rows.pop(expense_id, None)
            if old_row is not None:
                self._count(expense_id, old_row, -1)
                if expense_id == self.max_id:
                    self.max_id = max(self.rows, default=0)
            if row is None:
                continue
            self.rows[expense_id] = row
            self._count(expense_id, row, 1)
            self.max_id = max(self.max_id, expense_id)
            visit = _visit(expense_id, row)
            if visit is None:
                continue
            spot = (round(visit.latitude, SNAP_DECIMALS), round(visit.longitude, SNAP_DECIMALS))
            if spot not in self.members:
                self._add_spot(spot)
            self.members[spot][expense_id] = visit
            self.spot_of[expense_id] = spot
            touched.add(spot)
        if touched:
            self._regroup(touched)

    def _append(self, rows: dict[int, Row | None]) -> None:
        """New expenses, every one with a larger id than any known (a save, an import): each is appended to its
        neighbourhood's grouping when that is exact (places_grouping.Grouping.append); a neighbourhood that
        cannot be appended to is grouped again whole (its spots did not change: no search for them), and a
        spot that starts a neighbourhood or joins two goes through `_regroup`."""
        touched: set[Spot] = set()
        regroup: set[int] = set()  # neighbourhoods grouped again at the end: no appending to them meanwhile
        for expense_id in sorted(rows):
            row = rows[expense_id]
            assert row is not None
            self.rows[expense_id] = row
            self._count(expense_id, row, 1)
            self.max_id = expense_id
            visit = _visit(expense_id, row)
            if visit is None:
                continue
            spot = (round(visit.latitude, SNAP_DECIMALS), round(visit.longitude, SNAP_DECIMALS))
            area = self.area_of.get(spot)
            if spot not in self.members:
                self._add_spot(spot)
                area = self._only_area_near(spot)
                if area is not None:
                    self.areas[area].spots.add(spot)
                    self.area_of[spot] = area
            self.members[spot][expense_id] = visit
            self.spot_of[expense_id] = spot
            self._ordered = None
            if area is None:
                touched.add(spot)
            elif area not in regroup:
                kept = self.areas[area]
                group = kept.grouping.append(visit)
                if group is None:
                    regroup.add(area)
                else:
                    for gone in kept.grouping.dropped:
                        del kept.found[gone]
                    for changed in kept.grouping.changed:
                        kept.found[changed] = changed.figures()
                    kept.found[group] = group.figures()
        for area in regroup:  # its spots are still one neighbourhood: grouped again as it stands
            self._form(self.areas.pop(area).spots)
        if touched:
            self._regroup(touched)

    def _only_area_near(self, spot: Spot) -> int | None:
        """The neighbourhood a new spot joins when it is linked to exactly one; None when it links none (a new
        neighbourhood) or several (they merge)."""
        x, y, z = unit = self.units[spot]
        kx, ky, kz = _cell(unit)
        found: set[int] = set()
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for dz in (-1, 0, 1):
                    for other in self.cells.get((kx + dx, ky + dy, kz + dz), ()):
                        area = self.area_of.get(other)
                        if area is None or area in found:
                            continue
                        ox, oy, oz = self.units[other]
                        if (x - ox) ** 2 + (y - oy) ** 2 + (z - oz) ** 2 <= _LINK_CHORD2:
                            found.add(area)
        return next(iter(found)) if len(found) == 1 else None

    def _add_spot(self, spot: Spot) -> None:
        unit = _unit(spot)
        self.members[spot] = {}
        self.units[spot] = unit
        self.cells.setdefault(_cell(unit), set()).add(spot)

    def _drop_spot(self, spot: Spot) -> None:
        del self.members[spot]
        cell = _cell(self.units.pop(spot))
        self.cells[cell].discard(spot)
        if not self.cells[cell]:
            del self.cells[cell]

    def _regroup(self, touched: set[Spot]) -> None:
        """Dissolve the neighbourhoods of the touched spots and form them again from their spots (a new
        spot may join two of them; a removed one may split one)."""
        start: set[Spot] = set()
        for spot in touched:
            area = self.area_of.pop(spot, None)
            if area is not None and area in self.areas:
                start |= self.areas.pop(area).spots
            if spot in self.members:
                start.add(spot)
        for spot in start:
            self.area_of.pop(spot, None)
        placed: set[Spot] = set()
        # the smallest spot first: the same neighbourhoods, in the same order, whatever the history
        for seed in sorted(spot for spot in start if spot in self.members):
            if seed in placed:
                continue
            area_spots = self._reach(seed)
            placed |= area_spots
            self._form(area_spots)
        self._ordered = None

    def _reach(self, seed: Spot) -> set[Spot]:
        """Every spot linked to `seed` through spots within LINK_M of one another; a neighbourhood met
        on the way (joined through a new spot) is dissolved into it."""
        units, cells, area_of = self.units, self.cells, self.area_of
        reached = {seed}
        queue = deque([seed])
        while queue:
            x, y, z = unit = units[queue.popleft()]
            kx, ky, kz = _cell(unit)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for dz in (-1, 0, 1):
                        for other in cells.get((kx + dx, ky + dy, kz + dz), ()):
                            if other in reached:
                                continue
                            ox, oy, oz = units[other]
                            if (x - ox) ** 2 + (y - oy) ** 2 + (z - oz) ** 2 > _LINK_CHORD2:
                                continue
                            old = area_of.pop(other, None)
                            if old is not None and old in self.areas:
                                for spot in self.areas.pop(old).spots:
                                    area_of.pop(spot, None)
                            reached.add(other)
                            queue.append(other)
        return reached

    def _form(self, spots: set[Spot]) -> None:
        visits = sorted((v for spot in spots for v in self.members[spot].values()), key=lambda v: v.expense_id)
        number = self.next_area
        self.next_area += 1
        self.areas[number] = _Area(spots, Grouping(visits))
        for spot in spots:
            self.area_of[spot] = number

    def places(self) -> list[Found]:
        """Every place, most visited first (ties: most recent, then label, then position)."""
        if self._ordered is None:
            every = [place for area in self.areas.values() for place in area.found.values()]
            every.sort(
                key=lambda p: (
                    -p.visits,
                    -(p.last_visit.toordinal() if p.last_visit else 0),
                    p.label.casefold(),
                    p.latitude,
                    p.longitude,
                    p.expense_ids[:1],
                )
            )
            self._ordered = every
        return self._ordered
