"""Leaflet's view of the world: boxes to fit, longitudes that cross the antimeridian, and the Web Mercator
scale that decides which expenses share a marker on screen."""

from __future__ import annotations

import math
from collections.abc import Sequence

from app.services.geometry import EARTH_RADIUS_M

Bounds = list[list[float]]  # [[south, west], [north, east]], as Leaflet's fitBounds takes it


def fit_bounds(positions: Sequence[tuple[float, float]]) -> Bounds | None:
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


def leaflet_longitude(lon: float, bounds: Bounds | None) -> float:
    """The longitude to draw at so that a marker lies inside bounds that cross the antimeridian."""
    if bounds is not None and bounds[1][1] > 180 and lon < bounds[0][1]:
        return lon + 360
    return lon


def metres_per_pixel(zoom: float, latitude: float) -> float:
    """Ground size of one screen pixel on a Web Mercator map at this zoom level and latitude."""
    return 2 * math.pi * EARTH_RADIUS_M * max(math.cos(math.radians(latitude)), 0.01) / (256 * 2**zoom)


def estimated_zoom(bounds: Bounds | None, width: int = 700, height: int = 460) -> int:
    """The zoom fitBounds will choose for a map of about this size: the first grouping is already right."""
    if bounds is None:
        return 3
    (south, west), (north, east) = bounds
    lon_span = max(east - west, 1e-6)

    def mercator(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lat_span = max(mercator(north) - mercator(south), 1e-9)
    zoom_x = math.log2(width * 360 / (256 * lon_span))
    zoom_y = math.log2(height * 2 * math.pi / (256 * lat_span))
    return max(1, min(16, math.floor(min(zoom_x, zoom_y))))
