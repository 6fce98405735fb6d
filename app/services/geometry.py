"""Positions on the Earth, without a database: great-circle distances, centres, and grouping of positions
that lie within a radius of one another.

Distances are great-circle (haversine) metres; grouping indexes points on the unit sphere, so the poles
and the antimeridian (179.99° E beside 179.99° W) need no special case.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

EARTH_RADIUS_M = 6_371_008.8
SNAP_DECIMALS = 4  # ~11 m of latitude: far below the 150 m of a place, far above GPS rounding

Weighted = tuple[float, float, float]  # (latitude, longitude, weight)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two positions given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def normalize_longitude(lon: float) -> float:
    """Any longitude (a map wrapped around the world gives 540°) back into [-180, 180]."""
    wrapped = (lon + 180.0) % 360.0 - 180.0
    return 180.0 if wrapped == -180.0 and lon > 0 else wrapped


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The position as a vector of the unit sphere (what grouping and centres compute with)."""
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


_unit = unit_vector


def mean_position(points: Iterable[Weighted]) -> tuple[float, float]:
    """The weighted centre of (lat, lon, weight) positions, averaged on the sphere (right across 180°)."""
    x = y = z = 0.0
    for lat, lon, weight in points:
        ux, uy, uz = _unit(lat, lon)
        x, y, z = x + ux * weight, y + uy * weight, z + uz * weight
    norm = math.sqrt(x * x + y * y + z * z)
    if norm == 0:
        raise ValueError('no centre: the positions cancel out')
    return math.degrees(math.asin(max(-1.0, min(1.0, z / norm)))), math.degrees(math.atan2(y, x))


class Grid:
    """Points on the unit sphere bucketed in cubes whose side is the radius: neighbours are in 27 cubes."""

    def __init__(self, radius_m: float) -> None:
        self.cell = radius_m / EARTH_RADIUS_M
        self.cells: dict[tuple[int, int, int], list[int]] = defaultdict(list)

    def key(self, lat: float, lon: float) -> tuple[int, int, int]:
        x, y, z = _unit(lat, lon)
        return (math.floor(x / self.cell), math.floor(y / self.cell), math.floor(z / self.cell))

    def add(self, index: int, lat: float, lon: float) -> None:
        self.cells[self.key(lat, lon)].append(index)

    def near(self, lat: float, lon: float) -> Iterator[int]:
        kx, ky, kz = self.key(lat, lon)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for dz in (-1, 0, 1):
                    yield from self.cells.get((kx + dx, ky + dy, kz + dz), ())


def _chord(radius_m: float) -> float:
    """Straight-line distance through the unit sphere matching a great-circle distance: comparing squared
    chords of unit vectors is exact for "within the radius" and needs no trigonometry per pair."""
    return 2 * math.sin(radius_m / (2 * EARTH_RADIUS_M))


def cluster(points: Sequence[Weighted], radius_m: float) -> list[list[int]]:
    """Indexes of (lat, lon, weight) points grouped within `radius_m`: the densest point first starts a
    group and takes every free point within the radius of it. Deterministic for the same input."""
    grid = Grid(radius_m)
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


def group_positions(positions: Sequence[tuple[float, float]], radius_m: float) -> list[list[int]]:
    """Indexes of (lat, lon) positions grouped within `radius_m`, as `cluster` groups them.

    Positions within the same ~10 m square are first counted as one weighted point, so a shop visited
    5 000 times with GPS jitter costs a few dozen points to group, not 5 000.
    """
    spots: dict[tuple[float, float], list[int]] = defaultdict(list)
    for index, (lat, lon) in enumerate(positions):
        spots[(round(lat, SNAP_DECIMALS), round(lon, SNAP_DECIMALS))].append(index)
    points = [(lat, lon, float(len(members))) for (lat, lon), members in spots.items()]
    members = list(spots.values())
    return [[index for i in indexes for index in members[i]] for indexes in cluster(points, radius_m)]
